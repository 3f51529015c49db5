"""The self-check helpers: verdict lines, failures, tolerances."""

import numpy as np
import pytest

from minnorm_teach.check import (
    CheckFailed,
    check_close,
    check_equal,
    check_shape,
    check_true,
    relative_error,
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


def test_check_close_raises_with_hint(capsys):
    with pytest.raises(CheckFailed, match="hint: transpose"):
        check_close("my_pinv", np.ones(3) * 2, np.ones(3), hint="transpose L")
    assert capsys.readouterr().out.startswith("✘ my_pinv vs MNE: max rel. error 1.0e+00 > 1e-10")


def test_zero_reference_gives_an_absolute_error(capsys):
    check_close("radial field", np.array([1e-17, -2e-17]), np.zeros(2), against="zero")
    assert capsys.readouterr().out.startswith("✔ radial field vs zero: max abs. error 2.0e-17")


def test_check_close_rejects_shape_mismatch_and_nan():
    with pytest.raises(CheckFailed, match=r"shape \(3,\).*shape \(4,\)"):
        check_close("x", np.ones(3), np.ones(4))
    with pytest.raises(CheckFailed):
        check_close("x", np.array([np.nan]), np.array([1.0]))


def test_other_checks(capsys):
    assert check_true("residual is zero", True, detail="||b - L j|| = 0")
    assert check_equal("rank", 302, 302)
    assert check_shape("K", np.zeros((3, 2)), (3, 2))
    with pytest.raises(CheckFailed, match="expected 59"):
        check_equal("rank", 60, 59)
    with pytest.raises(CheckFailed, match=r"expected \(2, 3\)"):
        check_shape("K", np.zeros((3, 2)), (2, 3))
    with pytest.raises(CheckFailed):
        check_true("false claim", False)
    lines = capsys.readouterr().out.splitlines()
    assert lines[:3] == ["✔ residual is zero: ||b - L j|| = 0", "✔ rank = 302",
                         "✔ K has shape (3, 2)"]
