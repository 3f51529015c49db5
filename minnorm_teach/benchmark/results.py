"""The benchmark's results: computed once, cached like the datasets, read as a table.

``load_benchmark()`` returns the :class:`BenchmarkResults` of the whole design, from the cache
(``$MINNORM_DATA/benchmark-v<version>-...``, checksummed like the course data) or, the first
time, by running it (a few minutes on two cores, with a progress bar). README command 1
(``python -m minnorm_teach build``) builds it with the datasets.
"""

import json
import time
from dataclasses import dataclass

import mne
import numpy as np
from scipy import stats
from threadpoolctl import threadpool_limits
from tqdm.auto import tqdm

from ..datasets import _cache, load_course_data
from .design import SCENARIOS, mesh_graph
from .methods import METHODS, prepare
from .run import METRICS, N_DRAWS, run_case

__all__ = ["BENCHMARK_VERSION", "SPACING", "BenchmarkResults", "run_benchmark",
           "benchmark_folder", "load_benchmark", "solvers_for", "sphere_of", "format_table",
           "ranking", "PairedComparison", "paired_comparison"]

BENCHMARK_VERSION = 2
SPACING = "ico3"


@dataclass(frozen=True, repr=False)
class BenchmarkResults:
    """metric -> (n_scenarios, n_draws, n_methods) values; geometry of every draw's patches."""

    methods: tuple
    scenarios: tuple                 # names, in the order of design.SCENARIOS
    values: dict                     # metric -> (n_scenarios, n_draws, n_methods)
    depth: np.ndarray                # (n_scenarios, n_draws, 2) m (NaN: no second patch)
    radiality: np.ndarray            # (n_scenarios, n_draws, 2)
    seed: int

    def metric(self, name, scenario, method):
        """The values of one metric over the draws of ``scenario`` for ``method``."""
        return self.values[name][self.scenarios.index(scenario), :,
                                 self.methods.index(method)]

    def table(self, name, statistic=np.nanmedian):
        """(n_scenarios, n_methods): ``statistic`` over the draws of each scenario."""
        return statistic(self.values[name], axis=1)

    def quartiles(self, name, scenario, method):
        """(25th, 50th, 75th) percentiles over the draws, NaN-free values only."""
        values = self.metric(name, scenario, method)
        values = values[np.isfinite(values)]
        return tuple(np.percentile(values, [25, 50, 75])) if values.size else (np.nan,) * 3

    def __repr__(self):
        shape = self.values[METRICS[0]].shape
        return (f"BenchmarkResults({shape[0]} scenarios x {shape[1]} draws x {shape[2]} "
                f"methods; metrics {', '.join(METRICS)})")


def sphere_of(data):
    """(centre, brain radius) of the course's spherical conductor, head coordinates (m)."""
    info = data.build_info
    return np.asarray(info["sphere_r0"], float), 0.90 * float(info["sphere_radius"])


def solvers_for(data):
    """The benchmark's prepared solvers on ``data`` (the ico3 course data), with one BLAS
    thread as every case runs (the same sums in the same order: the cache's numbers)."""
    with threadpool_limits(limits=1, user_api="blas"):
        return prepare(data.info, data.fwd, data.noise_cov)


def run_benchmark(data, *, seed=0, n_draws=N_DRAWS, progress=True):
    """Every scenario x draw x method (one BLAS thread: small products, a shared machine)."""
    solvers = solvers_for(data)
    sphere = sphere_of(data)
    graph = mesh_graph(data.fwd["src"], solvers.positions)
    shape = (len(SCENARIOS), n_draws)
    values = {m: np.full(shape + (len(METHODS),), np.nan) for m in METRICS}
    depth, radiality = np.full(shape + (2,), np.nan), np.full(shape + (2,), np.nan)
    cases = [(s, d) for s in range(len(SCENARIOS)) for d in range(n_draws)]
    with mne.use_log_level("WARNING"):
        for s, d in tqdm(cases, desc="benchmark", unit="case", disable=not progress):
            scores, case = run_case(solvers, s, d, seed=seed, n_draws=n_draws, sphere=sphere,
                                    graph=graph)
            for m, method in enumerate(METHODS):
                for name in METRICS:
                    values[name][s, d, m] = scores[method][name]
            for p, patch in enumerate(case.draw.patches):
                depth[s, d, p], radiality[s, d, p] = patch.depth, patch.radiality
    return BenchmarkResults(methods=METHODS, scenarios=tuple(s.name for s in SCENARIOS),
                            values=values, depth=depth, radiality=radiality, seed=seed)


def benchmark_folder(seed=0):
    """Cache folder of the benchmark (tied to the dataset version it simulates on)."""
    return _cache.cache_dir() / (f"benchmark-v{BENCHMARK_VERSION}-data"
                                 f"v{_cache.DATASET_VERSION}-{SPACING}-seed{seed}")


def _save(results, folder):
    arrays = {f"values|{k}": v for k, v in results.values.items()}
    np.savez(folder / "results.npz", depth=results.depth, radiality=results.radiality,
             **arrays)
    meta = dict(methods=list(results.methods), scenarios=list(results.scenarios),
                seed=results.seed)
    (folder / "results.json").write_text(json.dumps(meta, indent=1))


def _read(folder):
    meta = json.loads((folder / "results.json").read_text())
    arrays = np.load(folder / "results.npz")
    values = {k.split("|", 1)[1]: arrays[k] for k in arrays.files if k.startswith("values|")}
    return BenchmarkResults(methods=tuple(meta["methods"]), scenarios=tuple(meta["scenarios"]),
                            values=values, depth=arrays["depth"],
                            radiality=arrays["radiality"], seed=meta["seed"])


def load_benchmark(*, seed=0, rebuild=False, verbose=True, data=None):
    """The benchmark's results, from the cache or computed (then cached) on the ico3 data."""
    folder = benchmark_folder(seed)
    if rebuild or not (folder / "manifest.json").is_file():
        data = data or load_course_data(spacing=SPACING, verbose=verbose)

        def build(tmp):
            start = time.perf_counter()
            _save(run_benchmark(data, seed=seed, progress=verbose), tmp)
            return dict(benchmark_version=BENCHMARK_VERSION, n_draws=N_DRAWS,
                        run_seconds=round(time.perf_counter() - start, 1))

        _cache.build_into_cache(folder, build, verbose=verbose, what="the method benchmark",
                                seconds=240)
    _cache.verify(folder, "mt.benchmark.load_benchmark(rebuild=True)")
    return _read(folder)



SHORT = {"ple": "PLE mm", "sd": "SD mm", "emd": "EMD mm", "amplitude": "amplitude",
         "correlation": "r(time)", "false_positive": "false +"}


def format_table(results, scenario, metrics=METRICS):
    """A text table for ``scenario``: one row per method, "median (q1-q3)" per metric;
    "-" where a metric does not apply (amplitudes of noise-normalised maps)."""
    digits = {"ple": 0, "sd": 0, "emd": 0, "amplitude": 2, "correlation": 2,
              "false_positive": 2}
    header = f"{'method':9s}" + "".join(f"{SHORT[m]:>17s}" for m in metrics)
    lines = [f"{scenario}: median (interquartile range) over {results.values[METRICS[0]].shape[1]}"
             f" cases", header]
    for method in results.methods:
        cells = []
        for m in metrics:
            q1, q2, q3 = results.quartiles(m, scenario, method)
            f = digits[m]
            cells.append("-" if np.isnan(q2) else f"{q2:.{f}f} ({q1:.{f}f}-{q3:.{f}f})")
        lines.append(f"{method:9s}" + "".join(f"{c:>17s}" for c in cells))
    return "\n".join(lines)


def ranking(results, metric, scenario, *, best="low"):
    """Methods with a finite median, best first: [(method, median), ...]."""
    medians = [(m, results.quartiles(metric, scenario, m)[1]) for m in results.methods]
    medians = [(m, v) for m, v in medians if np.isfinite(v)]
    return sorted(medians, key=lambda mv: mv[1] if best == "low" else -mv[1])


@dataclass(frozen=True)
class PairedComparison:
    """Method a against method b on the same cases: who is higher, and a sign test."""

    a: str
    b: str
    a_higher: int              # cases where a's value exceeds b's
    b_higher: int
    ties: int
    p_value: float             # two-sided sign test on the untied cases (1.0 if all tie)

    def __str__(self):
        return (f"{self.a} higher in {self.a_higher}, {self.b} in {self.b_higher} of "
                f"{self.a_higher + self.b_higher + self.ties} cases (sign test p = "
                f"{self.p_value:.2g})")


def paired_comparison(results, metric, scenario, a, b):
    """Sign test of a against b over the cases of ``scenario`` (the design is paired: case d
    of both methods is the same simulated data). Cases where either is NaN are left out."""
    x, y = results.metric(metric, scenario, a), results.metric(metric, scenario, b)
    keep = np.isfinite(x) & np.isfinite(y)
    up, down = int(np.sum(x[keep] > y[keep])), int(np.sum(x[keep] < y[keep]))
    p = stats.binomtest(up, up + down).pvalue if up + down else 1.0
    return PairedComparison(a=a, b=b, a_higher=up, b_higher=down,
                            ties=int(keep.sum()) - up - down, p_value=float(p))
