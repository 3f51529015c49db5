"""Chapter 13's figures: labelled, within the text column, bads marked."""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

import minnorm_teach as mt  # noqa: E402
from minnorm_teach.viz.style import FIGURE_WIDTH  # noqa: E402


def test_coreg_fit_has_units_and_fits_the_column():
    rng = np.random.default_rng(0)
    fig = mt.viz.plot_coreg_fit(rng.normal(0, 0.05, (40, 3)), rng.uniform(0, 0.01, 40))
    side, hist = fig.axes[:2]
    assert "mm" in side.get_xlabel() and "mm" in hist.get_xlabel()
    assert fig.get_size_inches()[0] <= FIGURE_WIDTH
    plt.close(fig)


def test_channel_noise_marks_the_bads():
    ax = mt.viz.plot_channel_noise(["mag", "grad", "eeg"], [1.0, 30.0, 1.2],
                                   ["MEG 0111", "MEG 2443", "EEG 053"], ["MEG 2443"])
    assert [t.get_text() for t in ax.texts] == ["MEG 2443 (bad)"]
    assert ax.get_yscale() == "log" and "median" in ax.get_ylabel()
    plt.close(ax.figure)


def test_whitened_gfp_draws_the_noise_level():
    ax = mt.viz.plot_whitened_gfp(np.linspace(-0.1, 0.3, 50), {"a": np.ones(50)})
    assert any(np.allclose(line.get_ydata(), 1.0) for line in ax.get_lines())
    assert ax.get_xlabel() == "time (ms)"
    plt.close(ax.figure)
