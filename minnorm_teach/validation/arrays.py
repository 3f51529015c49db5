"""Arrays: dtype, shape contracts that name both numbers, finiteness that names the entry.

Arrays inside the package are real float64. At the boundary an array is refused when it is not
numeric (object, strings, bools), complex, of the wrong number of dimensions, of a shape that
does not match its partner, or when it holds NaN or inf; the message then says which channel
and which sample (or which row and column) first holds the bad value.

Catalogue
---------

shape and dtype of arrays -- ``as_real_array(x, name, ndim=, shape_text=)``,
``check_gain_and_data(L, b)`` (the contract of every array solver), ``check_rows_match``,
``check_n_orient``::

    L has 12 rows but b has 4 channels; L looks transposed (its 4 columns match b): pass L
    with shape (n_channels, n_sources)
    b must be a real (n_channels, n_times) array, got an array of shape (4, 3) and dtype
    complex128
    n_orient must be 1 (fixed) or 3 (free/loose) dividing the 1285 columns of L, got 3

finiteness -- ``check_finite(x, name, labels=, names=)`` (arrays); at the MNE edge
``check_data_finite(data, name, ch_names, times)`` (Evoked/Epochs/Raw data, epoch, channel
and time named) and ``check_forward(fwd)`` (the gain); one NaN makes the whole map NaN::

    evoked must be finite (no NaN or inf), got NaN at channel EEG 012, sample 0
    (t = -0.005 s); 1 non-finite entry in total; one NaN spreads to every source of the
    estimate

  MNE: none for data (a NaN map); "array must not contain infs or NaNs" or LinAlgError
  for a gain or covariance (ours kept).
"""

import numpy as np

from .errors import InputValueError, describe, refuse, refuse_type, shown
from .scalars import check_option

__all__ = ["as_real_array", "check_finite", "check_rows_match", "check_gain_and_data",
           "check_n_orient", "first_nonfinite"]


def as_real_array(x, name, *, ndim=None, shape_text=""):
    """``x`` as a float64 array, refusing what is not a real numeric array.

    ``ndim`` is an int or a tuple of allowed numbers of dimensions; ``shape_text`` (e.g.
    ``"(n_channels, n_times)"``) is named in the message::

        b must be a real (n_channels, n_times) array, got an array of shape (366, 41) and
        dtype complex128
        b must be a 2-D (n_channels, n_times) array, got an array of shape (366,) and dtype
        float64
    """
    what = f"{shape_text} array" if shape_text else "array"
    try:
        arr = np.asarray(x)
    except (TypeError, ValueError):         # e.g. ragged nested lists
        arr = np.empty(0, dtype=object)
    if arr.dtype.kind == "c":
        raise refuse_type(name, f"a real {what}", x)
    if arr.dtype.kind not in "iuf":
        raise refuse_type(name, f"a {what} of real numbers", x)
    allowed = (ndim,) if isinstance(ndim, int) else ndim
    if allowed is not None and arr.ndim not in allowed:
        dims = " or ".join(f"{d}-D" for d in allowed)
        raise refuse(name, f"a {dims} {what}", shown(describe(arr)))
    return arr.astype(np.float64, copy=False)


def first_nonfinite(x):
    """(index tuple, 'NaN' | 'inf' | '-inf', count) of the first non-finite entry, or None."""
    bad = ~np.isfinite(x)
    if not bad.any():
        return None
    index = tuple(int(i) for i in np.argwhere(bad)[0])
    value = x[index]
    kind = "NaN" if np.isnan(value) else ("inf" if value > 0 else "-inf")
    return index, kind, int(bad.sum())


def _position(index, labels, names):
    """'channel MEG 0113, sample 52 (t = 0.083 s)' from an index and per-axis labels."""
    parts = []
    for axis, i in enumerate(index):
        label = labels[axis] if axis < len(labels) else f"axis {axis} index"
        axis_names = names[axis] if axis < len(names) else None
        if axis_names is None:
            parts.append(f"{label} {i}")
        elif label == "sample":
            parts.append(f"sample {i} (t = {float(axis_names[i]):.3f} s)")
        else:
            parts.append(f"{label} {axis_names[i]}")
    return ", ".join(parts)


def check_finite(x, name, *, labels=("row", "column"), names=()):
    """Refuse NaN or inf, naming where the first one is and how many there are.

    ``labels`` names each axis ("channel", "sample", "epoch", ...); ``names`` gives, per
    axis, the channel names or the times in seconds (the label "sample" shows the time), or
    None for plain indices::

        evoked must be finite (no NaN or inf), got NaN at channel MEG 0113, sample 52
        (t = 0.083 s); 1 non-finite entry in total; one NaN spreads to every source of the
        estimate
    """
    found = first_nonfinite(x)
    if found is None:
        return x
    index, kind, count = found
    where = _position(index, labels, names)
    plural = "entry" if count == 1 else "entries"
    raise refuse(name, "finite (no NaN or inf)", shown(f"{kind} at {where}; {count} "
                                                       f"non-finite {plural} in total"),
                 "one NaN spreads to every source of the estimate")


def check_rows_match(name_a, n_a, what_a, name_b, n_b, what_b, *, hint=""):
    """Refuse unequal sizes, naming both: 'L has 366 rows but b has 364 channels'."""
    if n_a != n_b:
        text = f"{name_a} has {n_a} {what_a} but {name_b} has {n_b} {what_b}"
        raise InputValueError(text + (f"; {hint}" if hint else ""), argument=name_b)


def check_gain_and_data(L, b, *, L_name="L", b_name="b"):
    """The contract of every array solver: L (n_channels, n_sources), b (n_channels,) or
    (n_channels, n_times), real and finite -> (L, b) as float64.

    A transposed gain is recognised and named::

        L has 15372 rows but b has 366 channels; L looks transposed (its 366 columns match
        b): pass L with shape (n_channels, n_sources)
    """
    L = as_real_array(L, L_name, ndim=2, shape_text="(n_channels, n_sources)")
    b = as_real_array(b, b_name, ndim=(1, 2), shape_text="(n_channels, n_times)")
    hint = ""
    if L.shape[1] == b.shape[0] and L.shape[0] != b.shape[0]:
        hint = (f"{L_name} looks transposed (its {L.shape[1]} columns match {b_name}): pass "
                f"{L_name} with shape (n_channels, n_sources)")
    check_rows_match(L_name, L.shape[0], "rows", b_name, b.shape[0], "channels", hint=hint)
    check_finite(L, L_name, labels=("row", "column"))
    check_finite(b, b_name, labels=("channel", "sample"))
    return L, b


def check_n_orient(n_orient, n_columns, *, name="n_orient", L_name="L"):
    """n_orient is 1 (fixed) or 3 (free/loose) and divides the gain's columns -> int.

        n_orient must be 3 (free/loose) dividing the 1285 columns of L, got 3
    """
    n_orient = check_option(n_orient, name, (1, 3))
    if n_columns % n_orient:
        raise refuse(name, f"1 (fixed) or 3 (free/loose) dividing the {n_columns} columns of "
                           f"{L_name}", n_orient)
    return n_orient
