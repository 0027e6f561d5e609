"""The documentation keeps up with the code."""
import re

import pytest
from click.testing import CliRunner

from kg.cli import cli
from kg.paths import PROJECT_ROOT

README = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")


def setup_commands():
    block = re.search(r"```(?:sh|bash)?\n(.*?)```", README, re.S)
    return [line for line in block.group(1).splitlines() if line.strip() and not line.startswith("#")]


def test_readme_opens_with_the_two_setup_commands():
    commands = setup_commands()
    assert len(commands) == 2
    assert commands[0].startswith("pip install -e .") and "kg " in commands[0]
    assert commands[1].startswith("pip install -e '.[test]'") and "pytest" in commands[1]


def test_ci_runs_the_readme_test_command():
    ci = (PROJECT_ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert setup_commands()[1] in ci


@pytest.mark.parametrize("name", sorted(cli.commands))
def test_every_command_has_help_with_an_example_and_is_in_the_readme(name):
    result = CliRunner().invoke(cli, [name, "--help"])
    assert result.exit_code == 0
    assert "Example:" in result.output
    assert f"kg {name}" in README
