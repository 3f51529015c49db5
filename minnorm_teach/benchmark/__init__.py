"""Which method for which data? A Monte-Carlo benchmark on ground truth (chapter 14).

Beside the math layers (it uses every estimator of the course, chapters 07-15, and the course
data; no layer imports it), like ``datasets``:

- :mod:`.design`   scenarios (one or two patches, SNR, nave, correlation), patches grown on
                   the source-space mesh, evoked time courses, a paired design
- :mod:`.methods`  the nine estimators with their usual parameters (:data:`PARAMETERS`),
                   prepared once and run on arrays as the package's MNE mirrors run them
- :mod:`.metrics`  peak localisation error, spatial dispersion, earth mover's distance,
                   amplitude ratio, time-course correlation, false-positive share
- :mod:`.run`      simulate one case (its own seed), estimate, score: :func:`run_case`
- :mod:`.results`  the whole design, cached and checksummed: :func:`load_benchmark`

``load_benchmark()`` is what chapter 14 reads; ``python -m minnorm_teach build`` builds it.
"""

from .design import PATCH_RADIUS, SCENARIOS, TIMES, Scenario, grid_spacing, mesh_graph
from .methods import AMPERE_METRES, METHODS, PARAMETERS, Solvers, estimate, prepare
from .metrics import (
    centre_of_mass_error,
    distances,
    earth_movers_distance,
    false_positive_share,
    peak_localisation_error,
    spatial_dispersion,
)
from .results import (
    BENCHMARK_VERSION,
    SPACING,
    BenchmarkResults,
    PairedComparison,
    benchmark_folder,
    format_table,
    load_benchmark,
    paired_comparison,
    ranking,
    run_benchmark,
    solvers_for,
    sphere_of,
)
from .run import (
    METRIC_LABELS,
    METRICS,
    N_DRAWS,
    Case,
    amplitude_map,
    mne_twins,
    run_case,
    score,
    seeds_of,
    simulate,
)

__all__ = ["PATCH_RADIUS", "SCENARIOS", "mesh_graph", "TIMES", "Scenario", "AMPERE_METRES",
           "METHODS", "PARAMETERS", "Solvers", "estimate", "prepare", "centre_of_mass_error",
           "distances", "earth_movers_distance", "false_positive_share",
           "peak_localisation_error", "spatial_dispersion", "BENCHMARK_VERSION", "SPACING",
           "BenchmarkResults", "benchmark_folder", "load_benchmark", "run_benchmark",
           "solvers_for", "sphere_of", "format_table", "ranking", "PairedComparison",
           "paired_comparison", "grid_spacing", "METRIC_LABELS", "METRICS", "N_DRAWS", "Case",
           "amplitude_map", "mne_twins", "run_case", "score", "seeds_of", "simulate"]
