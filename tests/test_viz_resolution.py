"""Chapter 09's figure: the depth shift of the PSF peaks (saved to artifacts/ to look at)."""

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import minnorm_teach as mt  # noqa: E402
from minnorm_teach.viz.style import FIGURE_WIDTH, FONT_SIZE  # noqa: E402

ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"


def test_depth_shift_bars_are_signed_labelled_and_fit_the_column():
    rng = np.random.default_rng(0)
    shifts = {"MNE, no depth": rng.normal(-0.01, 0.01, 300),
              "dSPM, depth 0.8": rng.normal(0.006, 0.01, 300), "sLORETA": np.zeros(300)}
    ax = mt.viz.plot_depth_shifts(shifts)
    fig = ax.figure
    ARTIFACTS.mkdir(exist_ok=True)
    fig.savefig(ARTIFACTS / "viz_depth_shifts.png", dpi=100)
    bars = [patch.get_width() for patch in ax.patches]
    assert np.allclose(bars, [1e3 * np.mean(s) for s in shifts.values()])
    assert "towards the sensors" in ax.get_xlabel() and "mm" in ax.get_xlabel()
    assert fig.get_size_inches()[0] <= FIGURE_WIDTH
    assert min(t.get_fontsize() for t in ax.texts) >= FONT_SIZE - 1
    assert [t.get_text() for t in ax.get_yticklabels()] == list(shifts)
    plt.close(fig)
    with pytest.raises(ValueError, match="shifts is empty"):
        mt.viz.plot_depth_shifts({})
