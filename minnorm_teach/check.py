"""Self-checks that print one stable verdict line and raise when they fail.

Every numerical claim in a chapter goes through one of these functions, so a notebook that
stops agreeing with MNE-Python (or with a closed form, or with the ground truth) fails under
nbval, in the book build and in a student's "Run all" alike.

A passing check prints its verdict line. The line has a stable part (what was compared,
against what, the tolerance) and the measured error; nbval masks the measured number with
``tests/nbval_sanitize.cfg``, so the line can be compared across machines whose BLAS differ in
the last digits::

    ✔ K vs MNE apply_inverse: max rel. error 3.1e-15 <= 1e-10

A failing check raises :class:`CheckFailed`. In a notebook it shows as the same one line
(``✘ ...``, and a hint line when the check has one), not as a traceback through this module:
IPython displays an exception through its ``_render_traceback_`` method when it has one, and
the cell still counts as failed for "Run all", nbval and nbgrader.

Relative error everywhere is ``max|ours - ref| / max|ref|`` (the infinity norm of the
difference over the infinity norm of the reference).

:func:`say` shows a sentence built from computed numbers as Markdown: how a chapter quotes a
measurement in its prose (see ``course/CONTRIBUTING.md``, "Numbers in prose").
"""

import numpy as np

__all__ = ["CheckFailed", "MeasuredError", "Verdict", "relative_error", "check_close",
           "check_true", "check_equal", "check_shape", "float32_rtol", "non_finite", "say"]

PASS = "✔"
FAIL = "✘"


class CheckFailed(AssertionError):
    """A failed check: its verdict line, and a hint for the reader when there is one.

    In IPython (JupyterLab, nbclient, nbval, nbgrader) it is shown as these lines only.
    """

    def __init__(self, line, hint=None):
        self.line, self.hint = str(line), hint
        super().__init__(self.line + (f"\n  hint: {hint}" if hint else ""))

    def _render_traceback_(self):
        return [self.line] + ([f"  hint: {self.hint}"] if self.hint else [])


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


def float32_rtol(n_terms=1):
    """4 eps_32 sqrt(n_terms): a fair relative tolerance for a quantity stored in float32.

    ``eps_32 = 1.2e-7`` is float32's spacing at 1; a sum of ``n_terms`` rounded products
    drifts like ``sqrt(n_terms)`` roundings (a fixed-orientation gain is stored in float32, so
    ``L @ j`` over 5,124 sources gets ``float32_rtol(5124) = 3.4e-5``). Float64 linear algebra
    uses 1e-10 instead.
    """
    return float(4 * np.finfo(np.float32).eps * np.sqrt(max(int(n_terms), 1)))


def _verdict(ok, text, hint):
    line = f"{PASS if ok else FAIL} {text}"
    if not ok:
        raise CheckFailed(line, hint)
    print(line)
    return Verdict(line)


def non_finite(values):
    """``"is NaN (2 of 366 entries)"``, ``"is infinite (...)"``, or "" when all are finite."""
    values = np.asarray(values)
    if not np.issubdtype(values.dtype, np.number):
        return ""
    for test, word in ((np.isnan, "NaN"), (np.isinf, "infinite")):
        bad = int(np.count_nonzero(test(values)))
        if bad:
            return f"is {word}" + (f" ({bad} of {values.size} entries)" if values.ndim else "")
    return ""


def check_close(name, ours, reference, *, rtol=1e-10, against="MNE", hint=None):
    """Check ``max|ours - reference| <= rtol * max|reference|`` and print the verdict.

    Parameters
    ----------
    name : str
        What is compared, e.g. ``"kernel K"``.
    ours, reference : array_like
        Same shape. ``reference`` is MNE's value, a closed form or the ground truth.
    rtol : float
        Relative tolerance on the infinity norm (float64 linear algebra: 1e-10; a quantity
        stored in float32: :func:`float32_rtol`). When the reference is exactly zero the error
        is absolute, and the verdict says so.
    against : str
        Name of the reference, printed in the verdict.
    hint : str, optional
        Shown under the verdict when the check fails.

    Returns
    -------
    error : MeasuredError
        The measured relative error (a float; not echoed at the end of a notebook cell).
    """
    for what, values in (("", ours), ("the reference ", reference)):
        problem = non_finite(values)
        if problem:
            _verdict(False, f"{name} vs {against}: {what or name + ' '}{problem}", hint)
    error = relative_error(ours, reference)
    ok = bool(error <= rtol)
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


def say(text):
    """Show ``text`` (Markdown, usually an f-string of computed numbers) below the cell.

    The way a chapter quotes a measurement in prose: the sentence is printed by the code that
    computes the number, so it is never stale. In JupyterLab it renders as Markdown; the book
    parses Markdown outputs as MyST (math and roles work) and hides the cell's input when it
    is tagged ``remove-input``. Outside IPython the text is printed.
    """
    try:
        from IPython import get_ipython
        from IPython.display import Markdown, display
    except ImportError:                                   # pragma: no cover
        get_ipython = None
    if get_ipython is None or get_ipython() is None:
        print(text)
        return None
    display(Markdown(text))
    return None
