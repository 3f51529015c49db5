"""The course dataset: a simulated auditory MEG/EEG experiment with known sources.

``load_course_data()`` builds it on first use (about 25 s on 2 cores) from files that installed
packages ship (nilearn's fsaverage5 cortex, MNE's fsaverage head, helmet, coil definitions and
the mgh60 EEG cap), caches it, and returns a :class:`CourseData`. ``load_sample_data()`` returns
the same structure from MNE's sample dataset when a local copy exists. ``load_data()`` picks one
of the two from the ``MINNORM_DATASET`` environment variable (``course``, the default, or
``sample``), so every notebook runs on either.

The cache lives in ``$MINNORM_DATA`` (default ``~/.cache/minnorm_teach``). A build is written to
a temporary folder and renamed into place only when complete, with a manifest of SHA-256
checksums; an interrupted build is never mistaken for a good one, and a damaged file is
reported by name.
"""

import hashlib
import json
import os
import shutil
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import mne
import numpy as np

from . import _simulate as sim
from ._anatomy import SUBJECT
from ._build import FILES, make_epochs

__all__ = ["CourseData", "GroundTruth", "SourcePatch", "load_course_data", "load_sample_data",
           "load_data", "cache_dir", "CorruptCacheError"]

DATASET_VERSION = 5
SPACINGS = {"ico4": "ico4", "ico3": "ico3"}   # default (5124 sources) and coarse (1284)


class CorruptCacheError(RuntimeError):
    """A cached dataset file is missing or does not match its recorded checksum."""


@dataclass(frozen=True)
class SourcePatch:
    """One simulated cortical patch: vertices, geometry (head coordinates) and moments."""

    name: str
    hemi: int                       # 0 = left, 1 = right
    area_cm2: float                 # area of the patch on the white surface
    vertices: np.ndarray            # (n_vertices,) source-space vertex numbers
    positions: np.ndarray           # (n_vertices, 3) m, head coordinates
    orientations: np.ndarray        # (n_vertices, 3) unit cortical normals, head coordinates
    time_course: np.ndarray         # (n_times,) A·m carried by *each* vertex

    @property
    def moment(self):
        """Total dipole moment of the patch over time, (n_times,) A·m."""
        return self.time_course * len(self.vertices)

    def __repr__(self):
        peak = np.abs(self.moment).max() * 1e9
        return (f"SourcePatch({self.name}: {len(self.vertices)} source locations, "
                f"{self.area_cm2:.1f} cm², peak {peak:.1f} nAm)")


@dataclass(frozen=True)
class GroundTruth:
    """What was simulated: patches per condition, their source estimate, the noise model."""

    patches: dict                   # condition -> tuple of SourcePatch
    times: np.ndarray               # (n_times,) s, the epochs' time axis
    noise: dict                     # the exact noise model (amplitudes, spectra, seed)
    subject: str = SUBJECT

    def amplitude_map(self, src, time, condition="auditory/left"):
        """|j_true| (A·m per location) at ``time`` (s) on every location of ``src``, (n_src,)."""
        sample = int(np.argmin(np.abs(self.times - time)))
        offsets = np.cumsum([0] + [len(s["vertno"]) for s in src])
        values = np.zeros(offsets[-1])
        for patch in self.patches[condition]:
            rows = offsets[patch.hemi] + np.searchsorted(src[patch.hemi]["vertno"],
                                                         patch.vertices)
            values[rows] += np.abs(patch.time_course[sample])
        return values

    def dipoles(self, src, time, condition="auditory/left"):
        """j_true (3N,) in A·m at ``time`` (s): every patch vertex along its normal ``src['nn']``.

        Free-orientation layout of ``fwd['sol']['data']`` (x, y, z per location, left hemisphere
        first). The normals are the source space's, the ones MNE's fixed-orientation forward uses.
        """
        sample = int(np.argmin(np.abs(self.times - time)))
        offsets = np.cumsum([0] + [len(s["vertno"]) for s in src])
        j = np.zeros((offsets[-1], 3))
        for patch in self.patches[condition]:
            rows = offsets[patch.hemi] + np.searchsorted(src[patch.hemi]["vertno"],
                                                         patch.vertices)
            j[rows] += src[patch.hemi]["nn"][patch.vertices] * patch.time_course[sample]
        return j.ravel()

    def stc(self, condition="auditory/left"):
        """The true source activity as an MNE SourceEstimate (A·m per vertex)."""
        patches = self.patches[condition]
        vertices = [np.concatenate([p.vertices for p in patches if p.hemi == h]).astype(int)
                    for h in (0, 1)]
        rows = []
        for h in (0, 1):
            for p in patches:
                if p.hemi == h:
                    rows.append(np.tile(p.time_course, (len(p.vertices), 1)))
        data = np.vstack(rows)
        order = [np.argsort(v) for v in vertices]
        n_lh = len(vertices[0])
        data = np.vstack([data[:n_lh][order[0]], data[n_lh:][order[1]]])
        vertices = [v[o] for v, o in zip(vertices, order, strict=True)]
        return mne.SourceEstimate(data, vertices, tmin=self.times[0],
                                  tstep=self.times[1] - self.times[0], subject=self.subject)


@dataclass(frozen=True)
class CourseData:
    """Everything a chapter needs. ``evoked`` is the left-ear auditory response."""

    raw: mne.io.BaseRaw
    epochs: mne.BaseEpochs
    evoked: mne.Evoked
    evokeds: dict
    noise_cov: mne.Covariance
    fwd: mne.Forward
    subject: str
    subjects_dir: Path
    truth: GroundTruth | None
    name: str = "course"
    build_info: dict = field(default_factory=dict)

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

    def __repr__(self):
        n_src = self.fwd["nsource"]
        return (f"CourseData({self.name}: {len(self.info['ch_names'])} channels, "
                f"{n_src} source locations, {len(self.epochs)} epochs, "
                f"evoked nave={self.evoked.nave}, subject={self.subject!r})")


def cache_dir():
    """Root folder of the dataset cache: $MINNORM_DATA or ~/.cache/minnorm_teach."""
    root = os.environ.get("MINNORM_DATA")
    return Path(root).expanduser() if root else Path.home() / ".cache" / "minnorm_teach"


def _sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _write_manifest(folder, build_info):
    files = sorted(p for p in folder.rglob("*") if p.is_file())
    checksums = {str(p.relative_to(folder)): _sha256(p) for p in files}
    manifest = dict(version=DATASET_VERSION, mne=mne.__version__, files=checksums,
                    **build_info)
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=1))


def _verify(folder):
    """Raise CorruptCacheError naming the first missing or altered file."""
    try:
        manifest = json.loads((folder / "manifest.json").read_text())
    except (OSError, ValueError) as err:
        raise CorruptCacheError(f"The cached course dataset in {folder} has an unreadable "
                                f"manifest ({err}). Rebuild it with "
                                f"load_course_data(rebuild=True).") from err
    for name, checksum in manifest["files"].items():
        path = folder / name
        if not path.is_file():
            raise CorruptCacheError(f"The cached course dataset is missing {path}. Rebuild "
                                    f"it with load_course_data(rebuild=True).")
        if _sha256(path) != checksum:
            raise CorruptCacheError(f"The cached file {path} does not match its checksum "
                                    f"(damaged or edited). Rebuild the dataset with "
                                    f"load_course_data(rebuild=True).")
    return manifest


def _build_into_cache(target, spacing, seed, verbose):
    from ._build import build

    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.parent / f".building-{target.name}-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir()
    start = time.perf_counter()
    if verbose:
        print(f"Building the course dataset ({spacing}) in {target} (about 30 s, once) ...")
    try:
        with warnings.catch_warnings(), mne.use_log_level("WARNING"):
            warnings.filterwarnings("ignore", message="No average EEG reference")
            build_info = build(tmp, spacing=spacing, seed=seed)
        build_info["build_seconds"] = round(time.perf_counter() - start, 1)
        _write_manifest(tmp, build_info)
        if target.exists():
            shutil.rmtree(target)
        os.replace(tmp, target)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _read_truth(folder, times):
    arrays = np.load(folder / FILES["truth"])
    meta = json.loads((folder / FILES["truth_meta"]).read_text())
    patches = {}
    for condition, specs in meta["conditions"].items():
        patches[condition] = tuple(
            SourcePatch(name=spec["name"], hemi=spec["hemi"], area_cm2=spec["area_cm2"],
                        vertices=arrays[f"{condition}|{k}|vertices"],
                        positions=arrays[f"{condition}|{k}|positions"],
                        orientations=arrays[f"{condition}|{k}|orientations"],
                        time_course=arrays[f"{condition}|{k}|time_course"])
            for k, spec in enumerate(specs))
    noise = dict(meta["noise"], seed=meta["seed"],
                 brain_noise_vertices=arrays["brain_noise|vertices"])
    return GroundTruth(patches=patches, times=times, noise=noise)


def _float64_forward(fwd):
    """FIF files store the gain in float32; hand it out in float64, as MNE computes it.

    Comparisons at 1e-10 relative need float64 linear algebra; a float32 gain would cap every
    result at about 1e-7. The values are those of the file (rounded once to float32 precision).
    """
    fwd["sol"]["data"] = np.asarray(fwd["sol"]["data"], dtype=np.float64)
    fwd["_orig_sol"] = np.asarray(fwd["_orig_sol"], dtype=np.float64)
    return fwd


def load_course_data(*, spacing="ico4", rebuild=False, seed=0, verbose=True):
    """Load (building and caching on first use) the simulated course dataset.

    Parameters
    ----------
    spacing : "ico4" | "ico3"
        Source space: ico4 (2 x 2562 = 5124 locations, the default) or ico3 (2 x 642 = 1284,
        for quick exercises).
    rebuild : bool
        Build again even if a valid cache exists (e.g. after a CorruptCacheError).
    seed : int
        Seed of the simulation (the default gives the dataset every chapter shows).
    verbose : bool
        Say when the dataset is being built.

    Returns
    -------
    data : CourseData
        ``.raw``, ``.epochs``, ``.evoked`` (auditory/left), ``.evokeds``, ``.noise_cov``,
        ``.fwd`` (free orientation), ``.info``, ``.subject``, ``.subjects_dir``, ``.truth``.
    """
    if spacing not in SPACINGS:
        raise ValueError(f"spacing must be one of {sorted(SPACINGS)}, got {spacing!r}")
    folder = cache_dir() / f"course-v{DATASET_VERSION}-{spacing}-seed{seed}"
    if rebuild or not (folder / "manifest.json").is_file():
        _build_into_cache(folder, spacing, seed, verbose)
    manifest = _verify(folder)
    with mne.use_log_level("WARNING"):
        raw = mne.io.read_raw_fif(folder / FILES["raw"], preload=True)
        epochs = make_epochs(raw)
        evokeds = {c: epochs[c].average() for c in sim.EVENT_ID}
        for condition, evoked in evokeds.items():
            evoked.comment = condition
        fwd = _float64_forward(mne.read_forward_solution(folder / FILES["fwd"]))
        noise_cov = mne.read_cov(folder / FILES["cov"])
    truth = _read_truth(folder, epochs.times)
    build_info = {k: v for k, v in manifest.items() if k != "files"}
    return CourseData(raw=raw, epochs=epochs, evoked=evokeds["auditory/left"], evokeds=evokeds,
                      noise_cov=noise_cov, fwd=fwd, subject=SUBJECT,
                      subjects_dir=folder / "subjects", truth=truth, build_info=build_info)


def load_sample_data(*, data_path=None):
    """The same structure from MNE's sample dataset, when a local copy exists.

    Uses ``sample_audvis_filt-0-40_raw.fif`` (epochs -200..500 ms, auditory/left), its
    MEG+EEG forward (``sample_audvis-meg-eeg-oct-6-fwd.fif``) and the noise covariance from
    the baseline, as MNE's tutorials do. ``truth`` is None: real data have no ground truth.
    """
    path = Path(data_path) if data_path else mne.datasets.sample.data_path(download=False)
    if not path or not (Path(path) / "MEG" / "sample").is_dir():
        raise FileNotFoundError(
            "MNE's sample dataset is not on this machine (looked in "
            f"{path or mne.get_config('MNE_DATASETS_SAMPLE_PATH', '~/mne_data')}). Download it "
            "once, with internet access, by running: python -c \"import mne; "
            "mne.datasets.sample.data_path()\" (about 1.6 GB). The course runs without it on "
            "its own dataset: load_course_data().")
    meg = Path(path) / "MEG" / "sample"
    with mne.use_log_level("WARNING"):
        raw = mne.io.read_raw_fif(meg / "sample_audvis_filt-0-40_raw.fif", preload=True)
        events = mne.find_events(raw, stim_channel="STI 014")
        epochs = mne.Epochs(raw, events, {"auditory/left": 1, "visual/right": 4}, sim.TMIN,
                            sim.TMAX, baseline=(None, 0.0), picks=["meg", "eeg"],
                            reject=dict(grad=4000e-13, mag=4e-12, eog=150e-6), preload=True)
        evokeds = {c: epochs[c].average() for c in ("auditory/left", "visual/right")}
        fwd = _float64_forward(
            mne.read_forward_solution(meg / "sample_audvis-meg-eeg-oct-6-fwd.fif"))
        noise_cov = mne.compute_covariance(epochs, tmax=0.0, method="shrunk")
    return CourseData(raw=raw, epochs=epochs, evoked=evokeds["auditory/left"], evokeds=evokeds,
                      noise_cov=noise_cov, fwd=fwd, subject="sample",
                      subjects_dir=Path(path) / "subjects", truth=None, name="sample")


def load_data(dataset=None, **kwargs):
    """The course dataset, or MNE's sample data if ``dataset`` or $MINNORM_DATASET is 'sample'."""
    choice = (dataset or os.environ.get("MINNORM_DATASET", "course")).lower()
    if choice == "course":
        return load_course_data(**kwargs)
    if choice == "sample":
        return load_sample_data(**kwargs)
    raise ValueError(f"dataset must be 'course' or 'sample' (argument or MINNORM_DATASET), "
                     f"got {choice!r}")
