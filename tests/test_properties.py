"""Property-based checks (hypothesis): bad parameter values and bad command lines are refused by name."""

import io
import math
import time
from contextlib import redirect_stderr, redirect_stdout

import pytest
from brian2 import Hz, get_dimensions, ms, mV, second, volt
from hypothesis import given, settings
from hypothesis import strategies as st

from gatedplasticity import ParameterError, models, rules
from gatedplasticity.arguments import QUANTITY, WORD
from gatedplasticity.cli import main
from gatedplasticity.models.btsp import place_input, plateau_cell
from gatedplasticity.models.lif import arrival_relay

RULES = {
    **{f"stdp {v} {t}": (lambda v=v, t=t: rules.stdp.rule(v, traces=t)) for v in rules.stdp.VARIANTS for t in rules.stdp.TRACES},
    **{f"eh {v}": (lambda v=v: rules.eh.rule(v, normalise=True)) for v in rules.eh.VARIANTS},
    "dlr single": lambda: rules.dlr.rule("single"),
    "dlr multi": lambda: rules.dlr.rule("multi", branches=2, update="coarse_xor"),
    **{f"btsp {v}": (lambda v=v: rules.btsp.rule(v)) for v in rules.btsp.VARIANTS},
}
MODELS = {
    "burbank_lif": lambda: models.burbank_lif(noise=True, external_input=True, stdp_trace=True, homeostasis=True),
    "arrival_relay": arrival_relay, "dlr_neuron": models.dlr_neuron,
    "multi_branch_neuron": lambda: models.multi_branch_neuron(2, "soft_xor"),
    "psp_input": lambda: models.psp_input(400), "two_compartment": models.two_compartment, "threshold_linear": models.threshold_linear,
    "motor_neuron": models.motor_neuron,  # population_input has no parameters
    "place_input": place_input, "plateau_cell": plateau_cell,
}
SETTINGS = settings(max_examples=40, deadline=None)


def bad_values(default):
    """Values a parameter with this default must refuse: text, non-finite, another unit, and the wrong sign
    for durations (must be > 0) and rates (must be >= 0)."""
    unit = default / float(default) if float(default) != 0 and get_dimensions(default) != get_dimensions(1) else 1
    other = mV if get_dimensions(default) != get_dimensions(volt) else second
    options = [st.text(max_size=8), st.sampled_from([math.nan, math.inf, -math.inf]).map(lambda x: x * unit),
               st.floats(-1e3, 1e3, allow_nan=False).map(lambda x: (x + 0.5) * other)]
    if get_dimensions(default) == get_dimensions(second):
        options.append(st.floats(-1e3, 0).map(lambda x: x * ms))
    if get_dimensions(default) == get_dimensions(Hz):
        options.append(st.floats(-1e3, -1e-3).map(lambda x: x * Hz))
    return st.one_of(options)


def assert_refused(build, name):
    with pytest.raises(ParameterError) as error:
        build()
    assert error.value.parameter == name, str(error.value)
    assert f"'{name}'" in str(error.value)


#: label -> (factory, how a bad value reaches it); rules and models check values before any group is used.
SUBJECTS = {**{f"rule {label}": (build, lambda rule, values: rule.synapses(None, None, **values)) for label, build in RULES.items()},
            **{f"model {label}": (build, lambda model, values: model.neurons(1, **values)) for label, build in MODELS.items()}}


@pytest.mark.parametrize("label", sorted(SUBJECTS))
@SETTINGS
@given(data=st.data())
def test_every_rule_and_model_refuses_bad_parameter_values_by_name(label, data):
    build, apply = SUBJECTS[label]
    subject = build()
    name = data.draw(st.sampled_from(sorted(subject.defaults)))
    value = data.draw(bad_values(subject.defaults[name]))
    assert_refused(lambda: apply(subject, {name: value}), name)


def run_cli(argv):
    err, out = io.StringIO(), io.StringIO()
    with redirect_stderr(err), redirect_stdout(out):
        code = main(argv)
    return code, err.getvalue()


def one_line_naming(code, message, option):
    return code == 2 and message.count("\n") == 1 and option in message and "Traceback" not in message


@SETTINGS
@given(st.one_of(st.integers(max_value=-1).map(str), st.text(min_size=1).filter(lambda t: not t.strip().isdigit())))
def test_bad_seeds_exit_2_with_one_line(text):
    code, message = run_cli(["reproduce", "burbank2012-fig1", f"--seed={text}"])
    assert one_line_naming(code, message, "--seed"), message


@SETTINGS
@given(st.text(min_size=1).filter(lambda t: "," not in t and not WORD.match(t) and not QUANTITY.match(t)))
def test_sweep_values_that_are_not_numbers_quantities_or_words_exit_2(text):
    code, message = run_cli(["sweep", "stdp-drift", "--set", f"rate={text}", "--out", "/nonexistent/never"])
    assert one_line_naming(code, message, "--set"), message


@SETTINGS
@given(st.sampled_from(["__import__('os').system('true')", "10*Hz+1", "(1)", "1e3*Hz; 2", "open('x')", "2*nounit"]))
def test_code_is_never_evaluated(text):
    code, message = run_cli(["sweep", "stdp-drift", "--set", f"rate={text}", "--out", "/nonexistent/never"])
    assert one_line_naming(code, message, "--set"), message


@pytest.mark.parametrize("argv, option", [
    (["sweep", "status", "/no/such/sweep"], "no sweep folder"),
    (["sweep", "stdp-drift", "--repeats", "0"], "--repeats"),
    (["sweep", "stdp-drift", "--set", "rate=10*ms"], "'rate'"),
    (["sweep", "no-such-experiment"], "unknown sweep experiment"),
    (["sweep", "stdp-drift", "--grid", "/no/such/grid.json"], "--grid"),
    (["reproduce", "burbank2012-fig3", "--backend", "runtime"], "supports standalone"),
    (["reproduce", "burbank2012-fig2", "--backend", "standalone"], "supports numpy"),
    (["reproduce", "burbank2012-fig1", "--backend", "gpu"], "--backend"),
    (["reproduce", "rao2021-fig99"], "unknown figure"),
])
def test_bad_command_lines_exit_2_with_one_line(argv, option):
    code, message = run_cli(argv)
    assert one_line_naming(code, message, option), message


@SETTINGS
@given(st.sampled_from(["NaN", "Infinity", "-Infinity", "1e999", "-1e999"]), st.sampled_from(["alpha", "mu"]))
def test_grid_files_with_numbers_that_are_not_finite_exit_2(tmp_path_factory, number, name):
    """Issue 30, item 1: such values ran silently with the built default."""
    grid = tmp_path_factory.mktemp("grid") / "grid.json"
    grid.write_text(f'{{"{name}": [1.0, {number}]}}')
    code, message = run_cli(["sweep", "stdp-drift", "--grid", str(grid), "--out", "/nonexistent/never"])
    assert one_line_naming(code, message, f"'{name}' must be finite"), message


def test_an_empty_grid_file_and_a_grid_over_the_limit_exit_2(tmp_path):
    (tmp_path / "empty.json").write_text("{}")
    code, message = run_cli(["sweep", "stdp-drift", "--grid", str(tmp_path / "empty.json")])
    assert one_line_naming(code, message, "names no parameter"), message
    code, message = run_cli(["sweep", "stdp-drift", "--set", "mu=0.01,0.02,0.03", "--max-points", "2"])
    assert one_line_naming(code, message, "max_points"), message


@pytest.mark.parametrize("command", [["reproduce", "burbank2012-fig2"], ["sweep", "stdp-drift"]])
def test_an_out_that_cannot_be_written_exits_2_before_anything_runs(tmp_path, command):
    """Issue 30, item 3: a file as --out failed with a traceback after the whole simulation."""
    afile = tmp_path / "afile"
    afile.write_text("")
    started = time.perf_counter()
    code, message = run_cli([*command, "--out", str(afile / "sub")])
    assert one_line_naming(code, message, "--out"), message
    assert time.perf_counter() - started < 30


@SETTINGS
@given(st.sampled_from(["a file", "below a file", "a read-only folder", "below a read-only folder"]),
       st.sampled_from([["reproduce", "burbank2012-fig2"], ["sweep", "stdp-drift"]]))
def test_out_targets_that_cannot_be_written_exit_2(tmp_path_factory, target, command):
    """Issue 30, item 3, over targets: each ended in a traceback after the whole run. Root writes through a
    0o555 folder's mode, so there the kernel's refusal (EACCES, as for any other user) is injected."""
    import os
    from pathlib import Path
    from unittest import mock

    folder = tmp_path_factory.mktemp("out")
    (folder / "afile").write_text("")
    readonly = folder / "readonly"
    readonly.mkdir(mode=0o555)
    out = {"a file": folder / "afile", "below a file": folder / "afile" / "sub", "a read-only folder": readonly,
           "below a read-only folder": readonly / "sub"}[target]
    original_mkdir, original_write = Path.mkdir, Path.write_text

    def refuse_in_readonly(method):
        def guarded(path, *args, **kwargs):
            if os.geteuid() == 0 and Path(path).parent == readonly:
                raise PermissionError(13, "Permission denied", str(path))
            return method(path, *args, **kwargs)
        return guarded

    with mock.patch.object(Path, "mkdir", refuse_in_readonly(original_mkdir)), \
         mock.patch.object(Path, "write_text", refuse_in_readonly(original_write)):
        code, message = run_cli([*command, "--out", str(out)])
    assert one_line_naming(code, message, "--out"), message
