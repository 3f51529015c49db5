"""Compare a student's answer with the reference and say what is wrong in kind, never in value.

:func:`problem` returns ``""`` for a right answer, or one short phrase: the wrong type, the
wrong shape, NaN or infinite entries, an answer that is right in other units (off by a power
of ten such as 1e15 for fT instead of T) or with the opposite sign, or how far it is off
(the relative error, never the expected value).
"""

import numbers

import numpy as np

from minnorm_teach.check import non_finite, relative_error

__all__ = ["problem", "type_name"]

# powers of ten that a unit prefix explains: 1e15 fT per T, 1e6 µV per V, 1e9 nAm per Am ...
PREFIXES = {2: "%", 3: "m", 6: "µ", 9: "n", 12: "p", 15: "f"}


def type_name(value):
    """A reader's name for the type of ``value``: 'a function', 'an array of shape (3, 2)'."""
    if value is None:
        return "None"
    if callable(value):
        return "a function"
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape}"
    if isinstance(value, (bool, np.bool_)):
        return "a bool"
    if isinstance(value, numbers.Number):
        return "a number"
    return f"a {type(value).__name__}"


def _is_numeric(value):
    if isinstance(value, (bool, np.bool_, str)) or value is None or callable(value):
        return False
    try:
        return np.issubdtype(np.asarray(value).dtype, np.number)
    except (ValueError, TypeError):           # ragged lists
        return False


def _units(answer, expected, rtol, units):
    """'' or the phrase for an answer equal to the expected one times a power of ten."""
    a, e = np.ravel(answer).real.astype(float), np.ravel(expected).real.astype(float)
    if not np.any(e) or not np.any(a):
        return ""
    factor = float(a @ e / (e @ e))                         # least-squares scale a ≈ factor e
    power = int(np.round(np.log10(abs(factor))))
    if abs(power) < 2 or relative_error(np.asarray(answer) / 10.0 ** power, expected) > rtol:
        return ""
    guess = ""
    if power == 2:
        guess = " (per cent instead of a fraction?)"
    elif power in PREFIXES and units:
        guess = f" ({PREFIXES[power]}{units} instead of {units}?)"
    wanted = f"; give it in {units}" if units else ""
    return f"right in other units? it is the expected value times 1e{power:+03d}{guess}{wanted}"


def _numeric(answer, expected, rtol, kind, units):
    if not _is_numeric(answer):
        return f"expected {kind or 'a number or an array'}, got {type_name(answer)}"
    if np.shape(answer) != np.shape(expected):
        wanted = kind or f"shape {np.shape(expected)}"
        return f"wrong shape {np.shape(answer)}: expected {wanted}"
    bad = non_finite(answer)
    if bad:
        return f"your answer {bad}"
    error = relative_error(answer, expected)
    if error <= rtol:
        return ""
    if relative_error(-np.asarray(answer), expected) <= rtol:
        return "right size but the opposite sign"
    return _units(answer, expected, rtol, units) or (
        f"not the expected value (max rel. error {error:.1e} > {rtol:.0e})")


def problem(answer, expected, *, rtol=1e-10, kind="", units=""):
    """'' when ``answer`` matches ``expected``, else a short phrase saying what is wrong.

    Numbers and arrays match within ``rtol`` (max|answer - expected| / max|expected|); bools,
    strings and integers in tuples exactly (strings ignoring case and outer spaces); tuples,
    lists and dicts element by element. ``kind`` says in words what is expected ("a tuple of
    two ints"); ``units`` the units the task asks for ("T").
    """
    if isinstance(expected, (bool, np.bool_)):
        if not isinstance(answer, (bool, np.bool_)):
            return f"expected {kind or 'True or False'}, got {type_name(answer)}"
        return "" if bool(answer) == bool(expected) else "not the expected answer"
    if isinstance(expected, str):
        if not isinstance(answer, str):
            return f"expected {kind or 'a string'}, got {type_name(answer)}"
        same = answer.strip().lower() == expected.strip().lower()
        return "" if same else "not the expected answer"
    if isinstance(expected, dict):
        return _mapping(answer, expected, rtol, kind, units)
    if isinstance(expected, (tuple, list)) and not _is_numeric(expected):
        return _sequence(answer, expected, rtol, kind, units)
    if isinstance(expected, tuple):                 # a tuple of numbers, e.g. a shape
        if not isinstance(answer, (tuple, list)):
            return f"expected {kind or 'a tuple'}, got {type_name(answer)}"
        return _sequence(answer, expected, rtol, kind, units)
    return _numeric(answer, expected, rtol, kind, units)


def _sequence(answer, expected, rtol, kind, units):
    if not isinstance(answer, (tuple, list)):
        return f"expected {kind or 'a tuple'}, got {type_name(answer)}"
    if len(answer) != len(expected):
        return f"expected {kind or f'{len(expected)} items'}, got {len(answer)} items"
    for index, (a, e) in enumerate(zip(answer, expected, strict=True)):
        wrong = problem(a, e, rtol=rtol, units=units)
        if wrong:
            return f"item {index}: {wrong}"
    return ""


def _mapping(answer, expected, rtol, kind, units):
    if not isinstance(answer, dict):
        return f"expected {kind or 'a dict'}, got {type_name(answer)}"
    missing = [k for k in expected if k not in answer]
    extra = [k for k in answer if k not in expected]
    if missing or extra:
        return (f"expected the keys {', '.join(map(repr, expected))}"
                + (f"; missing {', '.join(map(repr, missing))}" if missing else "")
                + (f"; unexpected {', '.join(map(repr, extra))}" if extra else ""))
    for key, e in expected.items():
        wrong = problem(answer[key], e, rtol=rtol, units=units)
        if wrong:
            return f"{key!r}: {wrong}"
    return ""
