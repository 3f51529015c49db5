"""Units: whitened baseline data of a real recording have a variance near 1.

Whitening divides the data by the noise the covariance describes, so on the baseline (no
evoked response) the whitened data W_nave (b - mean) have variance ~1 per component. A
slip of units multiplies it by a power of ten squared; this check names the slip.

Measured (MNE 1.13.2, baseline -200..0 ms, per whitening group, variance about the baseline
mean):

=========================================================  ===================
data and covariance                                        MEG / EEG variance
=========================================================  ===================
course dataset, both conditions (nave 60)                  0.96-0.97 / 0.99-1.06
MNE's real recordings, 4 conditions (nave 3-6), own cov    1.07-1.28 / 1.01-1.12
the same, MEG with the empty-room covariance               0.85-1.10
the same, with the course's covariance (other data)        47-61 / 8.6-10
the same, nave set to 1 instead of 3-6                     0.17-0.36
the same, MEG in fT, EEG in uV                             1e30 / 1e12
=========================================================  ===================

Hence: silent within a factor 10 of 1 (``WARN_DECADES = 1``), an :class:`InputWarning` up
to a factor 1e4 (another covariance, a wrong nave), an InputValueError beyond
(``ERROR_DECADES = 4``: two decades above the largest legitimate deviation measured, and two
below the smallest unit slip, mV for V, 1e6). The check uses the variance about the baseline
mean, so an evoked response without baseline correction (EEG offsets of 30 whitened standard
deviations on the real recordings) is not mistaken for a unit slip.

Evoked data without a baseline (cropped after 0, or synthetic, e.g. an identity matrix that
reads a kernel off ``apply_inverse``) are not checked. Continuous data have no baseline but
are mostly noise: the variance of all samples about their mean, error level only
(``warn=False``; 1.04 on the course's raw data; the response adds to the noise: 0.85-4.2 on
the course data and the real recordings for 50-150 ms, far below a unit slip).

Catalogue
---------

units -- ``baseline_variance(b, W, ch_types)`` then ``check_units(variance, name=,
enabled=)``; ``check_data_units(...)`` at the MNE edge. Whitened baseline variance per group
(MEG, EEG): silent within a factor 10 of 1, InputWarning up to 1e4, InputValueError beyond,
naming the nearest unit slip; public functions turn it off with ``check_units=False``::

    evoked's whitened baseline has variance 1.07e+30 in the MEG channels, expected near 1
    (0.85-1.3 on real recordings): the data look 1e15 times too large in amplitude for their
    noise covariance: MEG data in fT (or fT/m) instead of T (T/m)? (pass check_units=False
    if this is intended)
    evoked's whitened baseline has variance 1.02e+12 in the EEG channels, expected near 1
    (0.85-1.3 on real recordings): the data look 1e6 times too large in amplitude for their
    noise covariance: EEG data in uV instead of V? (pass check_units=False if this is
    intended)

  MNE: none (dSPM maxima of 3e16 or 3e-14); ours kept.
"""

import math

import numpy as np

from .errors import InputValueError
from .errors import warn as _warn

__all__ = ["WARN_DECADES", "ERROR_DECADES", "UNIT_SLIPS", "baseline_variance", "check_units"]

WARN_DECADES = 1.0
ERROR_DECADES = 4.0

#: (group, log10 of the amplitude factor, the slip). A variance off by 10^(2k) is an
#: amplitude off by 10^k; the nearest slip within one decade is named.
UNIT_SLIPS = (
    ("meg", 15, "MEG data in fT (or fT/m) instead of T (T/m)"),
    ("meg", 13, "gradiometers in fT/cm instead of T/m"),
    ("meg", 12, "MEG data in pT instead of T"),
    ("eeg", 6, "EEG data in uV instead of V"),
    ("eeg", 3, "EEG data in mV instead of V"),
    ("meg", -15, "a noise covariance in fT^2 with data in T"),
    ("meg", -12, "a noise covariance in pT^2 with data in T"),
    ("eeg", -6, "a noise covariance in uV^2 with data in V"),
    ("eeg", -3, "a noise covariance in mV^2 with data in V"),
)
_GROUP_OF_TYPE = {"mag": "meg", "grad": "meg", "eeg": "eeg"}


def baseline_variance(b, W, ch_types):
    """Variance of the whitened baseline per group: mean over kept components and samples of
    (W (b - mean_t b))^2, {group: variance}.

    Parameters
    ----------
    b : (n_channels, n_baseline) the baseline samples, in the whitener's channel order
    W : (n_rows, n_channels) whitener at the data's nave (sqrt(nave) W for an average);
        block-diagonal by group (MEG, EEG), as :mod:`minnorm_teach.whitening` makes it
    ch_types : (n_channels,) "mag", "grad" or "eeg"
    """
    b = b - b.mean(axis=1, keepdims=True)
    variance = {}
    for group in ("meg", "eeg"):
        cols = [i for i, t in enumerate(ch_types) if _GROUP_OF_TYPE.get(t) == group]
        rows = np.flatnonzero(np.any(W[:, cols] != 0, axis=1)) if cols else []
        if len(rows):
            variance[group] = float(np.mean((W[rows] @ b) ** 2))
    return variance


def _slip(group, decades):
    """The nearest known slip to an amplitude factor of 10^(decades / 2), or None."""
    amplitude = decades / 2.0
    near = [(abs(k - amplitude), text) for g, k, text in UNIT_SLIPS
            if g == group and abs(k - amplitude) <= 1.0]
    return min(near)[1] if near else None


def _explain(group, variance):
    decades = math.log10(variance)
    slip = _slip(group, decades)
    factor = f"1e{abs(round(decades / 2)):d}"
    if slip:
        return (f"the data look {factor} times too {'large' if decades > 0 else 'small'} in "
                f"amplitude for their noise covariance: {slip}?")
    return ("the noise covariance probably comes from other data (or nave is wrong: the "
            "covariance of an average of nave trials is C / nave)")


def check_units(variance, *, name="evoked", enabled=True, warn=True, what="baseline"):
    """Warn or raise when a whitened baseline variance is orders of magnitude away from 1.

    ``variance`` is :func:`baseline_variance`'s dict; ``enabled=False`` (the public functions'
    ``check_units=False``) turns the check off for users who know better; ``warn=False``
    keeps only the error level (data without a baseline, ``what="data"``)::

        evoked's whitened baseline has variance 1.07e+30 in the MEG channels, expected
        near 1 (0.85-1.3 on real recordings): the data look 1e15 times too large in
        amplitude for their noise covariance: MEG data in fT (or fT/m) instead of T (T/m)?
        (pass check_units=False if this is intended)
    """
    if not enabled:
        return
    for group, value in variance.items():
        if not value > 0 or not math.isfinite(value):
            continue                       # flat or non-finite data: other checks say so
        decades = abs(math.log10(value))
        if decades <= (WARN_DECADES if warn else ERROR_DECADES):
            continue
        text = (f"{name}'s whitened {what} has variance {value:.3g} in the "
                f"{group.upper()} channels, expected near 1 (0.85-1.3 on real recordings): "
                f"{_explain(group, value)}")
        if decades > ERROR_DECADES:
            raise InputValueError(f"{text} (pass check_units=False if this is intended)",
                                  argument=name)
        _warn(f"{text} (check_units=False silences this warning)", stacklevel=3)
