"""The self-check helpers: verdict lines, one-line failures, tolerances, prose numbers."""

import os
import subprocess
import sys

import nbformat
import numpy as np
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from minnorm_teach.check import (
    CheckFailed,
    check_close,
    check_equal,
    check_shape,
    check_true,
    float32_rtol,
    relative_error,
    say,
)


def test_relative_error_is_infinity_norm_ratio():
    assert relative_error([1.0, 2.0], [1.0, 2.0]) == 0.0
    assert relative_error([1.0, 2.5], [1.0, 2.0]) == pytest.approx(0.25)
    assert relative_error([0.0], [0.0]) == 0.0


def test_check_close_prints_one_stable_line(capsys):
    error = check_close("kernel K", np.ones(3) * (1 + 1e-14), np.ones(3), against="MNE")
    out = capsys.readouterr().out
    assert out.count("\n") == 1
    assert out.startswith("✔ kernel K vs MNE: max rel. error ")
    assert out.rstrip().endswith("<= 1e-10")
    assert error < 1e-10


def test_a_failure_is_its_verdict_line_and_hint(capsys):
    with pytest.raises(CheckFailed, match="hint: transpose") as info:
        check_close("my_pinv", np.ones(3) * 2, np.ones(3), hint="transpose L")
    assert capsys.readouterr().out == ""                 # shown once, by the exception
    assert info.value._render_traceback_() == [
        "✘ my_pinv vs MNE: max rel. error 1.0e+00 > 1e-10", "  hint: transpose L"]
    with pytest.raises(CheckFailed) as info:
        check_true("false claim", False)
    assert info.value._render_traceback_() == ["✘ false claim"]


def test_zero_reference_gives_an_absolute_error(capsys):
    check_close("radial field", np.array([1e-17, -2e-17]), np.zeros(2), against="zero")
    assert capsys.readouterr().out.startswith("✔ radial field vs zero: max abs. error 2.0e-17")


def test_check_close_names_shape_mismatch_nan_and_inf():
    with pytest.raises(CheckFailed, match=r"shape \(3,\).*shape \(4,\)"):
        check_close("x", np.ones(3), np.ones(4))
    with pytest.raises(CheckFailed, match=r"^✘ x vs MNE: x is NaN \(1 of 2 entries\)$"):
        check_close("x", np.array([np.nan, 1.0]), np.ones(2))
    with pytest.raises(CheckFailed, match="x is infinite"):
        check_close("x", np.array([np.inf, 1.0]), np.ones(2))
    with pytest.raises(CheckFailed, match="the reference is NaN"):
        check_close("x", np.ones(2), np.array([np.nan, 1.0]))


def test_other_checks(capsys):
    assert check_true("residual is zero", True, detail="||b - L j|| = 0")
    assert check_equal("rank", 302, 302)
    assert check_shape("K", np.zeros((3, 2)), (3, 2))
    with pytest.raises(CheckFailed, match="expected 59"):
        check_equal("rank", 60, 59)
    with pytest.raises(CheckFailed, match=r"expected \(2, 3\)"):
        check_shape("K", np.zeros((3, 2)), (2, 3))
    lines = capsys.readouterr().out.splitlines()
    assert lines == ["✔ residual is zero: ||b - L j|| = 0", "✔ rank = 302",
                     "✔ K has shape (3, 2)"]


def test_float32_rtol_is_met_by_a_float32_product():
    rng = np.random.default_rng(0)
    L32 = rng.standard_normal((60, 5000)).astype(np.float32)    # a gain stored in float32
    j = rng.standard_normal(5000)
    ours = (L32 @ j.astype(np.float32)).astype(float)            # a student's float32 product
    reference = L32.astype(float) @ j
    assert 1e-10 < relative_error(ours, reference) <= float32_rtol(5000)
    assert float32_rtol(5124) == pytest.approx(4 * np.finfo(np.float32).eps * np.sqrt(5124))


def test_say_prints_outside_ipython(capsys):
    assert say("rank **302**") is None
    assert capsys.readouterr().out == "rank **302**\n"


# ------------------------------------------------ the display in a kernel, and under nbval

FAILING = ('from minnorm_teach.check import check_close\n'
           'check_close("kernel K", [2.0], [1.0], hint="transpose")')


def _kernel_error(code):
    from jupyter_client.manager import start_new_kernel

    km, kc = start_new_kernel(kernel_name="python3")
    outputs = []
    try:
        reply = kc.execute_interactive(code, timeout=120,
                                       output_hook=lambda msg: outputs.append(msg))
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
    errors = [m["content"] for m in outputs if m["msg_type"] == "error"]
    return reply["content"]["status"], errors


def test_a_failing_check_shows_one_line_in_a_kernel():
    """What JupyterLab shows: the error message's traceback lines (no frames of check.py)."""
    status, errors = _kernel_error(FAILING)
    assert status == "error" and len(errors) == 1
    assert errors[0]["ename"] == "CheckFailed"
    assert errors[0]["traceback"] == ["✘ kernel K vs MNE: max rel. error 1.0e+00 > 1e-10",
                                      "  hint: transpose"]


def test_a_failing_check_fails_under_nbval(tmp_path):
    nb = new_notebook(cells=[new_code_cell(FAILING)])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    nbformat.write(nb, tmp_path / "failing.ipynb")
    run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                          "--nbval-lax", "--nbval-current-env", "-o", "addopts=",
                          str(tmp_path / "failing.ipynb")],
                         capture_output=True, text=True, timeout=300,
                         env={**os.environ, "MPLBACKEND": "Agg"}, cwd=tmp_path)
    assert run.returncode == 1, run.stdout[-2000:]
    assert "1 failed" in run.stdout
    assert "✘ kernel K vs MNE: max rel. error 1.0e+00 > 1e-10" in run.stdout
