"""Self-checks that print one stable verdict line and raise when they fail.

Every numerical claim in a chapter goes through one of these functions, so a notebook that
stops agreeing with MNE-Python (or with a closed form, or with the ground truth) fails under
nbval, in the book build and in a student's "Run all" alike.

The verdict line has a stable part (what was compared, against what, the tolerance) and the
measured error. nbval masks the measured number with ``tests/nbval_sanitize.cfg``, so the line
can be compared across machines whose BLAS differ in the last digits::

    ✔ K vs MNE apply_inverse: max rel. error 3.1e-15 <= 1e-10

Relative error everywhere is ``max|ours - ref| / max|ref|`` (the infinity norm of the
difference over the infinity norm of the reference), the measure used in
``shared/reference/mne_conventions.md``.
"""

import numpy as np

__all__ = ["CheckFailed", "MeasuredError", "Verdict", "relative_error", "check_close",
           "check_true", "check_equal", "check_shape"]

PASS = "✔"
FAIL = "✘"


class CheckFailed(AssertionError):
    """Raised by a failing check; the message is the verdict line plus an optional hint."""


class _Quiet:
    """A check's return value shows nothing when it ends a notebook cell.

    The verdict line is already printed; an ``Out[n]`` with the raw error would duplicate it
    and differ between machines in the last digits.
    """

    def _ipython_display_(self):
        pass


class MeasuredError(_Quiet, float):
    """The relative error a check measured (a float that notebooks do not echo)."""


class Verdict(_Quiet):
    """The outcome of a passed check (truthy; failed checks raise instead)."""

    def __init__(self, line):
        self.line = line

    def __bool__(self):
        return True

    def __repr__(self):
        return self.line


def relative_error(ours, reference):
    """max|ours - reference| / max|reference| (0 when both are exactly zero)."""
    ours = np.asarray(ours, dtype=complex if np.iscomplexobj(ours) else float)
    reference = np.asarray(reference, dtype=complex if np.iscomplexobj(reference) else float)
    if ours.shape != reference.shape:
        raise CheckFailed(f"{FAIL} cannot compare: ours has shape {ours.shape} but the "
                          f"reference has shape {reference.shape}")
    scale = np.max(np.abs(reference)) if reference.size else 0.0
    diff = np.max(np.abs(ours - reference)) if ours.size else 0.0
    if scale == 0:
        return float(diff)
    return float(diff / scale)


def _verdict(ok, text, hint):
    line = f"{PASS if ok else FAIL} {text}"
    print(line)
    if not ok:
        raise CheckFailed(line + (f"\n  hint: {hint}" if hint else ""))
    return Verdict(line)


def check_close(name, ours, reference, *, rtol=1e-10, against="MNE", hint=None):
    """Check ``max|ours - reference| <= rtol * max|reference|`` and print the verdict.

    Parameters
    ----------
    name : str
        What is compared, e.g. ``"kernel K"``.
    ours, reference : array_like
        Same shape. ``reference`` is MNE's value, a closed form or the ground truth.
    rtol : float
        Relative tolerance on the infinity norm (float64 linear algebra: 1e-10). When the
        reference is exactly zero the error is absolute, and the verdict says so.
    against : str
        Name of the reference, printed in the verdict.
    hint : str, optional
        Printed with the error when the check fails (for exercises).

    Returns
    -------
    error : MeasuredError
        The measured relative error (a float; not echoed at the end of a notebook cell).
    """
    error = relative_error(ours, reference)
    ok = bool(np.isfinite(error) and error <= rtol)
    relation = "<=" if ok else ">"
    kind = "rel." if np.any(np.asarray(reference) != 0) else "abs."   # a zero reference
    _verdict(ok, f"{name} vs {against}: max {kind} error {error:.1e} {relation} {rtol:.0e}",
             hint)
    return MeasuredError(error)


def check_true(name, condition, *, detail="", hint=None):
    """Check a boolean claim (e.g. a property of a solution) and print the verdict."""
    text = f"{name}" + (f": {detail}" if detail else "")
    return _verdict(bool(condition), text, hint)


def check_equal(name, ours, expected, *, hint=None):
    """Check exact equality of small things (counts, shapes, labels) and print the verdict."""
    ok = bool(np.array_equal(np.asarray(ours), np.asarray(expected)))
    shown = ours if ok else f"{ours!r} (expected {expected!r})"
    return _verdict(ok, f"{name} = {shown}", hint)


def check_shape(name, array, expected_shape, *, hint=None):
    """Check ``array.shape == expected_shape`` and print the verdict."""
    shape = tuple(np.shape(array))
    ok = shape == tuple(expected_shape)
    text = f"{name} has shape {shape}" + ("" if ok else f" (expected {tuple(expected_shape)})")
    return _verdict(ok, text, hint)
