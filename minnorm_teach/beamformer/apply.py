"""Applying LCMV filters to MNE data: ``apply_lcmv`` and its siblings, as in MNE-Python.

j(t) = K_w W b(t): whiten the data with the noise whitener W the filters were made with,
then apply the kernel K_w (minnorm_teach.beamformer.lcmv). Free orientation (pick_ori None):
|j_k| = sqrt(j_x^2 + j_y^2 + j_z^2) per location, as ``combine_xyz``. The data must hold every
channel of the filters, none marked bad, and the projectors the filters were made with.
"""

import mne
import numpy as np

from .. import validation, whitening
from ..validation.errors import shown
from .filters import source_power
from .lcmv import LCMV

__all__ = ["apply_lcmv", "apply_lcmv_epochs", "apply_lcmv_raw", "apply_lcmv_cov"]


def _check_filters(filters):
    if isinstance(filters, LCMV):
        return filters
    hint = ("this is MNE's; make ours with minnorm_teach.beamformer.make_lcmv(info, forward, "
            "data_cov, ...)") if isinstance(filters, dict) else ""
    raise validation.refuse_type("filters", "a minnorm_teach LCMV (from make_lcmv)", filters,
                                 hint)


def _sensor_rows(inst, filters, name):
    """Rows of ``inst`` in the order of the filters' channels, after the channel checks."""
    filters = _check_filters(filters)
    types = validation.channel_types(inst.info, [c for c in filters.ch_names
                                                 if c in inst.ch_names])
    validation.check_channels_present(inst.ch_names, filters.ch_names, types, data_name=name,
                                      needed_name="the beamformer")
    validation.check_bads_unused(inst.info["bads"], filters.ch_names, types, data_name=name,
                                 used_name="the beamformer")
    _check_projs(inst.info["projs"], filters, f"{name}.info['projs']")
    return [inst.ch_names.index(c) for c in filters.ch_names]


def _check_projs(projs, filters, name):
    """The data's projector on the filters' channels must be the one they were made with."""
    P, _ = whitening.projector(projs, filters.ch_names)
    if not np.allclose(P, filters.P, rtol=1e-13, atol=np.finfo(float).eps):
        raise validation.refuse(name, "the projectors the beamformer was made with",
                                shown("different ones"), "make the filters from this data's "
                                                         "info")


def _checked_data(inst, data, times, filters, name, *, nave, check_units,
                  baseline=(None, 0.0)):
    """Finite data, then units: the whitened baseline (at nave) of a noise-whitened beamformer
    (without a noise covariance, W is MNE's unit stand-in and says nothing about units)."""
    data = validation.check_data_finite(data, name, filters.ch_names, times)
    check_units = validation.check_bool(check_units, "check_units")
    types = list(validation.channel_types(inst.info, filters.ch_names).values())
    validation.check_data_units(data, times, filters.W, types, nave=nave, baseline=baseline,
                                enabled=check_units and filters.noise_whitened, name=name)
    return data


def _stc(j, filters, tmin, tstep):
    """SourceEstimate; free orientation: |j_k| = sqrt(sum of the 3 squared components)."""
    if filters.n_orient == 3:
        j = np.sqrt(np.sum(j.reshape(-1, 3, j.shape[-1]) ** 2, axis=1))
    return mne.SourceEstimate(j, [v.copy() for v in filters.vertices], tmin=tmin, tstep=tstep,
                              subject=filters.subject)


def apply_lcmv(evoked, filters, *, check_units=True):
    """j(t) = K_w W b(t) for an Evoked: a SourceEstimate (MNE: ``apply_lcmv``).

    ``check_units``: refuse data whose whitened baseline variance (at the evoked's nave) is
    orders of magnitude away from 1 (see :func:`minnorm_teach.apply_inverse`); skipped for
    filters made without a noise covariance.
    """
    validation.check_instance(evoked, "evoked", "Evoked")
    rows = _sensor_rows(evoked, filters, "evoked")
    nave = validation.check_real(evoked.nave, "evoked.nave", low=0, low_open=True)
    b = _checked_data(evoked, evoked.data[rows], evoked.times, filters, "evoked", nave=nave,
                      check_units=check_units)
    return _stc(filters.K_w @ (filters.W @ b), filters, evoked.times[0],
                1.0 / evoked.info["sfreq"])


def apply_lcmv_epochs(epochs, filters, *, check_units=True):
    """j_e(t) = K_w W b_e(t) for every epoch e: a list of SourceEstimate (``check_units``: as
    in :func:`apply_lcmv`, on the baselines of the epochs)."""
    validation.check_instance(epochs, "epochs", "Epochs")
    rows = _sensor_rows(epochs, filters, "epochs")
    data = _checked_data(epochs, epochs.get_data()[:, rows], epochs.times, filters, "epochs",
                         nave=1.0, check_units=check_units)
    tstep = 1.0 / epochs.info["sfreq"]
    return [_stc(filters.K_w @ (filters.W @ b), filters, epochs.times[0], tstep) for b in data]


def apply_lcmv_raw(raw, filters, start=None, stop=None, *, check_units=True):
    """j(t) = K_w W b(t) for samples start..stop-1 of a Raw recording (``check_units``: as in
    :func:`apply_lcmv`, on all samples: an error only, for a unit slip)."""
    validation.check_instance(raw, "raw", "Raw")
    rows = _sensor_rows(raw, filters, "raw")
    start = None if start is None else validation.check_int(start, "start", low=0,
                                                            high=raw.n_times - 1)
    stop = None if stop is None else validation.check_int(stop, "stop", low=(start or 0) + 1)
    b, times = raw[rows, start:stop]
    b = _checked_data(raw, b, times, filters, "raw", nave=1.0, check_units=check_units,
                      baseline=None)
    return _stc(filters.K_w @ (filters.W @ b), filters, times[0], 1.0 / raw.info["sfreq"])


def apply_lcmv_cov(data_cov, filters):
    """P_k = tr(K_k C K_k^T), the power each filter passes: a SourceEstimate (tmin 0, tstep 1).

    With unit-gain filters and C = the data covariance they were made from this is the
    minimised output power (MNE: ``apply_lcmv_cov``).
    """
    filters = _check_filters(filters)
    validation.check_instance(data_cov, "data_cov", "Covariance")
    validation.check_channels_present(data_cov.ch_names, filters.ch_names, data_name="data_cov",
                                      needed_name="the beamformer")
    _check_projs(data_cov["projs"], filters, "data_cov['projs']")
    C = whitening.pick_cov(data_cov, filters.ch_names)
    power = source_power(filters.K_w, filters.W @ C @ filters.W.T, filters.n_orient)
    return mne.SourceEstimate(power[:, None], [v.copy() for v in filters.vertices], tmin=0.0,
                              tstep=1.0, subject=filters.subject)
