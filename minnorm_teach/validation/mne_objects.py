"""The MNE edge: is it the MNE object the argument needs, and are its contents usable?

The only module of :mod:`minnorm_teach.validation` that imports MNE (it is loaded on first
use, so array-only code never imports MNE). Each checker returns what it checked, or the
arrays the numerics need, and refuses with a message that names both the expected and the
received kind ("evoked must be an mne.Evoked, got an mne.Info; ...").

Catalogue
---------

type (the wrong kind of object) -- ``check_instance(obj, name, kind)``,
``check_inverse_operator(inv)``; InputTypeError::

    evoked must be an mne.Evoked, got an mne.Info; pass the Evoked itself, not its .info
    fwd must be an mne.Forward, got an empty dict; a plain dict is not a forward solution:
    read one with mne.read_forward_solution(...)

  MNE: "evoked must be an instance of Evoked, got <class 'mne._fiff.meas_info.Info'>
  instead." (names both; ours adds the fix: ours kept).
"""

import mne
import numpy as np

from .arrays import check_finite
from .channels import check_bads_unused, check_channels_present
from .covariance import check_covariance_matrix
from .errors import refuse, refuse_type, shown
from .units import baseline_variance, check_units

__all__ = ["MNE_KINDS", "check_instance", "check_inverse_operator", "channel_types",
           "check_noise_cov", "check_forward", "src_types", "check_data_finite",
           "data_rows", "check_data_units", "check_evoked_units"]

MNE_KINDS = {"Info": mne.Info, "Forward": mne.Forward, "Covariance": mne.Covariance,
             "Evoked": mne.Evoked, "Epochs": mne.BaseEpochs, "Raw": mne.io.BaseRaw,
             "SourceSpaces": mne.SourceSpaces}

_HINTS = {
    ("Evoked", "Info"): "pass the Evoked itself, not its .info",
    ("Evoked", "Epochs"): "average them first (epochs.average()) or use apply_inverse_epochs",
    ("Evoked", "Raw"): "use apply_inverse_raw, or epoch and average the recording first",
    ("Evoked", "list"): "pass one Evoked at a time",
    ("Epochs", "Evoked"): "use apply_inverse for an average",
    ("Epochs", "Info"): "pass the Epochs themselves, not their .info",
    ("Raw", "Evoked"): "use apply_inverse for an average",
    ("Raw", "Info"): "pass the Raw itself, not its .info",
    ("Info", "Evoked"): "pass its .info", ("Info", "Epochs"): "pass their .info",
    ("Info", "Raw"): "pass its .info",
    ("Forward", "dict"): "a plain dict is not a forward solution: read one with "
                         "mne.read_forward_solution(...)",
    ("Covariance", "ndarray"): "wrap the matrix: mne.Covariance(C, ch_names, bads=[], "
                               "projs=[], nfree=n_samples - 1)",
    ("Covariance", "NoneType"): "estimate one (mne.compute_covariance(epochs, tmax=0)) or "
                                "use mne.make_ad_hoc_cov(info)",
}


def _kind_of(obj):
    for kind, cls in MNE_KINDS.items():
        if isinstance(obj, cls):
            return kind
    return type(obj).__name__


def check_instance(obj, name, kind):
    """``obj`` must be an instance of MNE's ``kind`` ("Evoked", "Epochs", "Raw", "Info",
    "Forward", "Covariance", "SourceSpaces"); the message names both kinds and the fix::

        evoked must be an mne.Evoked, got an mne.Info; pass the Evoked itself, not its .info
        fwd must be an mne.Forward, got an empty dict; a plain dict is not a forward
        solution: read one with mne.read_forward_solution(...)
    """
    if isinstance(obj, MNE_KINDS[kind]):
        return obj
    raise refuse_type(name, f"an mne.{kind}", obj, _HINTS.get((kind, _kind_of(obj)), ""))


def check_inverse_operator(inv, name="inv"):
    """A minnorm_teach InverseOperator (not MNE's, whose dict of 26 keys ours does not read)."""
    cls = type(inv)
    if cls.__name__ == "InverseOperator" and cls.__module__.startswith("minnorm_teach"):
        return inv
    hint = ("this is MNE's; make ours with minnorm_teach.make_inverse_operator(info, fwd, "
            "noise_cov)") if cls.__module__.startswith("mne") else ""
    raise refuse_type(name, "a minnorm_teach InverseOperator (from "
                            "minnorm_teach.make_inverse_operator)", inv, hint)


def channel_types(info, ch_names=None):
    """{channel name: type} ("mag", "grad", "eeg", ...) for ``ch_names`` (default: all)."""
    names = info["ch_names"] if ch_names is None else ch_names
    index = {c: k for k, c in enumerate(info["ch_names"])}
    return {c: mne.channel_type(info, index[c]) for c in names if c in index}


def check_noise_cov(noise_cov, name="noise_cov", info=None):
    """An mne.Covariance whose matrix passes :func:`check_covariance_matrix` -> its matrix.

    ``info`` (optional) gives the channel types, to refuse an all-zero MEG or EEG block.
    """
    check_instance(noise_cov, name, "Covariance")
    names = list(noise_cov.ch_names)
    types = None
    if info is not None:
        known = channel_types(info, names)
        types = [known.get(c, "other") for c in names]
    return check_covariance_matrix(noise_cov.data, name, ch_names=names, ch_types=types)


def check_forward(fwd, name="fwd"):
    """An mne.Forward whose gain is finite and matches its channel list -> fwd.

        fwd must be finite (no NaN or inf), got NaN at channel MEG 0113, column 17; 1
        non-finite entry in total; one NaN spreads to every source of the estimate
    """
    check_instance(fwd, name, "Forward")
    L = np.asarray(fwd["sol"]["data"])
    rows = list(fwd["sol"]["row_names"])
    if L.ndim != 2 or L.shape[0] != len(rows):
        raise refuse(name, f"a forward solution whose gain has one row per channel "
                           f"({len(rows)})", shown(f"a gain of shape {L.shape}"))
    check_finite(L, name, labels=("channel", "column"), names=(rows, None))
    return fwd


def src_types(fwd_or_src):
    """MNE's type of each source space ("surf", "vol", "discrete"), for ``check_loose``."""
    src = fwd_or_src["src"] if isinstance(fwd_or_src, mne.Forward) else fwd_or_src
    return [s["type"] for s in src]


def check_data_finite(data, name, ch_names, times):
    """NaN/inf in (n_channels, n_times) or (n_epochs, n_channels, n_times) data, named by
    (epoch,) channel and sample with its time::

        evoked must be finite (no NaN or inf), got NaN at channel EEG 012, sample 52
        (t = 0.083 s); 1 non-finite entry in total; one NaN spreads to every source of
        the estimate
    """
    if np.ndim(data) == 3:
        return check_finite(data, name, labels=("epoch", "channel", "sample"),
                            names=(None, ch_names, times))
    return check_finite(data, name, labels=("channel", "sample"), names=(ch_names, times))


def data_rows(inst, name, ch_names, *, needed_name="the inverse operator", info=None):
    """Rows of ``inst`` (Evoked, Epochs, Raw) in the order of ``ch_names``, after the channel
    checks in their order: every channel present, none of them marked bad in ``inst.info``.
    ``info`` (e.g. the operator's) gives the channel types that name missing channels."""
    types = channel_types(info if info is not None else inst.info, ch_names)
    check_channels_present(inst.ch_names, ch_names, types, data_name=name,
                           needed_name=needed_name)
    check_bads_unused(inst.info["bads"], ch_names, types, data_name=name,
                      used_name=needed_name)
    return [inst.ch_names.index(c) for c in ch_names]


def _window(times, baseline):
    if baseline is None:
        return np.zeros(len(times), dtype=bool)
    tmin, tmax = baseline
    return (times >= (times[0] if tmin is None else tmin)) & \
        (times <= (times[-1] if tmax is None else tmax))


def check_data_units(data, times, W, ch_types, *, nave=1.0, baseline=(None, 0.0),
                     enabled=True, name="evoked"):
    """:func:`check_units` on data (n_channels, n_times) or (n_epochs, n_channels, n_times)
    whitened by sqrt(nave) W, rows in W's channel order.

    With at least 2 samples in ``baseline`` (tmin, tmax; None: the start/end of the data, as
    in MNE): their variance about each epoch's baseline mean, warning and error levels. Fewer
    (an evoked cropped after 0, or a synthetic one such as an identity matrix): skipped.
    ``baseline=None`` (continuous data, which have no baseline but are mostly noise): the
    variance of all samples, error level only.
    """
    if not enabled:
        return
    data = np.asarray(data)
    mask = _window(np.asarray(times), baseline)
    has_baseline = mask.sum() >= 2
    if baseline is not None and not has_baseline:
        return
    epochs = data if data.ndim == 3 else data[None]
    epochs = epochs[..., mask] if has_baseline else epochs
    centred = epochs - epochs.mean(axis=-1, keepdims=True)
    b = np.concatenate(list(centred), axis=-1)
    variance = baseline_variance(b, np.sqrt(nave) * np.asarray(W), list(ch_types))
    check_units(variance, name=name, warn=has_baseline,
                what="baseline" if has_baseline else "data")


def check_evoked_units(evoked, W, ch_names, ch_types, *, nave=None, baseline=(None, 0.0),
                       enabled=True, name="evoked"):
    """:func:`check_data_units` on an Evoked, whitened by W (nave 1) at its nave."""
    rows = [evoked.ch_names.index(c) for c in ch_names]
    check_data_units(evoked.data[rows], evoked.times, W, ch_types,
                     nave=evoked.nave if nave is None else nave, baseline=baseline,
                     enabled=enabled, name=name)
