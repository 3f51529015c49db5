"""What a loaded dataset holds: CourseData, its ground truth, and the facts chapters quote."""

from dataclasses import dataclass, field
from pathlib import Path

import mne
import numpy as np

from ._anatomy import SUBJECT
from ._facts import describe
from ._patches import source_normals

__all__ = ["SourcePatch", "GroundTruth", "CourseData"]


@dataclass(frozen=True)
class SourcePatch:
    """One simulated cortical patch: vertices, geometry (head coordinates) and moments."""

    name: str
    hemi: int                       # 0 = left, 1 = right
    area_cm2: float                 # area of the patch on the white surface
    vertices: np.ndarray            # (n_vertices,) source-space vertex numbers
    positions: np.ndarray           # (n_vertices, 3) m, head coordinates
    orientations: np.ndarray        # (n_vertices, 3) unit patch-average normals, head coordinates
    time_course: np.ndarray         # (n_times,) A·m carried by *each* vertex

    @property
    def moment(self):
        """Scalar sum of the vertex moments over time, (n_times,) A·m (each along its normal)."""
        return self.time_course * len(self.vertices)

    @property
    def dipole_moment(self):
        """Vector sum of the vertex moments, (n_times, 3) A·m: what one equivalent dipole sees."""
        return np.outer(self.time_course, self.orientations.sum(axis=0))

    def __repr__(self):
        peak = np.abs(self.moment).max() * 1e9
        return (f"SourcePatch({self.name}: {len(self.vertices)} source locations, "
                f"{self.area_cm2:.1f} cm², peak {peak:.1f} nAm)")


def _rows(src, patch):
    """Rows of ``patch``'s vertices in the location order of ``src`` (left hemisphere first)."""
    offset = 0 if patch.hemi == 0 else len(src[0]["vertno"])
    return offset + np.searchsorted(src[patch.hemi]["vertno"], patch.vertices)


@dataclass(frozen=True)
class GroundTruth:
    """What was simulated: patches per condition, their source estimate, the noise model."""

    patches: dict                   # condition -> tuple of SourcePatch
    times: np.ndarray               # (n_times,) s, the epochs' time axis
    noise: dict                     # the exact noise model (amplitudes, spectra, seed)
    subject: str = SUBJECT

    def _sample(self, time):
        return int(np.argmin(np.abs(self.times - time)))

    def amplitude_map(self, src, time, condition="auditory/left"):
        """|j_true| (A·m per location) at ``time`` (s) on every location of ``src``, (n_src,)."""
        values = np.zeros(sum(len(s["vertno"]) for s in src))
        for patch in self.patches[condition]:
            values[_rows(src, patch)] += np.abs(patch.time_course[self._sample(time)])
        return values

    def dipoles(self, src, time, condition="auditory/left"):
        """j_true (3N,) in A·m at ``time`` (s): each patch vertex along its source normal n_k.

        Free-orientation layout of ``fwd['sol']['data']`` (x, y, z per location, left hemisphere
        first), in the frame of ``src``. The orientation convention of the simulation is MNE's
        default fixed orientation (``use_cps=True``): the patch-average normal when ``src``
        carries patch statistics (the course data's does), else the vertex normal. So
        ``fwd_fixed['sol']['data'] @ amplitudes`` of MNE's default fixed forward reproduces the
        simulated fields exactly.
        """
        j = np.zeros((sum(len(s["vertno"]) for s in src), 3))
        normals = [source_normals(s) for s in src]
        for patch in self.patches[condition]:
            local = np.searchsorted(src[patch.hemi]["vertno"], patch.vertices)
            j[_rows(src, patch)] += normals[patch.hemi][local] * patch.time_course[
                self._sample(time)]
        return j.ravel()

    def stc(self, condition="auditory/left"):
        """The true source activity as an MNE SourceEstimate (A·m per vertex)."""
        patches = self.patches[condition]
        vertices, rows = [], []
        for h in (0, 1):
            own = [p for p in patches if p.hemi == h]
            v = np.concatenate([p.vertices for p in own] + [np.zeros(0, int)]).astype(int)
            data = [np.tile(p.time_course, (len(p.vertices), 1)) for p in own]
            order = np.argsort(v)
            vertices.append(v[order])
            rows.append(np.vstack(data + [np.zeros((0, len(self.times)))])[order])
        return mne.SourceEstimate(np.vstack(rows), vertices, tmin=self.times[0],
                                  tstep=self.times[1] - self.times[0], subject=self.subject)


@dataclass(frozen=True)
class CourseData:
    """Everything a chapter needs. ``evoked`` is the left-ear auditory response."""

    raw: mne.io.BaseRaw | None      # None for a recording given as averages only
    epochs: mne.BaseEpochs | None
    evoked: mne.Evoked
    evokeds: dict
    noise_cov: mne.Covariance
    fwd: mne.Forward
    subject: str
    subjects_dir: Path
    truth: GroundTruth | None
    name: str = "course"
    build_info: dict = field(default_factory=dict)
    empty_room_cov: mne.Covariance | None = None

    @property
    def sphere(self):
        """The spherical conductor of the forward model (course data) or one fitted to the head."""
        if "sphere_r0" in self.build_info:
            return mne.make_sphere_model(r0=self.build_info["sphere_r0"],
                                         head_radius=self.build_info["sphere_radius"],
                                         verbose=False)
        return mne.make_sphere_model("auto", "auto", self.info, verbose=False)

    @property
    def info(self):
        """Measurement info of the evoked data (366 channels, bads and projectors)."""
        return self.evoked.info

    def describe(self, condition=None, *, tmin=0.0, tmax=None):
        """DatasetFacts: channel counts, lead-field shape, noise rank, nave per condition, and
        the peaks of ``condition`` (default: ``evoked``) between ``tmin`` and ``tmax`` (s)."""
        return describe(self, condition, tmin, tmax)

    def __repr__(self):
        epochs = "no" if self.epochs is None else len(self.epochs)
        return (f"CourseData({self.name}: {len(self.info['ch_names'])} channels, "
                f"{self.fwd['nsource']} source locations, {epochs} epochs, "
                f"evoked nave={self.evoked.nave}, subject={self.subject!r})")
