"""The course's one input exception, and how a received value is shown in its message.

Every message has the same three parts: the argument, what it must be, what was received::

    lambda2 must be a finite number >= 0, got nan

``InputValueError`` is also a ``ValueError`` and ``InputTypeError`` a ``TypeError``, so code
that catches the built-in exceptions (as MNE users do) keeps working.
"""

import numbers
import warnings

import numpy as np

__all__ = ["InputError", "InputValueError", "InputTypeError", "InputWarning", "describe",
           "refuse", "refuse_type", "shown", "warn"]


class InputError(Exception):
    """Bad input to a minnorm_teach function. ``argument`` is the name of the offending one."""

    def __init__(self, message, *, argument=None):
        super().__init__(message)
        self.argument = argument


class InputValueError(InputError, ValueError):
    """The right kind of input with a wrong value (NaN, out of range, wrong shape...)."""


class InputTypeError(InputError, TypeError):
    """The wrong kind of input (a string for a number, an Info for an Evoked...)."""


class InputWarning(UserWarning):
    """An input that is probably, but not surely, a mistake (e.g. a noise level 30x off)."""


for _cls in (InputError, InputValueError, InputTypeError, InputWarning):
    _cls.__module__ = "minnorm_teach.validation"      # short name in tracebacks


def _article(noun):
    vowel = noun[:1].lower() in "aeiou" or noun.startswith("mne.")       # "an em-en-ee"
    return f"an {noun}" if vowel else f"a {noun}"


def _type_name(value):
    """'mne.Evoked' for MNE classes, 'numpy.float32' for NumPy scalars, 'str' for builtins."""
    cls = type(value)
    module = cls.__module__.split(".")[0]
    if module == "builtins":
        return cls.__name__
    if module == "mne":
        return f"mne.{cls.__name__}"
    return f"{module}.{cls.__name__}"


def _describe_number(value):
    if isinstance(value, (bool, np.bool_)):
        shown = {True: "True", False: "False"}[bool(value)]
        return shown if isinstance(value, bool) else f"np.{shown}_ (a numpy.bool_)"
    if isinstance(value, numbers.Integral):
        return str(int(value))
    if isinstance(value, numbers.Real):
        return repr(float(value))
    return f"{value!r} (a complex number)"


def describe(value):
    """How a received value is shown: ``nan``, ``'1/9' (a str)``, ``an mne.Info``, ...

    Numbers are shown as Python shows them (NumPy scalars without their ``np.float64(...)``
    wrapper), strings quoted and typed, arrays by shape and dtype, other objects by type.
    """
    if value is None:
        return "None"
    if isinstance(value, (numbers.Number, np.bool_)):
        return _describe_number(value)
    if isinstance(value, str):
        return f"{value!r} (a str)"
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape} and dtype {value.dtype}"
    if type(value) is dict:
        if not value:
            return "an empty dict"
        keys = sorted(map(str, value))
        return f"a dict with keys {keys[:5]}{' ...' if len(keys) > 5 else ''}"
    if isinstance(value, (list, tuple)):
        kind = type(value).__name__
        if not value:
            return f"an empty {kind}"
        items = sorted({_type_name(item) for item in value})
        return f"a {kind} of {len(value)} {items[0] if len(items) == 1 else 'items'}" + (
            "" if len(items) == 1 else f" ({', '.join(items)})")
    return _article(_type_name(value))


def refuse(name, expected, value, hint=""):
    """InputValueError: '<name> must be <expected>, got <value>[; hint]'."""
    return _error(InputValueError, name, expected, value, hint)


def refuse_type(name, expected, value, hint=""):
    """InputTypeError: '<name> must be <expected>, got <value>[; hint]'."""
    return _error(InputTypeError, name, expected, value, hint)


def _error(cls, name, expected, value, hint):
    shown = value if isinstance(value, _Shown) else describe(value)
    if cls is InputTypeError and isinstance(value, numbers.Real) and "(a" not in shown:
        shown += f" ({_article(_type_name(value))})"            # 1 (an int), 3.0 (a float)
    text = f"{name} must be {expected}, got {shown}"
    return cls(text + (f"; {hint}" if hint else ""), argument=name)


class _Shown(str):
    """A received value already written out (e.g. 'shape (3, 4)'), shown as it is."""


def shown(text):
    """Mark ``text`` as an already written received value for :func:`refuse`."""
    return _Shown(text)


def warn(message, *, stacklevel=3):
    """Issue an :class:`InputWarning` (by default at the line that called the checker's caller)."""
    warnings.warn(message, InputWarning, stacklevel=stacklevel)
