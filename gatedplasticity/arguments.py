"""Command-line values: one-line usage errors, numbers and quantities read without evaluating anything
(``10*Hz``, ``1.5e-5/Hz**2``, words and paths), seeds, positive counts, writable folders and sweep grids."""

import argparse
import json
import re
from pathlib import Path

from .parameters import ParameterError
from .streams import check_seed


class UsageError(Exception):
    """A bad command line: exit 2 with this one-line message."""


class Parser(argparse.ArgumentParser):
    """argparse with one-line errors (raised, so that :func:`main` prints them and exits 2)."""

    def error(self, message):
        raise UsageError(message)


NUMBER = r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?"
QUANTITY = re.compile(rf"^\s*({NUMBER})\s*(?:([*/])\s*([A-Za-z_]\w*)\s*(?:\*\*\s*([+-]?\d+))?)?\s*$")
WORD = re.compile(r"^[A-Za-z_/~.][\w./~-]*$")  # a name or a path: letters, digits, _ . / ~ -


def parse_value(text, option="--set"):
    """A value from the command line: a number, ``number*unit``, ``number/unit`` or ``number*unit**k``
    with a unit name from ``brian2.units`` (e.g. ``10*Hz``, ``1.5e-5/Hz**2``), or a word or path
    (``reverse``, ``runs/log.txt``), kept as text.

    Anything else raises UsageError naming ``option``; nothing is evaluated.
    """
    import brian2

    if isinstance(text, (int, float)) and not isinstance(text, bool):
        return float(text)
    if not isinstance(text, str):
        raise UsageError(f"{option}: {text!r} is not a number, a quantity such as 10*Hz, or a word")
    match = QUANTITY.match(text)
    if match:
        number, operator, unit_name, power = match.groups()
        value = float(number)
        if unit_name is None:
            return value
        unit = getattr(brian2.units, unit_name, None)
        if not isinstance(unit, brian2.Unit):
            raise UsageError(f"{option}: unknown unit {unit_name!r} in {text!r} (use Brian2 unit names: ms, Hz, mV, ...)")
        unit = unit ** int(power) if power else unit
        return value * unit if operator == "*" else value / unit
    if WORD.match(text) and not re.match(rf"^{NUMBER}", text):
        return text
    raise UsageError(f"{option}: cannot read {text!r}; give a number, a quantity such as 10*Hz or 1.5e-5/Hz**2, or a word")


def seed_argument(text):
    try:
        return check_seed(int(text))
    except (ValueError, ParameterError):
        raise argparse.ArgumentTypeError(f"must be a non-negative integer, got {text!r}") from None


def positive_argument(text):
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"must be a positive integer, got {text!r}")
    return int(text)


def writable_folder(path):
    """``path`` as a folder that exists and can be written, or UsageError (before anything runs)."""
    out = Path(path)
    try:
        out.mkdir(parents=True, exist_ok=True)
        probe = out / ".write-test"
        probe.write_text("")
        probe.unlink()
    except OSError as error:
        raise UsageError(f"--out: cannot write to {path!r} ({error.strerror or error})") from None
    return out


def read_grid(args):
    """{name: [values]} from --grid and --set, parsed without evaluating anything."""
    grid = {}
    if args.grid:
        try:
            loaded = json.loads(Path(args.grid).read_text())
        except (OSError, ValueError) as error:
            raise UsageError(f"--grid: cannot read {args.grid!r} as JSON ({error})") from None
        if not isinstance(loaded, dict) or not all(isinstance(v, list) for v in loaded.values()):
            raise UsageError("--grid: the file must hold an object {name: [values, ...]}")
        grid.update({str(name): [parse_value(value, "--grid") for value in values] for name, values in loaded.items()})
    for assignment in args.set:
        name, equals, values = assignment.partition("=")
        if not equals or not re.match(r"^[A-Za-z_]\w*$", name.strip()):
            raise UsageError(f"--set: expected NAME=V1,V2,..., got {assignment!r}")
        grid[name.strip()] = [parse_value(value) for value in values.split(",")] if values else []
    return grid
