"""The figures of ``minnorm_teach.viz``, drawn on the course data and checked as a reader sees
them: every figure is saved to ``artifacts/viz_*.png`` (look at them), and the tests assert what
the figure promises.

- Cortex maps: sulcal shading where nothing is painted; panels at least 3 in wide; colour bars
  that show the painted values (a map of values from -2.4 to 0 has a bar from -2.4 to 0, signed
  maps a diverging bar centred at 0, log maps a log axis labelled "log scale"); vmin/vmax
  honoured (a smaller map looks faint); markers above the surface with a legend, and said to be
  invisible when no panel faces them.
- The interactive 3-D view: plotly JSON only (no JavaScript in the notebook), at most 1 MB,
  the source space's own closed mesh, the same colours as the static map.
- Curves: coinciding spectra stay distinguishable; legends sit outside the axes; fonts at least
  10 pt in figures at most 7.5 in wide.
- Topographies: a field at round-off level is drawn flat and says "0 (no field)".
- Bad input: one clear error naming the expected and the received.
"""

import base64
import json
import re
from pathlib import Path
from types import SimpleNamespace

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import mne  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import minnorm_teach as mt  # noqa: E402
from minnorm_teach.tooling import interactive  # noqa: E402
from minnorm_teach.viz import colours, cortex3d, style, surface  # noqa: E402

ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"


@pytest.fixture(scope="module")
def data():
    mne.set_log_level("WARNING")
    return mt.datasets.load_data()


@pytest.fixture(scope="module")
def src_vertices(data):
    return [s["vertno"] for s in data.fwd["src"]]


@pytest.fixture(scope="module")
def sensitivity(data):
    """|L| per source location for channel 2 (a magnetometer), fT per nAm: positive values."""
    L = data.fwd["sol"]["data"]
    return np.linalg.norm(L[2].reshape(-1, 3), axis=1) * 1e6


def save(fig, name):
    ARTIFACTS.mkdir(exist_ok=True)
    fig.savefig(ARTIFACTS / name, dpi=100, bbox_inches="tight")
    plt.close(fig)


def colorbar_of(fig):
    bars = [a for a in fig.axes if a.get_label() == "<colorbar>"]
    assert len(bars) == 1, f"expected one colour bar, found {len(bars)}"
    return bars[0]


def cortex_axes(fig):
    return [a for a in fig.axes if a.get_label() != "<colorbar>"]


def no_overlap(legend, ax):
    fig = ax.figure
    fig.canvas.draw()
    box, area = legend.get_window_extent(), ax.get_window_extent()
    return not box.overlaps(area)


# ------------------------------------------------------------------- cortex: static maps

def test_source_map_has_sulcal_shading_readable_panels_and_markers(data, src_vertices):
    values = data.truth.amplitude_map(data.fwd["src"], time=0.09) * 1e9
    n_lh = len(src_vertices[0])
    peak_rh = n_lh + int(np.argmax(values[n_lh:]))
    peak_lh = int(np.argmax(values[:n_lh]))
    fig = mt.viz.plot_source_map(values, src_vertices, data.subjects_dir, data.subject,
                                 threshold=0.01, label="|moment| per source location (nAm)",
                                 title="True sources at 90 ms",
                                 markers={"true source (rh)": peak_rh,
                                          "true source (lh)": peak_lh})
    axes = cortex_axes(fig)
    assert len(axes) == 2
    fig.canvas.draw()
    for ax in axes:
        assert ax.get_window_extent().width / fig.dpi >= 3.0, "cortex panel narrower than 3 in"
        faces = ax.collections[0].get_facecolors()[:, :3]
        greys = faces[np.ptp(faces, axis=1) < 1e-6]          # unpainted: grey
        assert len(greys) > 0.5 * len(faces)
        assert np.ptp(greys[:, 0]) > 0.2, "no sulcal shading (one grey level)"
        dots = [c for c in ax.collections[1:] if c.get_zorder() > ax.collections[0].get_zorder()]
        assert len(dots) == 1, "each hemisphere's true source drawn above its surface"
    assert fig.get_size_inches()[0] <= style.FIGURE_WIDTH + 0.01
    labels = [t.get_text() for t in fig.legends[0].get_texts()]
    assert labels == ["true source (rh)", "true source (lh)"]
    assert colorbar_of(fig).get_xlabel() == "|moment| per source location (nAm)"
    save(fig, "viz_source_map_true_sources.png")


def test_colour_bar_shows_the_values_painted(data, src_vertices, sensitivity):
    """Chapter 06's case: log10 of a prior (-2.4 .. 0) on a bar from -2.4 to 0, not 0 to 2.4;
    and the prior itself on a log scale, labelled so."""
    prior = (sensitivity / sensitivity.max()) ** -0.8
    prior /= prior.max()
    fig = mt.viz.plot_source_map(np.log10(prior), src_vertices, data.subjects_dir,
                                 data.subject, views=("lateral", "medial"), hemis=("lh",),
                                 cmap="viridis", label="log10 depth prior")
    low, high = colorbar_of(fig).get_xlim()
    assert low == pytest.approx(np.log10(prior).min()) and high == pytest.approx(0.0)
    save(fig, "viz_source_map_log10_values.png")

    fig = mt.viz.plot_source_map(prior, src_vertices, data.subjects_dir, data.subject,
                                 views=("lateral", "medial"), hemis=("lh",), log=True,
                                 label="depth prior (relative variance)",
                                 title="Depth prior: deep sources get more variance")
    bar = colorbar_of(fig)
    assert bar.get_xscale() == "log"
    assert bar.get_xlabel() == "depth prior (relative variance), log scale"
    assert bar.get_xlim() == pytest.approx((prior.min(), 1.0))
    save(fig, "viz_source_map_log_prior.png")


def test_signed_map_is_diverging_and_centred(data, src_vertices):
    L = data.fwd["sol"]["data"]
    normals = np.concatenate([s["nn"][s["vertno"]] for s in data.fwd["src"]])
    signed = np.sum(L[2].reshape(-1, 3) * normals, axis=1) * 1e6            # fT per nAm
    fig = mt.viz.plot_source_map(signed, src_vertices, data.subjects_dir, data.subject,
                                 views=("lateral", "dorsal"),
                                 label="normal-component gain (fT per nAm)")
    low, high = colorbar_of(fig).get_xlim()
    assert low == pytest.approx(-high) and high == pytest.approx(np.abs(signed).max())
    scale = colours.colour_scale(signed)
    assert scale.kind == "signed" and scale.cmap == "RdBu_r"
    save(fig, "viz_source_map_signed.png")


def test_fixed_vmax_is_honoured_so_a_weak_map_looks_faint(data, src_vertices, sensitivity):
    """Chapter 03's slider: one colour scale for every λ²; a map 5x weaker looks faint."""
    strong = sensitivity
    fig = plt.figure(figsize=(7.5, 5.6), layout="constrained")
    top, bottom = fig.subfigures(2, 1)
    for sub, values, name in ((top, strong, "strong"), (bottom, strong / 5, "5x weaker")):
        mt.viz.plot_source_map(values, src_vertices, data.subjects_dir, data.subject, fig=sub,
                               vmax=strong.max(), label="|j| (nAm)", title=name)
    bars = [a for a in fig.axes if a.get_label() == "<colorbar>"]
    assert [b.get_xlim()[1] for b in bars] == pytest.approx([strong.max()] * 2)
    brightness = [np.mean(ax.collections[0].get_facecolors()[:, :3])
                  for ax in fig.axes if ax.get_label() != "<colorbar>"]
    assert np.mean(brightness[2:]) < np.mean(brightness[:2]) - 0.05
    save(fig, "viz_source_map_fixed_vmax.png")
    scale = colours.colour_scale(strong / 5, vmax=strong.max())
    assert scale.vmax == strong.max() and scale.extend == "neither"
    assert colours.colour_scale(strong, vmax=strong.max() / 2).extend == "max"


def point_spreads(data, k):
    """PSFs of source k for a fixed-orientation EEG minimum-norm kernel and its rows
    normalised (a dSPM-like map): cheap stand-ins for chapter 09's four methods."""
    eeg = mne.pick_types(data.info, meg=False, eeg=True)
    normals = np.concatenate([s["nn"][s["vertno"]] for s in data.fwd["src"]])
    L = data.fwd["sol"]["data"][eeg]
    L = np.einsum("mkd,kd->mk", L.reshape(len(eeg), -1, 3), normals)
    L = L - L.mean(axis=0)                                               # average reference
    G = L @ L.T
    K = L.T @ np.linalg.solve(G + 0.1 * np.trace(G) / len(G) * np.eye(len(G)), np.eye(len(G)))
    psf = K @ L[:, k]
    return {"MNE": psf, "MNE, rows normalised": psf / np.linalg.norm(K, axis=1)}


def test_point_spread_marker_is_visible_with_a_legend(data, src_vertices):
    """Chapter 09's case: the true source's cyan dot above the medial surface."""
    n_lh = len(src_vertices[0])
    rr, tris = surface.read_surface(str(data.subjects_dir), data.subject, "rh", "inflated")
    medial = np.flatnonzero(surface.visible_points(rr, tris, src_vertices[1], "medial", "rh"))
    k = n_lh + int(medial[len(medial) // 2])
    maps = point_spreads(data, k)
    fig = mt.viz.plot_point_spreads({**maps, "MNE again": maps["MNE"],
                                     "normalised again": maps["MNE, rows normalised"]},
                                    src_vertices, data.subjects_dir, data.subject,
                                    hemi="rh", view="medial", marker=k)
    fig.suptitle("PSF of a medial source (rh, medial)")
    for ax in cortex_axes(fig):
        dots = ax.collections[1:]
        assert len(dots) == 1 and dots[0].get_zorder() > ax.collections[0].get_zorder()
        assert np.allclose(dots[0].get_facecolors()[0][:3], (0, 1, 1)), "not cyan"
    assert [t.get_text() for t in fig.legends[0].get_texts()] == ["true source"]
    save(fig, "viz_point_spreads_medial.png")

    fig = mt.viz.plot_point_spreads(maps, src_vertices, data.subjects_dir, data.subject,
                                    hemi="rh", view="lateral", marker=k)
    assert fig.legends[0].get_texts()[0].get_text() == \
        "true source (not visible in these views)"
    save(fig, "viz_point_spreads_lateral_hidden_marker.png")


def test_cortex_maps_reject_bad_input(data, src_vertices):
    where = (src_vertices, data.subjects_dir, data.subject)
    with pytest.raises(ValueError, match=r"values has shape \(10,\) but the source space has "
                                         r"5124 locations \(2562 \+ 2562\)"):
        mt.viz.plot_source_map(np.ones(10), *where)
    with pytest.raises(ValueError, match="log=True needs positive values, but 1 of 5124"):
        mt.viz.plot_source_map(np.r_[0.0, np.ones(5123)], *where, log=True)
    with pytest.raises(ValueError, match="vmin must be -vmax, got vmin=-1, vmax=2"):
        mt.viz.plot_source_map(np.linspace(-1, 1, 5124), *where, vmin=-1, vmax=2)
    with pytest.raises(ValueError, match="view must be one of"):
        mt.viz.plot_source_map(np.ones(5124), *where, views=("sideways",))
    with pytest.raises(ValueError, match=r"marker source indices must be in 0\.\.5123"):
        mt.viz.plot_source_map(np.ones(5124), *where, markers=[9999])
    with pytest.raises(ValueError, match="no finite entry"):
        mt.viz.plot_source_map(np.full(5124, np.nan), *where)
    with pytest.raises(ValueError, match="zero everywhere"):
        mt.viz.plot_point_spreads({"MNE": np.zeros(5124)}, *where)


def test_view_frames_are_right_handed_and_lateral_faces_outwards(data):
    for view in surface.VIEWS:
        for hemi in surface.HEMIS:
            e_x, up, d = surface.view_frame(view, hemi)
            assert np.allclose(np.cross(e_x, up), d)
    for hemi, sign in (("lh", -1), ("rh", 1)):
        assert surface.view_frame("lateral", hemi)[2][0] == sign


# ------------------------------------------------------------ cortex: interactive 3-D view

def test_view_source_map_is_light_plotly_json(data, src_vertices):
    values = data.truth.amplitude_map(data.fwd["src"], time=0.09) * 1e9
    k = int(np.argmax(values))
    view = mt.viz.view_source_map(values, src_vertices, data.subjects_dir, data.subject,
                                  threshold=0.01, label="|moment| (nAm)",
                                  markers={"true source": k})
    bundle = view._repr_mimebundle_()
    assert set(bundle) == {cortex3d.MIME_TYPE, "text/plain"}
    stored = json.dumps(bundle)
    assert "<script" not in stored and "function(" not in stored, "JavaScript in the notebook"
    assert view.nbytes <= 1_000_000, f"{view.nbytes / 1e6:.2f} MB per view"
    meshes = [t for t in view.figure["data"] if t["type"] == "mesh3d"]
    assert [len(m["vertexcolor"]) for m in meshes] == [len(v) for v in src_vertices]
    for mesh, vno in zip(meshes, src_vertices, strict=True):
        n_tris = len(np.frombuffer(base64.b64decode(mesh["i"]["bdata"]),
                                   dtype=mesh["i"]["dtype"]))
        assert n_tris == 2 * len(vno) - 4, "not a closed triangulation of the source space"
    names = [t.get("name") for t in view.figure["data"] if t["type"] == "scatter3d"]
    assert "true source" in names
    bar = next(t for t in view.figure["data"]
               if t["type"] == "scatter3d" and t["marker"].get("showscale"))
    assert bar["marker"]["cmax"] == pytest.approx(values.max())
    assert bar["marker"]["colorbar"]["title"]["text"] == "|moment| (nAm)"
    print(f"one 3-D view of {sum(map(len, src_vertices))} sources: {view.nbytes / 1e6:.2f} MB")


def test_view_colours_match_the_static_map(data, src_vertices, sensitivity):
    view = mt.viz.view_source_map(sensitivity, src_vertices, data.subjects_dir, data.subject,
                                  vmax=sensitivity.max() / 2, hemis=("lh",), label="fT/nAm")
    scale = colours.colour_scale(sensitivity, vmax=sensitivity.max() / 2)
    grey = surface.cortex_background(str(data.subjects_dir), data.subject, "lh")
    n_lh = len(src_vertices[0])
    rgb = colours.vertex_colours(sensitivity[:n_lh], scale, grey[src_vertices[0]])
    mesh = view.figure["data"][0]
    hex_colours = ["#{:02x}{:02x}{:02x}".format(*c) for c in np.round(255 * rgb).astype(int)]
    assert mesh["vertexcolor"] == hex_colours


def test_source_space_mesh_is_oriented_outwards(data, src_vertices):
    for h, hemi in enumerate(surface.HEMIS):
        rr, tris = cortex3d.source_space_mesh(src_vertices[h], data.subjects_dir,
                                              data.subject, hemi, surface="sphere")
        centred = rr - rr.mean(axis=0)
        a, b, c = (centred[tris[:, k]] for k in range(3))
        assert np.all(np.sum(np.cross(b - a, c - a) * (a + b + c), axis=1) > 0)


def test_website_gets_an_html_twin_instead_of_the_json():
    figure = {"data": [{"type": "mesh3d", "name": "</script><b>"}], "layout": {"height": 300}}
    notebook = {"cells": [{"cell_type": "code", "outputs": [
        {"output_type": "display_data",
         "data": {cortex3d.MIME_TYPE: figure, "text/plain": "CortexView(...)"}}]},
        {"cell_type": "markdown", "source": "text"}]}
    assert interactive.html_twins(notebook) == 1
    data = notebook["cells"][0]["outputs"][0]["data"]
    assert cortex3d.MIME_TYPE not in data
    html = data["text/html"]
    assert html.startswith('<div class="minnorm-plotly" style="width:100%;height:300px">')
    payload = re.search(r'<script type="application/json"[^>]*>(.*)</script>', html, re.S)
    assert "</script><b>" not in html and json.loads(payload.group(1)) == figure
    script, licence = interactive.plotly_js()
    assert script.stat().st_size > 1_000_000 and "MIT" in licence.read_text()


# --------------------------------------------------------------------------- sensors

def test_round_off_field_is_drawn_flat(data):
    """Chapter 01's case: a radial dipole in a sphere has no magnetic field outside it; the
    computed field is round-off (1e-29 T) and must not be drawn as contours."""
    info = data.info
    patch = data.truth.patches["auditory/left"][0]
    pos, r0 = patch.positions[0], data.sphere["r0"]
    e_radial = (pos - r0) / np.linalg.norm(pos - r0)
    e_tangential = np.cross(e_radial, [0.0, 0.0, 1.0])
    e_tangential /= np.linalg.norm(e_tangential)
    dipoles = mne.Dipole(times=[0.0, 0.001], pos=[pos, pos], amplitude=[50e-9, 50e-9],
                         ori=[e_radial, e_tangential], gof=[100.0, 100.0])
    fwd_two, _ = mne.make_forward_dipole(dipoles, data.sphere, info)
    b = fwd_two["sol"]["data"].astype(float) * 50e-9
    mags = mne.pick_types(info, meg="mag", exclude=[])
    eeg = mne.pick_types(info, meg=False, eeg=True, exclude=[])
    fig, axes = plt.subplots(2, 2, figsize=(7.5, 6.2), layout="constrained")
    for j, name in enumerate(("radial", "tangential")):
        mt.viz.plot_field(b[mags, j], info, "mag", ax=axes[0, j], title=f"{name}: magnetometers")
        mt.viz.plot_field(b[eeg, j], info, "eeg", ax=axes[1, j], title=f"{name}: EEG")
    texts = [[t.get_text() for t in ax.texts] for ax in axes.ravel()]
    assert texts[0] == ["0 (no field)"], "the radial magnetometer field is round-off"
    assert all("0 (no field)" not in t for t in texts[1:])
    labels = [a.get_ylabel() for a in fig.axes if a.get_label() == "<colorbar>"]
    assert labels == ["magnetic field (fT)", "potential (µV)"] * 2
    save(fig, "viz_field_radial_tangential.png")
    assert mt.viz.sensors.is_round_off(b[mags, 0], np.abs(b[mags, 1]).max())
    assert not mt.viz.sensors.is_round_off(b[mags, 1], np.abs(b[mags, 1]).max())


def test_plot_field_rejects_bad_input(data):
    with pytest.raises(ValueError, match=r"values has shape \(3,\) but info has 102 mag"):
        mt.viz.plot_field(np.ones(3), data.info, "mag")
    with pytest.raises(ValueError, match="ch_type must be 'mag', 'grad' or 'eeg', got 'meg'"):
        mt.viz.plot_field(np.ones(3), data.info, "meg")


def test_sensor_layout_legend_is_outside(data):
    rr = np.concatenate([s["rr"][s["vertno"]] for s in data.fwd["src"]])
    ax = mt.viz.plot_sensor_layout(data.info, rr)
    assert no_overlap(ax.get_legend(), ax)
    save(ax.figure, "viz_sensor_layout.png")


# ---------------------------------------------------------------------------- curves

def test_coinciding_spectra_stay_distinguishable(data):
    """Chapter 02's five spectra, two pairs of which coincide almost everywhere."""
    info, L = data.info, data.fwd["sol"]["data"]
    eeg = mne.pick_types(info, meg=False, eeg=True)
    meg = mne.pick_types(info, meg=True, eeg=False, exclude="bads")
    P_eeg = mt.linalg.projector(np.ones((1, len(eeg))))
    P_meg = mt.linalg.projector(mt.whitening.projection_vectors(info, meg))
    G = L @ L.T
    G_eeg, G_meg = G[np.ix_(eeg, eeg)], G[np.ix_(meg, meg)]
    grams = {"EEG": G_eeg, "EEG, average reference": P_eeg @ G_eeg @ P_eeg,
             "MEG (mag + grad)": G_meg, "MEG, SSP": P_meg @ G_meg @ P_meg, "MEG + EEG": G}
    fig, ax = plt.subplots(figsize=(7.5, 3.8), layout="constrained")
    for name, gram in grams.items():
        lam = np.linalg.eigvalsh(gram)[::-1]
        mt.viz.plot_spectrum(np.sqrt(np.clip(lam, 0, None)), ax=ax, label=name)
    ax.set_ylim(1e-12, 2)
    lines = ax.get_lines()
    styles = {(line.get_color(), str(line.get_linestyle()), line.get_marker()) for line in lines}
    assert len(styles) == 5, "two spectra share a style"
    assert lines[0].get_linewidth() > lines[1].get_linewidth(), "a later curve hides an earlier"
    assert [t.get_text() for t in ax.get_legend().get_texts()] == list(grams)
    assert no_overlap(ax.get_legend(), ax)
    save(fig, "viz_spectra.png")


def test_curve_legends_sit_outside_the_data():
    rng = np.random.default_rng(0)
    s = np.logspace(0, -4, 59)
    figs = {}
    ax = mt.viz.plot_filter_factors(s, [s**2 / (s**2 + l2) for l2 in (1e-2, 1 / 9, 1)],
                                    ["lambda2 = 0.01", "lambda2 = 1/9", "lambda2 = 1"])
    figs["viz_filter_factors.png"] = ax
    ax = mt.viz.plot_picard(s, {"signal": s * rng.standard_normal(59),
                                "noise": 1e-3 * rng.standard_normal(59)})
    figs["viz_picard.png"] = ax
    rho, eta = np.logspace(-1, 1, 50), np.logspace(1, -1, 50) ** 2
    ax = mt.viz.plot_l_curve(rho, eta, eps=np.logspace(-3, 2, 50), marks={"L-corner": 20,
                             "GCV": 30}, residual_units="µV", solution_units="nAm")
    figs["viz_l_curve.png"] = ax
    t = np.linspace(-0.05, 0.25, 61)
    ax = mt.viz.plot_time_courses(t, 40e-9 * np.exp(-((t - 0.1) / 0.02) ** 2),
                                  50e-9 * np.exp(-((t - 0.09) / 0.02) ** 2))
    figs["viz_time_courses.png"] = ax
    ax = mt.viz.plot_gap_history({"BCD": np.logspace(0, -9, 30), "FISTA": np.logspace(0, -6, 30),
                                  "ISTA": np.logspace(0, -4, 30)}, every=10, tol=1e-8)
    figs["viz_gap_history.png"] = ax
    ax = mt.viz.plot_penalty_majorant(1.0)
    figs["viz_penalty_majorant.png"] = ax
    for name, ax in figs.items():
        assert no_overlap(ax.get_legend(), ax), f"{name}: the legend covers the data"
        assert ax.xaxis.label.get_fontsize() >= style.FONT_SIZE
        assert ax.figure.get_size_inches()[0] <= style.FIGURE_WIDTH
        save(ax.figure, name)


def test_tf_map_labels_its_colour_bar():
    frame = SimpleNamespace(n_freq=9, n_step=16, wsize=16, tstep=4)
    Z = np.abs(np.random.default_rng(0).standard_normal(9 * 16))
    ax = mt.viz.plot_tf_map(Z, frame, 200.0, tmin=-0.05, label="|STFT| (nAm)")
    bar = next(a for a in ax.figure.axes if a.get_label() == "<colorbar>")
    assert bar.get_ylabel() == "|STFT| (nAm)"
    save(ax.figure, "viz_tf_map.png")


def test_metric_box_plots_are_readable():
    """Chapter 09's box plots: fonts of at least 10 pt in a figure at most 7.5 in wide."""
    rng = np.random.default_rng(0)
    metrics = {m: SimpleNamespace(function="psf", peak_err=rng.gamma(2, 0.005 * (i + 1), 500),
                                  sd_ext=rng.gamma(3, 0.006, 500), cog_err=None)
               for i, m in enumerate(("MNE", "dSPM", "sLORETA", "eLORETA"))}
    axes = mt.viz.plot_metric_distributions(metrics)
    fig = axes[0].figure
    assert fig.get_size_inches()[0] <= style.FIGURE_WIDTH
    for ax in axes:
        sizes = [t.get_fontsize() for t in ax.get_xticklabels() + ax.get_yticklabels()]
        assert min(sizes) >= style.FONT_SIZE
        assert ax.yaxis.label.get_fontsize() >= style.FONT_SIZE
    save(fig, "viz_metric_distributions.png")
