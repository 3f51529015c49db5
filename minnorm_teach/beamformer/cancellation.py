"""Signal cancellation: what a unit-gain beamformer does with two correlated sources.

The unit-gain filter w of source 1 (field l_1) minimises the power it passes while keeping
w^T l_1 = 1. The gain g = w^T l_2 it gives a second source s_2 is free, and without noise
the output s_1 + g s_2 has the power E[s_1^2] + 2 g E[s_1 s_2] + g^2 E[s_2^2]. Its minimum is
at::

    g = -E[s_1 s_2] / E[s_2^2]          output  s_1 + g s_2                    (cancellation)

the part of s_1 that s_2 predicts is subtracted (Van Veen et al. 1997): two unit-variance
sources with correlation rho give g = -rho and the output power 1 - rho^2 instead of 1.
Noise of variance sigma^2 (whitened) makes a large |g| costly, since it needs a long w:
:func:`two_source_gain` gives g exactly for two sources in white noise.

To measure it on a simulation without a beamformer's other approximations (a source spread
over many locations, an orientation to choose), give the filter the exact field of a
simulated source (:func:`patch_field`, an "oracle" lead field) and compare its output with the
true moment, with the correlated partner in the data and with the partner's field removed
from every epoch (:func:`remove_field`). :func:`field_filters` makes unit-gain filters for
any such fields, in the whitening of filters made by ``make_lcmv``.
"""

import mne
import numpy as np

from .. import validation, whitening
from ..validation.errors import shown
from .filters import lcmv_kernel
from .lcmv import LCMV

__all__ = ["two_source_gain", "patch_field", "remove_field", "field_filters",
           "uncentred_correlation"]

_FIXED_ORI = mne.io.constants.FIFF.FIFFV_MNE_FIXED_ORI


def two_source_gain(s_1, s_2, fields=None, noise_variance=0.0):
    """g = w_1^T f_2 of the unit-gain filter of source 1 when the data hold two sources.

    With C_b = F S F^T + sigma^2 I (whitened fields F = [f_1, f_2], S = mean_t s s^T over the
    covariance window, s = (s_1, s_2), means kept as ``mne.compute_covariance`` keeps them),
    u = F^T w = (1, g) and the output power is u^T (S + sigma^2 (F^T F)^{-1}) u; its minimum
    over g is::

        g = -T_12 / T_22,      T = S + sigma^2 (F^T F)^{-1}

    Without noise (``noise_variance`` 0, the default; ``fields`` then unused) g = -S_12 /
    S_22: the filter subtracts the part of s_1 that s_2 predicts.
    """
    s_1 = validation.as_real_array(s_1, "s_1", ndim=1, shape_text="(n_times,)")
    s_2 = validation.as_real_array(s_2, "s_2", ndim=1, shape_text="(n_times,)")
    validation.check_rows_match("s_1", len(s_1), "samples", "s_2", len(s_2), "samples")
    s = np.vstack([s_1, s_2])
    T = s @ s.T / len(s_1)
    noise_variance = validation.check_real(noise_variance, "noise_variance", low=0)
    if noise_variance > 0:
        fields = validation.as_real_array(fields, "fields", ndim=2,
                                          shape_text="(n_channels, 2)")
        validation.check_rows_match("fields", fields.shape[1], "columns", "s", 2, "sources")
        T = T + noise_variance * np.linalg.inv(fields.T @ fields)
    return float(-T[0, 1] / T[1, 1])


def patch_field(fwd, hemi, vertices, ch_names):
    """l_patch = sum over the patch's vertices v of l_v: the field of 1 A·m at every vertex.

    ``fwd`` has fixed orientation (``mne.convert_forward_solution(fwd, surf_ori=True,
    force_fixed=True)``: the cortical normal of MNE's default, the orientation of the course's
    simulation); ``hemi`` 0 (left) or 1 (right); ``vertices`` source-space vertex numbers of
    that hemisphere. Returns (n_channels,) in the order of ``ch_names`` (T, T/m or V per A·m).
    Divided by the number of vertices it is the field per unit of the patch's total moment.
    """
    validation.check_forward(fwd, "fwd")
    if fwd["source_ori"] != _FIXED_ORI:
        raise validation.refuse("fwd", "a fixed-orientation forward", "a free one",
                                "mne.convert_forward_solution(fwd, surf_ori=True, "
                                "force_fixed=True)")
    hemi = validation.check_option(hemi, "hemi", (0, 1))
    src = fwd["src"]
    vertices = np.asarray(vertices, dtype=int)
    missing = np.setdiff1d(vertices, src[hemi]["vertno"])
    if len(missing):
        raise validation.refuse("vertices", f"vertices of source space {hemi}",
                                shown(f"{len(missing)} that it does not have "
                                                 f"(first: {missing[0]})"))
    validation.check_channels_present(fwd["sol"]["row_names"], ch_names, data_name="fwd",
                                      needed_name="the field")
    rows = [fwd["sol"]["row_names"].index(c) for c in ch_names]
    columns = (0 if hemi == 0 else len(src[0]["vertno"])) + np.searchsorted(
        src[hemi]["vertno"], vertices)
    return np.asarray(fwd["sol"]["data"], float)[rows][:, columns].sum(axis=1)


def remove_field(epochs, field, time_course, ch_names):
    """Every epoch minus P field tc(t) on the channels ``ch_names``, baseline re-applied.

    The field is projected with the epochs' active projectors (the data were), and the
    epochs' baseline correction is applied again, as it was to the simulated data. Returns
    new ``mne.EpochsArray``; ``time_course`` (n_times,) in A·m on the epochs' time axis.
    """
    validation.check_instance(epochs, "epochs", "Epochs")
    field = validation.as_real_array(field, "field", ndim=1, shape_text="(n_channels,)")
    validation.check_rows_match("field", len(field), "values", "ch_names", len(ch_names),
                                "channels")
    time_course = validation.as_real_array(time_course, "time_course", ndim=1,
                                           shape_text="(n_times,)")
    validation.check_rows_match("time_course", len(time_course), "samples", "epochs",
                                len(epochs.times), "samples")
    validation.check_channels_present(epochs.ch_names, ch_names, data_name="epochs",
                                      needed_name="the field")
    active = [p for p in epochs.info["projs"] if p["active"]]
    P, _ = whitening.projector(active, list(ch_names))
    rows = [epochs.ch_names.index(c) for c in ch_names]
    data = epochs.get_data()
    data[:, rows] -= (P @ field)[None, :, None] * time_course[None, None, :]
    return mne.EpochsArray(data, epochs.info, events=epochs.events, tmin=epochs.tmin,
                           event_id=epochs.event_id, baseline=epochs.baseline, verbose=False)


def field_filters(filters, data_cov, fields, *, reg=0.05):
    """Unit-gain LCMV filters w_k = C^+ f_k / (f_k^T C^+ f_k) for given fields F (whitened).

    ``filters`` (from ``make_lcmv``) gives the whitener W, the channels and the rank;
    ``fields`` (n_channels, n_fields) any source fields in those channels' order (a lead-field
    column, or :func:`patch_field`); ``data_cov`` the covariance to adapt to, loaded with
    ``reg`` as ``make_lcmv`` does. Returns (n_fields, n_channels), filters on sensor data:
    w_k^T f_k = 1, and ``w @ b`` estimates the moment of each field's source.
    """
    if not isinstance(filters, LCMV):
        raise validation.refuse_type("filters", "a minnorm_teach LCMV (from make_lcmv)",
                                     filters)
    validation.check_instance(data_cov, "data_cov", "Covariance")
    validation.check_channels_present(data_cov.ch_names, filters.ch_names,
                                      data_name="data_cov", needed_name="the filters")
    fields = validation.as_real_array(fields, "fields", ndim=2,
                                      shape_text="(n_channels, n_fields)")
    validation.check_rows_match("fields", len(fields), "rows", "filters", len(filters.ch_names),
                                "channels")
    C = whitening.pick_cov(data_cov, filters.ch_names)
    C_b = filters.W @ C @ filters.W.T
    kernel = lcmv_kernel(filters.W @ fields, (C_b + C_b.T) / 2, 1, reg=reg, rank=filters.rank,
                         weight_norm=None)
    return kernel.K @ filters.W


def uncentred_correlation(s_1, s_2):
    """rho = S_12 / sqrt(S_11 S_22), S_ij = mean_t s_i(t) s_j(t): the cosine of two time courses.

    The correlation that cancellation depends on (means kept, as in the data covariance of
    ``mne.compute_covariance``), not Pearson's (means removed).
    """
    s_1 = validation.as_real_array(s_1, "s_1", ndim=1, shape_text="(n_times,)")
    s_2 = validation.as_real_array(s_2, "s_2", ndim=1, shape_text="(n_times,)")
    validation.check_rows_match("s_1", len(s_1), "samples", "s_2", len(s_2), "samples")
    return float(s_1 @ s_2 / np.sqrt((s_1 @ s_1) * (s_2 @ s_2)))
