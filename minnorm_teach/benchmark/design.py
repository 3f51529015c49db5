"""What the benchmark simulates: scenarios, cortical patches and evoked time courses.

Every draw is a set of cortical patches on the course anatomy (the ico3 source space of
``load_course_data(spacing="ico3")``: 1,284 locations, so that γ-MAP, the slowest method, fits
in the build). A patch is a seed location and its neighbours within ``PATCH_RADIUS`` along the
source-space mesh (a geodesic ball), each location carrying the same moment along its
cortical normal n_k (MNE's default fixed orientation, the patch-average normal), as in the
course dataset. The design is *paired*: the same seed locations serve every one-patch scenario
and the same pairs every two-patch scenario, so differences between scenarios come from the
factor that changes (SNR, nave, correlation), not from where the sources happened to fall.

Geometry of a patch (for the figures): ``depth`` = distance below the inner sphere of the head
model (the innermost shell of the spherical conductor, not the cortical surface; m) and
``radiality`` = |cos| of the angle between the patch's summed normal and the radius from the
sphere's centre (1: radial, which MEG cannot see in a sphere; 0: tangential; MEG sees the
tangential part sqrt(1 - cos^2) of the moment).
"""

from dataclasses import dataclass

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import dijkstra

__all__ = ["Scenario", "SCENARIOS", "PATCH_RADIUS", "TIMES", "Patch", "Draw", "mesh_graph",
           "grow_patch", "grid_spacing", "time_courses", "draw_seeds", "make_draw"]

PATCH_RADIUS = 0.010                      # m, geodesic radius of a patch on the source mesh
TIMES = np.arange(61) / 200.0             # s: 0..300 ms at 200 Hz, the course's sampling


@dataclass(frozen=True)
class Scenario:
    """One row of the table: how many patches, the evoked SNR, the trials, the correlation."""

    name: str
    n_patches: int
    snr: float                 # whitened amplitude SNR of the evoked peak (lambda2 = 1/snr^2)
    nave: int                  # trials averaged (LCMV's data covariance uses them one by one)
    correlation: float = 0.0   # cosine of the two patches' time courses (two patches only)


SCENARIOS = (
    Scenario("one patch, SNR 3", 1, 3.0, 60),
    Scenario("one patch, SNR 1", 1, 1.0, 60),
    Scenario("one patch, SNR 9", 1, 9.0, 60),
    Scenario("one patch, SNR 3, 15 trials", 1, 3.0, 15),
    Scenario("two patches, uncorrelated", 2, 3.0, 60, 0.0),
    Scenario("two patches, correlated 0.9", 2, 3.0, 60, 0.9),
)


@dataclass(frozen=True)
class Patch:
    """Locations (rows of the source space) of one patch and its geometry."""

    rows: np.ndarray           # (n,) location indices, left hemisphere first
    depth: float               # m below the head model's inner sphere (of the seed)
    radiality: float           # |cos(summed normal, radius)|


@dataclass(frozen=True)
class Draw:
    """One simulated configuration: patches and their time courses (unit peak, A·m each)."""

    patches: tuple             # of Patch
    waveforms: np.ndarray      # (n_patches, n_times), unitless shapes


def mesh_graph(src, positions):
    """Edges of the source-space triangulation (``use_tris``) weighted by length (m), as a
    sparse (n_sources, n_sources) matrix; the hemispheres are not connected."""
    rows, cols, offset = [], [], 0
    for s in src:
        lookup = np.full(s["np"], -1)
        lookup[s["vertno"]] = offset + np.arange(s["nuse"])
        tris = lookup[s["use_tris"]]
        for a, b in ((0, 1), (1, 2), (2, 0)):
            rows.append(tris[:, a])
            cols.append(tris[:, b])
        offset += s["nuse"]
    rows, cols = np.concatenate(rows), np.concatenate(cols)
    length = np.linalg.norm(positions[rows] - positions[cols], axis=1)
    n = len(positions)
    graph = coo_matrix((length, (rows, cols)), shape=(n, n)).tocsr()
    return graph.maximum(graph.T)


def grid_spacing(graph):
    """Median length (m) of the source mesh's edges: the step of every distance on the grid.

    A peak localisation error is 0 or at least about this long (``graph``: :func:`mesh_graph`).
    """
    return float(np.median(graph.data))


def grow_patch(graph, seed, radius=PATCH_RADIUS):
    """Rows within ``radius`` (m) of ``seed`` along the mesh edges (a geodesic ball)."""
    distance = dijkstra(graph, indices=seed, limit=radius * (1 + 1e-9))
    return np.flatnonzero(np.isfinite(distance))


def _geometry(rows, positions, normals, sphere):
    r0, brain_radius = sphere
    radius = positions[rows[0]] - r0
    summed = normals[rows].sum(axis=0)
    cosine = abs(summed @ radius) / (np.linalg.norm(summed) * np.linalg.norm(radius))
    return brain_radius - np.linalg.norm(radius), float(cosine)


def _bump(latency, width=0.02):
    return np.exp(-0.5 * ((TIMES - latency) / width) ** 2)


def time_courses(n_patches, correlation=0.0):
    """Evoked shapes, unit 2-norm: a bump at 100 ms; a second patch with cosine ``correlation``
    to the first, t2 = rho t1 + sqrt(1 - rho^2) u, u a bump at 170 ms orthogonalised to t1."""
    first = _bump(0.100)
    first /= np.linalg.norm(first)
    if n_patches == 1:
        return first[None]
    other = _bump(0.170)
    other -= (other @ first) * first
    other /= np.linalg.norm(other)
    second = correlation * first + np.sqrt(1 - correlation ** 2) * other
    return np.vstack([first, second])


def draw_seeds(rng, n_sources, n_draws, n_patches, hemispheres=None):
    """Seed rows: one per patch and draw, uniform over the cortex; two patches of a draw lie in
    different hemispheres (``hemispheres``: the number of left-hemisphere locations)."""
    if n_patches == 1:
        return rng.choice(n_sources, size=(n_draws, 1), replace=False)
    left = rng.choice(hemispheres, size=n_draws, replace=False)
    right = hemispheres + rng.choice(n_sources - hemispheres, size=n_draws, replace=False)
    return np.column_stack([left, right])


def make_draw(seeds, scenario, graph, positions, normals, sphere):
    """The Draw of ``seeds`` (one row per patch) for ``scenario``."""
    patches = []
    for seed in seeds:
        rows = grow_patch(graph, int(seed))
        rows = np.concatenate([[seed], rows[rows != seed]])        # the seed first
        depth, radiality = _geometry(rows, positions, normals, sphere)
        patches.append(Patch(rows=rows, depth=float(depth), radiality=radiality))
    return Draw(patches=tuple(patches),
                waveforms=time_courses(scenario.n_patches, scenario.correlation))
