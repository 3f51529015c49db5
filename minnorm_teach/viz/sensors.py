"""Sensors: where they are, and a value per channel as a topographic map (chapters 00-05)."""

import matplotlib.pyplot as plt
import mne
import numpy as np

__all__ = ["plot_sensor_layout", "plot_field"]


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
    ax.legend(loc="upper left", fontsize=8, frameon=False)
    return ax


def plot_field(values, info, ch_type, *, ax=None, title="", units="fT", scale=1e15,
               cmap="RdBu_r", vlim=None):
    """A topographic map of one value per channel of ``ch_type`` ('mag', 'grad' or 'eeg').

    ``values`` has one entry per channel of that type in ``info`` (bad channels included);
    gradiometer pairs are combined by MNE into their vector length. The colour bar is in ``units``
    (values are multiplied by ``scale``); ``vlim`` fixes the colour range (in those units), e.g.
    to draw two maps on the same scale.
    """
    picks = mne.pick_types(info, meg=ch_type if ch_type != "eeg" else False,
                           eeg=ch_type == "eeg", exclude=[])
    values = np.asarray(values, dtype=float)
    if values.shape != (len(picks),):
        raise ValueError(f"values has shape {values.shape} but info has {len(picks)} "
                         f"{ch_type} channels")
    if ax is None:
        _, ax = plt.subplots(figsize=(3, 3))
    sub = mne.pick_info(info, picks)
    sub["bads"] = []
    im, _ = mne.viz.plot_topomap(values * scale, sub, axes=ax, show=False, cmap=cmap,
                                 ch_type=ch_type, vlim=vlim if vlim else (None, None))
    plt.colorbar(im, ax=ax, shrink=0.7, label=units)
    ax.set_title(title, fontsize=9)
    return ax
