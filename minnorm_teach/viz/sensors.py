"""Sensors: where they are, and a value per channel as a topographic map (chapters 00-05).

What a chapter calls::

    mt.viz.plot_sensor_layout(info, source_rr)                  # legend beside the head
    mt.viz.plot_field(b[mags], info, "mag", ax=ax, title="radial", vlim=(-600, 600))
    mt.viz.plot_field(b[eegs], info, "eeg", ax=ax)              # µV by default for EEG

``plot_field`` labels its colour bar with the quantity and its units (magnetic field in fT,
gradient in fT/cm, potential in µV, unless ``units``/``scale`` say otherwise). A field whose
largest |value| is below ``zero_rtol`` (1e-6) times its data scale is round-off, not a field:
it is drawn flat and labelled "0 (no field)" (the data scale is ``reference`` if given, else
the largest |vlim|, else one display unit, e.g. 1 fT).
"""

import matplotlib.pyplot as plt
import mne
import numpy as np

from .style import FONT_SIZE, legend_outside

__all__ = ["plot_sensor_layout", "plot_field", "is_round_off"]

#: ch_type -> (quantity, units, scale from SI to those units)
FIELD_UNITS = {"mag": ("magnetic field", "fT", 1e15), "grad": ("field gradient", "fT/cm", 1e13),
               "eeg": ("potential", "µV", 1e6)}


def _sensor_positions(info):
    """Head-coordinate positions (m) of MEG coils and EEG electrodes."""
    meg = mne.pick_types(info, meg=True, exclude=[])
    eeg = mne.pick_types(info, meg=False, eeg=True, exclude=[])
    meg_dev = np.array([info["chs"][k]["loc"][:3] for k in meg])
    meg_head = mne.transforms.apply_trans(info["dev_head_t"], meg_dev) if len(meg) else meg_dev
    eeg_head = np.array([info["chs"][k]["loc"][:3] for k in eeg]).reshape(-1, 3)
    return meg_head, eeg_head


def plot_sensor_layout(info, source_rr=None, *, ax=None, elev=15, azim=-60):
    """MEG sensors, EEG electrodes and (optionally) source locations in head coordinates (cm)."""
    if ax is None:
        fig = plt.figure(figsize=(5.5, 5))
        ax = fig.add_subplot(projection="3d")
    meg, eeg = _sensor_positions(info)
    if source_rr is not None:
        rr = np.asarray(source_rr) * 100
        ax.scatter(*rr.T, s=1, c="0.6", alpha=0.5, label=f"{len(rr)} source locations")
    if len(meg):
        ax.scatter(*(meg * 100).T, s=14, marker="s", c="tab:blue",
                   label=f"{len(meg)} MEG channels ({len(np.unique(meg, axis=0))} locations)")
    if len(eeg):
        ax.scatter(*(eeg * 100).T, s=14, c="tab:red", label=f"{len(eeg)} EEG electrodes")
    ax.set_xlabel("x (cm, right)")
    ax.set_ylabel("y (cm, front)")
    ax.set_zlabel("z (cm, up)")
    ax.view_init(elev=elev, azim=azim)
    ax.set_box_aspect((1, 1, 1))
    legend_outside(ax, where="below")
    return ax


def is_round_off(values, data_scale, *, zero_rtol=1e-6):
    """True when max |values| <= zero_rtol x data_scale (both in the same units)."""
    top = float(np.max(np.abs(values))) if np.size(values) else 0.0
    return top <= zero_rtol * float(data_scale)


def _flat_map(ax, sub, ch_type, n_channels, vlim, cmap):
    """The head, the sensors and a uniform map at 0, labelled "0 (no field)"."""
    limit = max(abs(v) for v in vlim) if vlim else 1.0
    im, _ = mne.viz.plot_topomap(np.zeros(n_channels), sub, axes=ax, show=False, cmap=cmap,
                                 ch_type=ch_type, vlim=(-limit, limit), contours=0)
    ax.text(0.5, 0.5, "0 (no field)", transform=ax.transAxes, ha="center", va="center",
            fontsize=FONT_SIZE + 1, bbox={"facecolor": "white", "edgecolor": "0.6"})
    return im


def plot_field(values, info, ch_type, *, ax=None, title="", units=None, scale=None,
               cmap="RdBu_r", vlim=None, reference=None, zero_rtol=1e-6):
    """A topographic map of one value per channel of ``ch_type`` ('mag', 'grad' or 'eeg').

    ``values`` has one entry per channel of that type in ``info`` (bad channels included), in
    SI units (T, T/m, V); gradiometer pairs are combined by MNE into their vector length. The
    colour bar shows ``values x scale`` in ``units`` (default by type: fT, fT/cm, µV); ``vlim``
    fixes the colour range (in those units), e.g. to draw two maps on the same scale.
    ``reference`` (SI) is the data scale that decides whether the field is round-off (see
    the module docstring).
    """
    if ch_type not in FIELD_UNITS:
        raise ValueError(f"ch_type must be 'mag', 'grad' or 'eeg', got {ch_type!r}")
    quantity, default_units, default_scale = FIELD_UNITS[ch_type]
    units = default_units if units is None else units
    scale = default_scale if scale is None else float(scale)
    picks = mne.pick_types(info, meg=ch_type if ch_type != "eeg" else False,
                           eeg=ch_type == "eeg", exclude=[])
    values = np.asarray(values, dtype=float)
    if values.shape != (len(picks),):
        raise ValueError(f"values has shape {values.shape} but info has {len(picks)} "
                         f"{ch_type} channels")
    if not np.all(np.isfinite(values)):
        raise ValueError(f"values has {np.sum(~np.isfinite(values))} NaN or infinite entries")
    if ax is None:
        _, ax = plt.subplots(figsize=(3.6, 3.2))
    sub = mne.pick_info(info, picks)
    sub["bads"] = []
    data_scale = (reference * scale if reference is not None else
                  max(abs(v) for v in vlim) if vlim else 1.0)
    if is_round_off(values * scale, data_scale, zero_rtol=zero_rtol):
        im = _flat_map(ax, sub, ch_type, len(picks), vlim, cmap)
    else:
        im, _ = mne.viz.plot_topomap(values * scale, sub, axes=ax, show=False, cmap=cmap,
                                     ch_type=ch_type, vlim=vlim if vlim else (None, None))
    bar = plt.colorbar(im, ax=ax, shrink=0.7)
    bar.set_label(f"{quantity} ({units})", fontsize=FONT_SIZE)
    bar.ax.tick_params(labelsize=FONT_SIZE - 1)
    ax.set_title(title, fontsize=FONT_SIZE)
    return ax
