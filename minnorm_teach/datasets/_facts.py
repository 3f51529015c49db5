"""The facts a chapter quotes, measured on whichever dataset is loaded (``describe``)."""

from dataclasses import dataclass

import mne

_KINDS = ("mag", "grad", "eeg")


@dataclass(frozen=True)
class DatasetFacts:
    """Numbers that the prose quotes about the loaded dataset, measured on it."""

    name: str
    channels: dict                  # 'mag', 'grad', 'eeg' -> count (bads included), 'bads'
    projectors: tuple               # descriptions of the projectors in the data
    lead_field_shape: tuple         # free orientation: (n_channels, 3 n_sources)
    n_sources: int
    sfreq: float
    nave: dict                      # condition -> number of averaged epochs
    rank: dict                      # noise covariance rank per group under the projectors
    peaks: dict                     # ch_type -> (amplitude in SI units, latency s, channel)
    condition: str                  # condition of ``peaks``

    def __str__(self):
        units = {"mag": (1e15, "fT"), "grad": (1e13, "fT/cm"), "eeg": (1e6, "µV")}
        peaks = ", ".join(f"{kind} {abs(a) * units[kind][0]:.0f} {units[kind][1]} at "
                          f"{t * 1e3:.0f} ms" for kind, (a, t, _) in self.peaks.items())
        n_ch, n_col = self.lead_field_shape
        bads = ", ".join(self.channels["bads"])
        return (f"{self.name}: {self.channels['mag']} magnetometers, {self.channels['grad']} "
                f"gradiometers, {self.channels['eeg']} EEG (bad: {bads})"
                f"\nlead field {n_ch} × {n_col} ({self.n_sources} locations x 3 orientations)"
                f"\nprojectors: {', '.join(self.projectors)}; noise rank {self.rank}"
                f"\nnave {self.nave}; sampling {self.sfreq:g} Hz"
                f"\npeaks of {self.condition!r}: {peaks}")



def channel_counts(info):
    """Channels per type, bad ones included, and the list of bad channels."""
    counts = {kind: len(mne.pick_types(info, meg=kind if kind != "eeg" else False,
                                       eeg=kind == "eeg", exclude=[])) for kind in _KINDS}
    return dict(counts, bads=list(info["bads"]))


def peaks(evoked, tmin=0.0, tmax=None):
    """ch_type -> (signed amplitude, latency s, channel) of the largest |value| in tmin..tmax,
    good channels only."""
    out = {}
    for kind in _KINDS:
        if len(mne.pick_types(evoked.info, meg=kind if kind != "eeg" else False,
                              eeg=kind == "eeg")):
            channel, latency, amplitude = evoked.get_peak(ch_type=kind, tmin=tmin, tmax=tmax,
                                                          return_amplitude=True)
            out[kind] = (float(amplitude), float(latency), channel)
    return out


def noise_rank(noise_cov, info):
    """Rank per group (MEG, EEG) of the noise covariance on the good channels, after the
    projectors: what MNE's whitener reports ("Reducing data rank from 305 -> 302")."""
    good = [c for c in info["ch_names"] if c not in info["bads"] and c in noise_cov.ch_names]
    with mne.use_log_level("WARNING"):
        cov = mne.pick_channels_cov(noise_cov, include=good, ordered=False)
        rank = mne.compute_rank(cov, info=mne.pick_info(info, mne.pick_channels(
            info["ch_names"], cov.ch_names, ordered=False)))
    return {k: int(v) for k, v in rank.items()}


def describe(data, condition=None, tmin=0.0, tmax=None):
    """DatasetFacts of ``data`` (a CourseData); peaks of ``condition`` (default: data.evoked)
    between ``tmin`` and ``tmax`` (s)."""
    evoked = data.evoked if condition is None else data.evokeds[condition]
    return DatasetFacts(
        name=data.name, channels=channel_counts(data.info),
        projectors=tuple(p["desc"] for p in data.info["projs"]),
        lead_field_shape=tuple(data.fwd["sol"]["data"].shape), n_sources=int(data.fwd["nsource"]),
        sfreq=float(data.info["sfreq"]),
        nave={c: int(e.nave) for c, e in data.evokeds.items()},
        rank=noise_rank(data.noise_cov, data.info), peaks=peaks(evoked, tmin, tmax),
        condition=condition or evoked.comment)
