"""The README's example runs and its Quick start matches .ci/run."""

import re
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text()


def test_readme_gated_rule_example_runs():
    code = README.split("<!-- example: gated-rule -->", 1)[1].split("```python", 1)[1].split("```", 1)[0]
    namespace = {}
    exec(compile(code, "README example", "exec"), namespace)
    weights = namespace["weights"]
    assert np.all(weights[:, 2:] == 0), "cells without a Ca2+ spike must not learn"
    assert np.abs(weights[:, :2]).sum() > 0, "taught cells must learn"


def test_quick_start_has_two_commands_and_ci_runs_the_test_one():
    quick_start = README.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    commands = re.findall(r"```bash\n(.*?)\n```", quick_start, re.S)
    assert len(commands) == 2
    assert "gatedplasticity reproduce burbank2012-fig1" in commands[0]
    assert "pytest" in commands[1] and ".[test]" in commands[1]
    assert commands[1] in (ROOT / ".ci" / "run").read_text()
