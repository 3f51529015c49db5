"""environment.yml and .binder/ are generated from pyproject.toml, the single source of
dependencies: these tests fail when they are out of sync.

Fix: ``python -m minnorm_teach._book --sync``.
"""

import tomllib
from pathlib import Path

import pytest
import yaml

from minnorm_teach import _book

ROOT = Path(__file__).resolve().parent.parent
SYNC = "out of sync with pyproject.toml: run `python -m minnorm_teach._book --sync`"


def test_environment_yml_is_generated_from_pyproject():
    assert (ROOT / "environment.yml").read_text() == _book.environment_yml(
        ROOT / "pyproject.toml"), f"environment.yml is {SYNC}"


def test_binder_environment_is_generated_from_pyproject():
    assert (ROOT / ".binder" / "environment.yml").read_text() == _book.binder_environment_yml(
        ROOT / "pyproject.toml"), f".binder/environment.yml is {SYNC}"


@pytest.mark.parametrize("path", ["environment.yml", ".binder/environment.yml"])
def test_environment_lists_every_dependency(path):
    env = yaml.safe_load((ROOT / path).read_text())
    assert env["channels"] == ["conda-forge"]
    deps = env["dependencies"]
    assert all(isinstance(d, str) and " " not in d for d in deps)
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = list(project["dependencies"])
    for extra in project["optional-dependencies"].values():
        wanted += [r for r in extra if not r.startswith(project["name"])]
    names = {d.split(">")[0].split("<")[0].split("=")[0] for d in deps}
    for requirement in wanted:
        name = requirement.split(">")[0].split("<")[0].split("=")[0].split("[")[0].strip().lower()
        assert {"mne": "mne-base"}.get(name, name) in names, f"{path} lacks {requirement}"


def test_binder_pins_python_and_installs_the_package():
    env = yaml.safe_load((ROOT / ".binder" / "environment.yml").read_text())
    assert "python=3.11" in env["dependencies"]
    assert not any(isinstance(d, dict) for d in env["dependencies"]), "no pip -e . on Binder"
    post = (ROOT / ".binder" / "postBuild").read_text()
    assert "pip install --no-deps -e ." in post
    assert (ROOT / ".binder" / "postBuild").stat().st_mode & 0o111, "postBuild not executable"


def test_conda_spec_maps_names_and_strips_spaces():
    assert _book._conda_spec("mne >= 1.13, <1.14") == "mne-base>=1.13,<1.14"
    assert _book._conda_spec("jupyter_book>=1.0.4,<2") == "jupyter-book>=1.0.4,<2"
    assert _book._conda_spec("nbval") == "nbval"
    with pytest.raises(ValueError, match="cannot read the requirement"):
        _book._conda_spec("???")


def test_sync_rewrites_a_stale_file(tmp_path):
    (tmp_path / "course").mkdir()
    (tmp_path / "pyproject.toml").write_text((ROOT / "pyproject.toml").read_text())
    (tmp_path / "course" / "notation.md").write_text((ROOT / "course" / "notation.md").read_text())
    (tmp_path / "environment.yml").write_text("stale\n")
    changed = _book.sync_generated(tmp_path)
    assert tmp_path / "environment.yml" in changed
    assert _book.sync_generated(tmp_path) == []
