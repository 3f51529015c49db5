"""The benchmark of chapter 14: metrics against closed forms and mne.simulation.metrics, the
design, the array routes against the package's MNE mirrors, and reproducibility."""

import mne
import numpy as np
import pytest
from scipy.stats import wasserstein_distance

import minnorm_teach as mt
from minnorm_teach import benchmark as bm
from minnorm_teach.benchmark import design, metrics

mne.set_log_level("WARNING")


# ------------------------------------------------------------------- metrics: closed forms --

def test_emd_point_masses_and_translation():
    rng = np.random.default_rng(0)
    a, b = rng.standard_normal((1, 3)), rng.standard_normal((1, 3))
    assert metrics.earth_movers_distance([1.0], a, [2.0], b) == pytest.approx(
        np.linalg.norm(a - b), rel=1e-12)
    points, mass = rng.standard_normal((6, 3)), rng.random(6)
    shift = np.array([0.3, -0.1, 0.2])
    emd = metrics.earth_movers_distance(mass, points, mass, points + shift)
    assert emd == pytest.approx(np.linalg.norm(shift), rel=1e-9)     # a rigid shift moves
    assert metrics.earth_movers_distance(mass, points, mass, points) == pytest.approx(0, abs=1e-12)


def test_emd_on_a_line_equals_the_1d_wasserstein_distance():
    rng = np.random.default_rng(1)
    x, y = rng.random(7), rng.random(4)
    p, q = rng.random(7), rng.random(4)
    on_line = lambda t: np.column_stack([t, np.zeros_like(t), np.zeros_like(t)])  # noqa: E731
    emd = metrics.earth_movers_distance(p, on_line(x), q, on_line(y))
    assert emd == pytest.approx(wasserstein_distance(x, y, p, q), rel=1e-9)


def test_peak_error_dispersion_and_false_positives():
    positions = np.array([[0.0, 0, 0], [0.01, 0, 0], [0.05, 0, 0], [0.0, 0.03, 0]])
    amplitude = np.array([0.2, 1.0, 0.0, 0.0])
    assert metrics.peak_localisation_error(amplitude, positions, [[0]])[0] == pytest.approx(0.01)
    d = metrics.distances(positions, [0])
    assert metrics.spatial_dispersion(np.array([0, 1.0, 0, 0]), d) == pytest.approx(0.01)
    assert metrics.false_positive_share(np.array([1.0, 0, 1.0, 0]), d) == pytest.approx(0.5)
    # two patches: each is scored in its own cell
    errors = metrics.peak_localisation_error(np.array([0, 1.0, 0.5, 0]), positions, [[0], [2]])
    np.testing.assert_allclose(errors, [0.01, 0.0])


@pytest.fixture(scope="module")
def data():
    return mt.datasets.load_course_data(spacing=bm.SPACING, verbose=False)


def _stc(values, src):
    return mne.SourceEstimate(values, [src[0]["vertno"], src[1]["vertno"]], 0.0, 0.005)


def test_twin_with_mne_simulation_metrics(data):
    """Centre-of-mass error and spatial dispersion (one true dipole) equal MNE's
    peak_position_error and spatial_deviation_error, time sample by time sample."""
    src, rng = data.fwd["src"], np.random.default_rng(2)
    n = sum(len(s["vertno"]) for s in src)
    positions = np.asarray(data.fwd["source_rr"], float)
    values = rng.random((n, 4)) ** 8
    k = 700
    truth = np.zeros((n, 4))
    truth[k] = 1.0
    stc_est = _stc(values, src)
    stc_true = mne.SourceEstimate(truth[k:k + 1], [np.array([], int), src[1]["vertno"][
        [k - len(src[0]["vertno"])]]], 0.0, 0.005)
    ppe = mne.simulation.metrics.peak_position_error(stc_true, stc_est, src, threshold="50%")
    sde = mne.simulation.metrics.spatial_deviation_error(stc_true, stc_est, src,
                                                         threshold="50%")
    d = metrics.distances(positions, [k])
    # MNE thresholds at 50 % of the maximum over all samples; ours per map: give it that max
    top = values.max()
    for t in range(4):
        a = values[:, t]
        w = np.where(a > 0.5 * top, a, 0.0)
        ours_ppe = np.linalg.norm(w @ positions / w.sum() - positions[k])
        ours_sd = np.sqrt(np.sum(w * d ** 2) / w.sum())
        np.testing.assert_allclose(ours_ppe, ppe[t], rtol=1e-10)
        np.testing.assert_allclose(ours_sd, sde[t], rtol=1e-10)
    a = values[:, np.argmax(values.max(axis=0))]           # the sample holding the maximum
    t = int(np.argmax(values.max(axis=0)))
    np.testing.assert_allclose(metrics.centre_of_mass_error(a, positions, positions[k]),
                               ppe[t], rtol=1e-10)
    np.testing.assert_allclose(metrics.spatial_dispersion(a, d), sde[t], rtol=1e-10)


# ----------------------------------------------------------------------------- design --

def test_time_courses_have_the_asked_correlation():
    for rho in (0.0, 0.5, 0.9):
        t1, t2 = design.time_courses(2, rho)
        assert np.linalg.norm(t1) == pytest.approx(1) and np.linalg.norm(t2) == pytest.approx(1)
        assert t1 @ t2 == pytest.approx(rho, abs=1e-12)


def test_patches_are_geodesic_balls(data):
    positions = np.asarray(data.fwd["source_rr"], float)
    graph = design.mesh_graph(data.fwd["src"], positions)
    rows = design.grow_patch(graph, 100)
    assert 100 in rows and len(rows) >= 2
    assert np.all(np.linalg.norm(positions[rows] - positions[100], axis=1)
                  <= design.PATCH_RADIUS + 1e-12)              # straight line <= path
    n_lh = len(data.fwd["src"][0]["vertno"])
    assert np.all(rows < n_lh)                                  # hemispheres not connected


# ------------------------------------------------------- the array routes = the mirrors --

@pytest.fixture(scope="module")
def case(data):
    solvers = bm.solvers_for(data)
    _, case = bm.run_case(solvers, 0, 0, methods=(), sphere=bm.sphere_of(data))
    info = mne.pick_info(data.info, [data.info["ch_names"].index(c) for c in solvers.ch_names])
    evoked = mne.EvokedArray(case.b, info, tmin=0.0, nave=bm.SCENARIOS[0].nave)
    return solvers, case, evoked


def _amplitude(vectors):
    return np.linalg.norm(vectors, axis=1)


def _on_stc(amplitude, stc, src):
    rows = np.concatenate([np.searchsorted(src[0]["vertno"], stc.vertices[0]),
                           len(src[0]["vertno"]) + np.searchsorted(src[1]["vertno"],
                                                                    stc.vertices[1])])
    return amplitude[rows]


@pytest.mark.parametrize("method", ["MNE", "dSPM", "sLORETA", "eLORETA"])
def test_linear_methods_equal_apply_inverse(data, case, method):
    solvers, c, evoked = case
    ours = _amplitude(bm.estimate(solvers, method, c.b, c.epochs, 3.0, 60, 200.0))
    stc = mt.apply_inverse(evoked, solvers.inv, 1 / 9, method)
    np.testing.assert_allclose(ours, stc.data, rtol=1e-10, atol=1e-10 * np.abs(stc.data).max())


def test_sparse_methods_equal_the_mirrors(data, case):
    solvers, c, evoked = case
    kw = dict(loose=0.2, depth=0.8)
    mirrors = {"MxNE": lambda: mt.mixed_norm(evoked, data.fwd, data.noise_cov, 50.0, **kw),
               "irMxNE": lambda: mt.mixed_norm(evoked, data.fwd, data.noise_cov, 50.0,
                                               n_mxne_iter=10, **kw),
               "TF-MxNE": lambda: mt.tf_mixed_norm(evoked, data.fwd, data.noise_cov, alpha=40.0,
                                                   l1_ratio=0.03, wsize=16, tstep=4, **kw)}
    for method, mirror in mirrors.items():
        amplitude = _amplitude(bm.estimate(solvers, method, c.b, c.epochs, 3.0, 60, 200.0))
        stc = mirror()
        assert np.count_nonzero(amplitude.any(axis=1)) == stc.data.shape[0], method
        np.testing.assert_allclose(_on_stc(amplitude, stc, data.fwd["src"]), stc.data,
                                   rtol=1e-10, atol=1e-10 * stc.data.max(), err_msg=method)


def test_lcmv_equals_the_mirror(data, case):
    solvers, c, evoked = case
    X = c.epochs.transpose(1, 0, 2).reshape(c.b.shape[0], -1)
    cov = mne.Covariance(X @ X.T / X.shape[1], list(solvers.ch_names), [],
                         list(data.info["projs"]), X.shape[1] - 1)
    filters = mt.make_lcmv(data.info, data.fwd, cov, reg=0.05, noise_cov=data.noise_cov)
    stc = mt.apply_lcmv(evoked, filters)
    ours = _amplitude(bm.estimate(solvers, "LCMV", c.b, c.epochs, 3.0, 60, 200.0))
    np.testing.assert_allclose(ours, stc.data, rtol=1e-10, atol=1e-10 * stc.data.max())


def test_gamma_map_equals_the_mirror(data, case):
    solvers, c, evoked = case
    stc = mt.gamma_map(evoked, data.fwd, data.noise_cov, 1 / evoked.nave, loose=0.2, depth=0.8)
    amplitude = _amplitude(bm.estimate(solvers, "γ-MAP", c.b, c.epochs, 3.0, 60, 200.0))
    np.testing.assert_allclose(_on_stc(amplitude, stc, data.fwd["src"]), stc.data, rtol=1e-10,
                               atol=1e-10 * stc.data.max())


# ------------------------------------------------------------------------ reproducible --

def test_a_case_is_reproducible_and_its_snr_is_the_scenarios(data, case):
    solvers, c, _ = case
    again, c2 = bm.run_case(solvers, 0, 0, methods=("MNE", "MxNE"), sphere=bm.sphere_of(data))
    np.testing.assert_array_equal(c.b, c2.b)
    signal = solvers.P @ (solvers.L_fixed @ c.j)
    white = solvers.prep.W @ signal
    snr = np.sqrt(60) * np.linalg.norm(white, axis=0).max() / np.sqrt(white.shape[0])
    assert snr == pytest.approx(bm.SCENARIOS[0].snr, rel=1e-12)
    assert set(again) == {"MNE", "MxNE"} and set(again["MNE"]) == set(bm.METRICS)


def test_time_course_correlation_does_not_depend_on_the_units():
    """A·m estimates are ~1e-9: the correlation must not call them zero."""
    rng = np.random.default_rng(3)
    wave = rng.standard_normal(20)
    vectors = 1e-12 * (np.array([0.0, 0.0, 1.0])[None, :, None] * wave[None, None, :]
                       + 0.1 * rng.standard_normal((2, 3, 20)))
    r = metrics.time_course_correlation(vectors, np.array([0, 1]), np.array([0, 0, 1.0]), wave)
    r_unit = metrics.time_course_correlation(1e12 * vectors, np.array([0, 1]),
                                             np.array([0, 0, 1.0]), wave)
    assert r == pytest.approx(r_unit, rel=1e-12) and r > 0.9
    assert metrics.time_course_correlation(0 * vectors, np.array([0]), np.ones(3), wave) == 0


# ---------------------------------------------------------------- paired comparison, grid --

def test_paired_comparison_counts_and_sign_test():
    values = np.full((1, 10, 2), np.nan)
    values[0, :, 0] = np.arange(10.0)
    values[0, :, 1] = np.arange(10.0) - np.array([1, 1, 1, 1, 1, 1, 1, 1, 1, 0])   # a wins 9
    results = bm.BenchmarkResults(methods=("a", "b"), scenarios=("s",),
                                  values={"amplitude": values}, depth=None, radiality=None,
                                  seed=0)
    cmp = bm.paired_comparison(results, "amplitude", "s", "a", "b")
    assert (cmp.a_higher, cmp.b_higher, cmp.ties) == (9, 0, 1)
    assert cmp.p_value == pytest.approx(2 / 2 ** 9)                    # two-sided, 9 untied
    assert "a higher in 9, b in 0 of 10 cases" in str(cmp)


def test_grid_spacing_is_the_median_edge_length():
    src = [dict(np=4, nuse=4, vertno=np.arange(4), use_tris=np.array([[0, 1, 2], [1, 2, 3]]))]
    positions = np.array([[0, 0, 0], [1, 0, 0], [0, 2, 0], [1, 2, 0]], float)
    graph = design.mesh_graph(src, positions)
    lengths = [1.0, 2.0, np.sqrt(5.0), 2.0, 1.0]                       # 5 distinct edges
    assert bm.grid_spacing(graph) == pytest.approx(np.median(lengths))
