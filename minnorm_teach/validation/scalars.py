"""Scalars: real numbers, integers, flags and options, each checked against its range.

A real number is an ``int``, ``float`` or NumPy real scalar, never a ``bool`` (MNE's
``"numeric"``). An integer is an ``int`` or NumPy integer, never a ``bool`` and never a float
such as ``3000.0`` (MNE's ``_ensure_int``). Each checker returns the value as a Python
``float``/``int``/``bool`` so the numerics downstream see one type.

Catalogue (the exact text for an example, and how MNE-Python 1.13.2 answers the same input)
--------------------------------------------------------------------------------------------

real numbers (lambda2, loose, depth, nave, snr, eps...) -- ``check_real(value, name, low=,
high=, low_open=, high_open=)``; InputValueError for NaN, inf and out of range,
InputTypeError for bool, str, complex, None, arrays::

    lambda2 must be a finite number >= 0, got nan
    lambda2 must be a finite number >= 0, got '1/9' (a str); write the number without quotes
    (e.g. 1 / 9)
    lambda2 must be a finite number >= 0, got (0.1111111111111111+0j) (a complex number)

  MNE does not check lambda2 (NaN gives an all-NaN map; '1/9' a ufunc error); for depth it
  float()s strings ('0.8' accepted), we refuse them (ours kept).

integers (maxit, n_mxne_iter, dgap_freq, k, n_data, rank values...) -- ``check_int(value,
name, low=, high=)``; floats such as 3000.0 are refused, as MNE's ``_ensure_int`` does::

    maxit must be an integer in [1, 100000], got 0
    n_mxne_iter must be an integer >= 1, got 10.0 (a float); write 10 (an int) rather than
    10.0

booleans -- ``check_bool(value, name, strict=False)`` for flags (debias, return_residual,
pca...); ints and strings are refused ("False" is truthy), NumPy booleans are accepted for
flags (``fixed``: see :mod:`.options`)::

    debias must be True or False, got 'no' (a str)

options (method, pick_ori, solver, spacing...) -- ``check_option(value, name, allowed)``,
compared by kind and value (1 is not True); a misspelt string gets a did-you-mean::

    method must be one of 'MNE', 'dSPM', 'sLORETA' or 'eLORETA', got 'dspm' (a str); did you
    mean 'dSPM'?

  MNE: "Invalid value for the 'method' parameter. Allowed values are ... but got 'dspm'
  instead." (ours kept: adds the near match).
"""

import difflib
import math
import numbers

import numpy as np

from .errors import refuse, refuse_type

__all__ = ["check_real", "check_int", "check_bool", "check_option", "range_text"]


def _is_real(value):
    return isinstance(value, numbers.Real) and not isinstance(value, (bool, np.bool_))


def _is_int(value):
    return isinstance(value, numbers.Integral) and not isinstance(value, (bool, np.bool_))


def _bound(x):
    return f"{x:g}" if isinstance(x, float) else str(x)


def range_text(kind, low=None, high=None, *, low_open=False, high_open=False):
    """'a finite number >= 0', 'a number in [0, 100)', 'an integer >= 1', ..."""
    noun = "an integer" if kind == "integer" else "a number"
    if low is not None and high is not None:
        left, right = "(" if low_open else "[", ")" if high_open else "]"
        return f"{noun} in {left}{_bound(low)}, {_bound(high)}{right}"
    if kind != "integer":
        noun = "a finite number"
    if low is not None:
        return f"{noun} {'>' if low_open else '>='} {_bound(low)}"
    if high is not None:
        return f"{noun} {'<' if high_open else '<='} {_bound(high)}"
    return noun


def _outside(x, low, high, low_open, high_open):
    below = low is not None and (x <= low if low_open else x < low)
    above = high is not None and (x >= high if high_open else x > high)
    return below or above


def _string_hint(value):
    try:
        float(value)
    except ValueError:
        return "a number is expected, not text" if "/" not in value else \
            "write the number without quotes (e.g. 1 / 9)"
    return "write the number without quotes"


def check_real(value, name, *, low=None, high=None, low_open=False, high_open=False,
               hint=""):
    """A finite real number in [low, high] (``low_open``/``high_open``: open ends) -> float.

    Refuses (InputTypeError) bools, strings, complex numbers, None, arrays; refuses
    (InputValueError) NaN, +-inf and values out of range::

        lambda2 must be a finite number >= 0, got nan
    """
    expected = range_text("number", low, high, low_open=low_open, high_open=high_open)
    if not _is_real(value):
        extra = _string_hint(value) if isinstance(value, str) else hint
        raise refuse_type(name, expected, value, extra)
    x = float(value)
    if not math.isfinite(x) or _outside(x, low, high, low_open, high_open):
        raise refuse(name, expected, value, hint)
    return x


def check_int(value, name, *, low=None, high=None, hint=""):
    """An integer in [low, high] -> int. ``3000.0`` and ``True`` are refused, as in MNE::

        maxit must be an integer >= 1, got 0
    """
    expected = range_text("integer", low, high)
    if not _is_int(value):
        extra = hint
        if _is_real(value) and float(value).is_integer():
            extra = f"write {int(value)} (an int) rather than {float(value)!r}"
        raise refuse_type(name, expected, value, extra)
    n = int(value)
    if _outside(n, low, high, False, False):
        raise refuse(name, expected, value, hint)
    return n


def check_bool(value, name, *, strict=False):
    """True or False -> bool.

    ``strict=False`` also takes NumPy booleans (``np.True_``, e.g. from ``x.any()``), which
    are unambiguous. ``strict=True`` refuses them, as MNE's ``_validate_type(x, bool)`` does,
    for arguments MNE validates that way. Integers (``1``), strings (``"False"``, which is
    truthy) and None are always refused::

        debias must be True or False, got 'no' (a str)
    """
    if isinstance(value, bool) or (not strict and isinstance(value, np.bool_)):
        return bool(value)
    hint = f"pass bool({name}); MNE-Python refuses it too" if isinstance(value, np.bool_) \
        else ""
    raise refuse_type(name, "True or False", value, hint)


def _same(value, option):
    """Equal *and* of the same kind: 1 is not True, np.True_ is not True, 'MNE' is 'MNE'."""
    if option is None or isinstance(option, bool):
        return value is option
    if isinstance(option, str):
        return isinstance(value, str) and value == option
    if _is_int(option):
        return _is_int(value) and int(value) == option
    return _is_real(value) and float(value) == option


def _kind(x):
    if x is None or isinstance(x, str):
        return type(x)
    if isinstance(x, (bool, np.bool_)):
        return "bool" if isinstance(x, bool) else "numpy bool"
    return "number" if _is_real(x) else "other"


def _options_text(allowed):
    shown_options = [repr(a) for a in allowed]
    if len(shown_options) == 1:
        return shown_options[0]
    return "one of " + ", ".join(shown_options[:-1]) + " or " + shown_options[-1]


def _option_hint(value, name, allowed):
    if isinstance(value, np.bool_) and any(isinstance(a, bool) for a in allowed):
        return f"pass bool({name}); MNE-Python refuses a NumPy bool here too"
    if isinstance(value, str):
        strings = [a for a in allowed if isinstance(a, str)]
        close = [a for a in strings if a.lower() == value.lower()] or \
            difflib.get_close_matches(value, strings, n=1)
        return f"did you mean {close[0]!r}?" if close else ""
    return ""


def check_option(value, name, allowed, *, hint=""):
    """One of ``allowed``, compared by kind and value (``1`` is not ``True``) -> the option.

    InputValueError when the value has the kind of an option (a misspelt string),
    InputTypeError otherwise (``fixed=1``, ``fixed=np.True_``: MNE raises a TypeError too).
    A string that matches an option but for its case gets a did-you-mean hint::

        method must be one of 'MNE', 'dSPM', 'sLORETA' or 'eLORETA', got 'dspm' (a str);
        did you mean 'dSPM'?
    """
    for option in allowed:
        if _same(value, option):
            return option
    same_kind = _kind(value) in {_kind(a) for a in allowed}
    error = refuse if same_kind else refuse_type
    raise error(name, _options_text(allowed), value, hint or _option_hint(value, name, allowed))
