"""environment.yml and .binder/ are generated from pyproject.toml, the single source of
dependencies: these tests fail when they are out of sync.

Fix: ``python -m minnorm_teach sync``.
"""

import tomllib
from pathlib import Path

import pytest
import yaml

from minnorm_teach.tooling import generated

ROOT = Path(__file__).resolve().parent.parent
SYNC = "out of sync with pyproject.toml: run `python -m minnorm_teach sync`"
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def _name(requirement):
    name = requirement.split(">")[0].split("<")[0].split("=")[0].split("[")[0].strip().lower()
    return name.replace("_", "-")


def _listed(env):
    """Package names an environment file installs, conda and pip."""
    names = set()
    for dep in env["dependencies"]:
        for item in (dep["pip"] if isinstance(dep, dict) else [dep]):
            names.add(_name(item))
    return names


def test_environment_yml_is_generated_from_pyproject():
    assert (ROOT / "environment.yml").read_text() == generated.environment_yml(
        ROOT / "pyproject.toml"), f"environment.yml is {SYNC}"


def test_binder_environment_is_generated_from_pyproject():
    assert (ROOT / ".binder" / "environment.yml").read_text() == \
        generated.binder_environment_yml(ROOT / "pyproject.toml"), \
        f".binder/environment.yml is {SYNC}"


def test_environment_lists_every_dependency():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    assert env["channels"] == ["conda-forge"]
    wanted = list(PROJECT["dependencies"])
    for extra in PROJECT["optional-dependencies"].values():
        wanted += [r for r in extra if not r.startswith(PROJECT["name"])]
    names = _listed(env)
    for requirement in wanted:
        name = _name(requirement)
        assert {"mne": "mne-base"}.get(name, name) in names, f"environment.yml lacks {requirement}"


def test_binder_installs_what_the_chapters_need_and_nothing_else():
    env = yaml.safe_load((ROOT / ".binder" / "environment.yml").read_text())
    assert "python=3.11" in env["dependencies"]
    assert not any(isinstance(d, dict) for d in env["dependencies"]), "no pip section on Binder"
    runtime = {{"mne": "mne-base"}.get(_name(r), _name(r)) for r in PROJECT["dependencies"]}
    assert _listed(env) == runtime | {"python", "pip"}
    for tool in ("pytest", "nbval", "jupyter-book", "playwright", "ruff"):
        assert tool not in _listed(env), f"Binder installs the tool {tool}"
    post = (ROOT / ".binder" / "postBuild").read_text()
    assert "pip install --no-deps -e ." in post
    assert (ROOT / ".binder" / "postBuild").stat().st_mode & 0o111, "postBuild not executable"


def test_jupyterlab_renders_myst():
    """The chapters' MyST (exercises, numbered equations, references) renders in JupyterLab."""
    assert "jupyterlab-myst" in {_name(r) for r in PROJECT["dependencies"]}


def test_conda_spec_maps_names_and_strips_spaces():
    assert generated._conda_spec("mne >= 1.13, <1.14") == "mne-base>=1.13,<1.14"
    assert generated._conda_spec("jupyter_book>=1.0.4,<2") == "jupyter-book>=1.0.4,<2"
    assert generated._conda_spec("nbval") == "nbval"
    with pytest.raises(ValueError, match="cannot read the requirement"):
        generated._conda_spec("???")


def test_packages_conda_forge_lacks_go_to_pip():
    text = generated.environment_yml(ROOT / "pyproject.toml")
    env = yaml.safe_load(text)
    pip = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    assert pip == ["django-static-mathjax==3.2.2.1"]


def test_sync_rewrites_a_stale_file(tmp_path):
    (tmp_path / "course").mkdir()
    (tmp_path / "pyproject.toml").write_text((ROOT / "pyproject.toml").read_text())
    (tmp_path / "course" / "notation.md").write_text((ROOT / "course" / "notation.md").read_text())
    (tmp_path / "environment.yml").write_text("stale\n")
    changed = generated.sync_generated(tmp_path)
    assert tmp_path / "environment.yml" in changed
    assert generated.sync_generated(tmp_path) == []
