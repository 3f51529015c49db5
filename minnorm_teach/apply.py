"""The MNE-object edge of the linear inverse: apply_inverse for evoked, epochs and raw data.

Chapters 07-08. These functions only convert: they pick the operator's channels from the data
(by name), ask :func:`minnorm_teach.noise_norm.prepare_kernel` for the kernel of the method at
the data's nave, apply it with :func:`minnorm_teach.kernel.apply_kernel` and wrap the result as
an MNE source estimate, so that students can continue in MNE.

They mirror ``mne.minimum_norm.apply_inverse``, ``apply_inverse_epochs``, ``apply_inverse_raw``
and ``estimate_snr``: the same defaults (lambda2 = 1/9 for evoked data, method "dSPM", nave = 1
for epochs and raw, ``use_cps=True``), the same meaning of ``lambda2``, ``method``,
``pick_ori``, ``nave``, ``method_params``, ``return_residual``, ``start``/``stop`` and
``use_cps``, and the same results (twin-tested to 1e-10). The differences:

- the operator argument is ``inv``, a minnorm_teach :class:`InverseOperator` (MNE's
  ``inverse_operator``, an MNE inverse operator, is not accepted);
- the options after ``method`` are keyword-only;
- no ``prepared`` (the kernel is prepared at every call), no ``label`` (the whole source space
  is estimated; restrict the result with ``stc.in_label(label)``), no ``verbose`` (the
  explained variance is logged on the ``minnorm_teach`` logger);
- ``apply_inverse_epochs`` returns a list (no ``return_generator``);
- ``apply_inverse_raw`` has no ``time_func`` and no ``buffer_size`` (the samples
  [start, stop) are computed at once).
"""

import logging
from dataclasses import replace

import mne
import numpy as np

from .kernel import LAMBDA2_SEARCH, apply_kernel, rotate_leads, sensor_fit
from .kernel import estimate_snr as _estimate_snr
from .lead_field import source_normals, surface_frames
from .noise_norm import INVERSE_METHODS, prepare_kernel
from .operator import InverseOperator

__all__ = ["apply_inverse", "apply_inverse_epochs", "apply_inverse_raw", "estimate_snr"]

logger = logging.getLogger("minnorm_teach")


def _check_pick_ori(pick_ori, inv):
    if pick_ori not in (None, "normal", "vector"):
        raise ValueError(f"pick_ori must be None, 'normal' or 'vector', got {pick_ori!r}")
    if pick_ori is not None and inv.n_orient == 1:
        raise ValueError(f"pick_ori={pick_ori!r} needs a loose or free inverse; this one has "
                         f"fixed orientation (use pick_ori=None)")



def _data_rows(inst_ch_names, inv):
    """Row of each inverse channel in the data (by name, so the data's order does not matter)."""
    names = list(inst_ch_names)
    missing = [c for c in inv.ch_names if c not in names]
    if missing:
        raise ValueError(f"{len(missing)} channel(s) of the inverse operator are not in the "
                         f"data: {missing[:5]} (the inverse has {len(inv.ch_names)} channels,"
                         f" the data {len(names)})")
    return [names.index(c) for c in inv.ch_names]


def _check_reference(info, inv):
    """EEG needs the average-reference projector, as in MNE."""
    has_eeg = any(mne.channel_type(inv.info, k) == "eeg" for k in range(len(inv.ch_names)))
    has_avg = any(p["kind"] == mne.io.constants.FIFF.FIFFV_PROJ_ITEM_EEG_AVREF
                  for p in info["projs"])
    if has_eeg and not has_avg:
        raise ValueError("EEG data need the average-reference projector for inverse "
                         "modelling: call inst.set_eeg_reference(projection=True)")


def _kernel_for(info, inv, lambda2, method, nave, method_params, pick_ori, use_cps):
    """The kernel for data with this ``info``; for a free operator's normal component, along
    the normals of ``use_cps``.

    MNE keeps a free operator made from a forward in x, y, z in x, y, z and picks the
    normal at apply time (``use_cps``); ours has surface frames, so its leads are rotated to
    the frames of those normals (:func:`minnorm_teach.kernel.rotate_leads`). Loose and fixed
    operators chose their normals when they were made (``make_inverse_operator(use_cps=)``).
    """
    kernel = prepare_kernel(inv, lambda2, method, nave, method_params)
    if pick_ori != "normal" or inv.loose != 1.0 or not inv.own_frames:
        return kernel
    frames = surface_frames(source_normals(inv.src, use_cps=use_cps))
    leads = rotate_leads(kernel.leads, inv.source_nn.reshape(-1, 3, 3), frames)
    return replace(kernel, leads=leads)


def _make_stc(j, inv, tmin, tstep, pick_ori):
    """Wrap estimates as an MNE SourceEstimate (vector: rotated back to xyz)."""
    subject = inv.src[0].get("subject_his_id")
    vertices = inv.vertices
    if pick_ori == "vector":
        frames = inv.source_nn.reshape(-1, 3, 3)                   # rows t1, t2, n in xyz
        j_xyz = np.einsum("kij,kit->kjt", frames, j)
        return mne.VectorSourceEstimate(j_xyz, vertices, tmin, tstep, subject=subject)
    if len(vertices) == 2 and all(s["type"] == "surf" for s in inv.src):
        return mne.SourceEstimate(j, vertices, tmin, tstep, subject=subject)
    return mne.VolSourceEstimate(j, vertices, tmin, tstep, subject=subject)


def _check_method_args(inv, lambda2, method, pick_ori):
    if not isinstance(inv, InverseOperator):
        raise TypeError(f"inv must be a minnorm_teach InverseOperator (from "
                        f"minnorm_teach.make_inverse_operator), got {type(inv).__name__}")
    if method not in INVERSE_METHODS:
        raise ValueError(f"method must be one of {INVERSE_METHODS}, got {method!r}")
    _check_pick_ori(pick_ori, inv)
    if not np.isscalar(lambda2) or lambda2 < 0:
        raise ValueError(f"lambda2 must be a number >= 0 (1/SNR^2), got {lambda2!r}")


def apply_inverse(evoked, inv, lambda2=1.0 / 9.0, method="dSPM", *, pick_ori=None,
                  method_params=None, return_residual=False, use_cps=True):
    """Source estimate of an evoked response: j = K b with K at nave = evoked.nave.

    Mirrors ``mne.minimum_norm.apply_inverse`` (same defaults: lambda2 = 1/9, i.e. SNR 3,
    method "dSPM"; the differences are listed in the module docstring: ``inv`` for
    ``inverse_operator``, no ``prepared``, ``label`` or ``verbose``). Logs "Explained xx.x%
    variance" on the ``minnorm_teach`` logger.
    ``use_cps`` (MNE's default True: patch-average normals) only matters for the normal
    component of a free operator.

    Returns
    -------
    stc : mne.SourceEstimate | mne.VectorSourceEstimate
    residual : mne.Evoked  (only with return_residual=True) b - b_hat on the inverse's
        channels, other channels unchanged
    """
    if not isinstance(evoked, mne.Evoked):
        raise TypeError(f"evoked must be an mne.Evoked, got {type(evoked).__name__}")
    _check_method_args(inv, lambda2, method, pick_ori)
    _check_reference(evoked.info, inv)
    rows = _data_rows(evoked.ch_names, inv)
    kernel = _kernel_for(evoked.info, inv, lambda2, method, evoked.nave, method_params,
                         pick_ori, use_cps)
    b = evoked.data[rows]
    fit = sensor_fit(b, kernel)
    logger.info("Explained %5.1f%% variance", fit.explained_variance)
    j = apply_kernel(kernel, b, inv.n_orient, pick_ori)
    stc = _make_stc(j, inv, float(evoked.times[0]), 1.0 / evoked.info["sfreq"], pick_ori)
    if not return_residual:
        return stc
    residual = evoked.copy()
    residual.data[rows] = fit.residual
    return stc, residual


def apply_inverse_epochs(epochs, inv, lambda2, method="dSPM", *, pick_ori=None, nave=1,
                         method_params=None, use_cps=True):
    """One source estimate per epoch (list), with the kernel at ``nave`` (default 1).

    Mirrors ``mne.minimum_norm.apply_inverse_epochs`` (differences in the module docstring:
    ``inv``, a list rather than a generator, no ``prepared``, ``label`` or ``verbose``): single
    trials have the noise of one trial, hence nave = 1 and usually lambda2 = 1 (SNR 1).
    ``use_cps``: see :func:`apply_inverse`.
    """
    if not isinstance(epochs, mne.BaseEpochs):
        raise TypeError(f"epochs must be mne.Epochs, got {type(epochs).__name__}")
    _check_method_args(inv, lambda2, method, pick_ori)
    _check_reference(epochs.info, inv)
    rows = _data_rows(epochs.ch_names, inv)
    kernel = _kernel_for(epochs.info, inv, lambda2, method, nave, method_params, pick_ori,
                         use_cps)
    tstep = 1.0 / epochs.info["sfreq"]
    return [_make_stc(apply_kernel(kernel, b[rows], inv.n_orient, pick_ori), inv,
                      float(epochs.times[0]), tstep, pick_ori)
            for b in epochs.get_data(copy=False)]


def apply_inverse_raw(raw, inv, lambda2, method="dSPM", *, start=None, stop=None, nave=1,
                      pick_ori=None, method_params=None, use_cps=True):
    """Source estimate of continuous data samples [start, stop), kernel at nave (default 1).

    Mirrors ``mne.minimum_norm.apply_inverse_raw`` (``start``/``stop`` are sample indices;
    ``use_cps``: see :func:`apply_inverse`; differences in the module docstring: ``inv``, no
    ``label``, ``time_func``, ``buffer_size``, ``prepared`` or ``verbose``).
    """
    if not isinstance(raw, mne.io.BaseRaw):
        raise TypeError(f"raw must be an mne.io.Raw, got {type(raw).__name__}")
    _check_method_args(inv, lambda2, method, pick_ori)
    _check_reference(raw.info, inv)
    rows = _data_rows(raw.ch_names, inv)
    kernel = _kernel_for(raw.info, inv, lambda2, method, nave, method_params, pick_ori,
                         use_cps)
    b, times = raw[rows, start:stop]
    j = apply_kernel(kernel, b, inv.n_orient, pick_ori)
    return _make_stc(j, inv, float(times[0]), 1.0 / raw.info["sfreq"], pick_ori)


def estimate_snr(evoked, inv):
    """The SNR of an evoked response per time sample: (snr, snr_est), as MNE returns them.

    snr(t) = sqrt(||sqrt(nave) W P b(t)||^2 / rank), the whitened GFP amplitude (about 1 for
    noise); snr_est(t) = 1 / sqrt(lambda2_est(t)), lambda2_est the largest regularisation
    whose whitened residual still passes a chi-squared test at p = 0.001
    (:func:`minnorm_teach.kernel.estimate_snr`). Mirrors
    ``mne.minimum_norm.estimate_snr(evoked, inverse_operator)`` (no ``verbose``).
    """
    if not isinstance(evoked, mne.Evoked):
        raise TypeError(f"evoked must be an mne.Evoked, got {type(evoked).__name__}")
    _check_method_args(inv, 1.0 / 9.0, "MNE", None)
    _check_reference(evoked.info, inv)
    rows = _data_rows(evoked.ch_names, inv)
    kernel = prepare_kernel(inv, 1.0 / 9.0, "MNE", evoked.nave)
    estimate = _estimate_snr(evoked.data[rows], kernel, inv.rank)
    if np.any(estimate.lambda2_est == LAMBDA2_SEARCH[-1]):
        logger.warning("SNR estimation did not converge")
    return estimate.snr, estimate.snr_est
