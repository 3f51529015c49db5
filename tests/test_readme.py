"""The README's Quick start is exactly what CI runs: two commands, verbatim in .ci/run."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def quick_start_commands():
    text = (ROOT / "README.md").read_text()
    section = text.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```bash\n(.*?)```", section, re.S).group(1)
    return [line.strip() for line in block.splitlines() if line.strip()]


def test_quick_start_has_exactly_two_commands():
    commands = quick_start_commands()
    assert len(commands) == 2
    assert "minnorm_teach build" in commands[0] and "pip install" in commands[0]
    assert "pytest" in commands[1]


def test_ci_runs_the_readme_commands_verbatim():
    ci_lines = [line.strip() for line in (ROOT / ".ci" / "run").read_text().splitlines()
                if line.strip() and not line.strip().startswith("#")]
    commands = quick_start_commands()
    assert ci_lines[-2:] == commands, "the last two lines of .ci/run must be the README's"


def test_readme_says_what_command_one_needs():
    section = (ROOT / "README.md").read_text().split("## Quick start", 1)[1].split("\n## ", 1)[0]
    assert "Python 3.11" in section
    needs = section.split("**What command 1 needs:**", 1)[1].split("\n\n", 1)[0]
    assert "no Node.js" in needs and "npm" in needs, "say that Node.js/npm are not needed"


def test_readme_lists_every_command():
    from minnorm_teach.tooling import cli

    text = (ROOT / "README.md").read_text()
    commands = cli._parser()._subparsers._group_actions[0].choices
    for command in set(commands) - {"normalize"}:
        assert f"`{command}`" in text, f"README does not mention the command {command}"
