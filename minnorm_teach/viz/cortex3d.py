"""An interactive 3-D cortex a reader can turn: offline, in JupyterLab and on the website.

What a chapter calls, in the cell after the static figure (:func:`plot_source_map`, which the
book's print version and nbval use)::

    mt.viz.view_source_map(values, vertices, data.subjects_dir, data.subject,
                           label="dSPM (noise SD units)", threshold=3,
                           markers={"true source": k})

The result, a :class:`CortexView`, displays itself as plotly's JSON output
(``application/vnd.plotly.v1+json``): no JavaScript is stored in the notebook. JupyterLab draws
it with the plotly extension that ``pip install plotly`` installs; the website draws it with
the plotly.js that the site serves itself (``minnorm_teach.tooling.interactive``), loaded once
per page. The mesh is the source space's own (its vertices on the inflated surface,
triangulated on the sphere), so a view of the course's 5124 sources stores about 0.3 MB:
float32 positions and 16-bit triangle indices in base64, one colour per vertex.

Colours, limits, threshold and markers follow the static map's rules (:mod:`.colours`); the
cortex shows its folding (sulci dark) where no value is painted. Drag to turn, scroll to zoom.
"""

import base64
import json
from dataclasses import dataclass

import numpy as np
from scipy.spatial import ConvexHull

from .colours import colour_scale, vertex_colours
from .cortex import HEMI_NAMES, MARKER_STYLES, _check_values, _markers
from .surface import HEMIS, cortex_background, read_surface, view_frame

__all__ = ["MIME_TYPE", "CortexView", "view_source_map", "source_space_mesh"]

MIME_TYPE = "application/vnd.plotly.v1+json"
GAP_MM = 8.0            # between the two inflated hemispheres
EYE_DISTANCE = 1.8      # camera distance (scene units, perspective): the cortex fills the view
MARKER_LIFT_MM = 2.0    # markers sit this far above the surface, along its normal


@dataclass(frozen=True)
class CortexView:
    """A plotly figure (``figure``: data, layout, config) that displays itself as JSON."""

    figure: dict
    title: str

    @property
    def nbytes(self):
        """Size of the JSON stored in a notebook, in bytes."""
        return len(json.dumps(self.figure, separators=(",", ":")))

    def _repr_mimebundle_(self, include=None, exclude=None):
        return {MIME_TYPE: self.figure, "text/plain": repr(self)}

    def __repr__(self):
        meshes = [t for t in self.figure["data"] if t["type"] == "mesh3d"]
        return (f"CortexView({self.title!r}: interactive 3-D view, {len(meshes)} "
                f"hemisphere(s), {self.nbytes / 1e6:.2f} MB)")


def _bdata(array, dtype):
    """A typed array as plotly.js reads it: {"dtype", "bdata" (base64, little-endian)}."""
    raw = np.ascontiguousarray(array, dtype=np.dtype(dtype).newbyteorder("<")).tobytes()
    return {"dtype": np.dtype(dtype).str[1:], "bdata": base64.b64encode(raw).decode("ascii")}


def source_space_mesh(vertno, subjects_dir, subject, hemi, surface="inflated"):
    """(positions (n, 3) mm, triangles (m, 3)) of the source space ``vertno`` on ``surface``.

    The triangles are the convex hull of the sources on the sphere (every source lies on it),
    oriented outwards: the source space's own triangulation, whatever its spacing.
    """
    sphere, _ = read_surface(str(subjects_dir), subject, hemi, "sphere")
    on_sphere = sphere[vertno] - sphere[vertno].mean(axis=0)
    tris = ConvexHull(on_sphere).simplices
    a, b, c = (on_sphere[tris[:, k]] for k in range(3))
    inward = np.sum(np.cross(b - a, c - a) * (a + b + c), axis=1) < 0
    tris[inward] = tris[inward][:, ::-1]
    rr, _ = read_surface(str(subjects_dir), subject, hemi, surface)
    return rr[vertno], tris


def _colorscale(scale, n=11):
    cmap, t = scale.colormap(), np.linspace(0, 1, n)
    return [[float(x), "rgb({},{},{})".format(*(int(255 * c) for c in cmap(x)[:3]))] for x in t]


def _colorbar_trace(scale, label, anchor):
    """An invisible point that carries the colour bar (the meshes use vertex colours)."""
    low, high = scale.vmin, scale.vmax
    bar = {"title": {"text": label, "side": "top"}, "orientation": "h", "len": 0.6,
           "thickness": 14, "x": 0.5, "xanchor": "center", "y": 0.0, "yanchor": "top"}
    if scale.kind == "log":
        low, high = np.log10(low), np.log10(high)
        ticks = np.arange(np.floor(low), np.ceil(high) + 1)
        bar.update(tickvals=ticks.tolist(), ticktext=[f"{10 ** t:g}" for t in ticks])
        bar["title"]["text"] = f"{label}, log scale" if "log" not in label else label
    marker = {"size": 0.1, "color": [float(low)], "cmin": float(low), "cmax": float(high),
              "colorscale": _colorscale(scale), "showscale": True, "colorbar": bar,
              "opacity": 0}
    return {"type": "scatter3d", "mode": "markers", "x": [anchor[0]], "y": [anchor[1]],
            "z": [anchor[2]], "marker": marker, "hoverinfo": "skip", "showlegend": False}


def _hemi_trace(values, vno, scale, where, hemi, offset):
    subjects_dir, subject, surface = where
    rr, tris = source_space_mesh(vno, subjects_dir, subject, hemi, surface)
    rr = rr + [offset, 0, 0]
    normals = np.zeros_like(rr)
    face = np.cross(rr[tris[:, 1]] - rr[tris[:, 0]], rr[tris[:, 2]] - rr[tris[:, 0]])
    for k in range(3):
        np.add.at(normals, tris[:, k], face)
    normals /= np.maximum(np.linalg.norm(normals, axis=1, keepdims=True), 1e-12)
    grey = cortex_background(str(subjects_dir), subject, hemi)[vno]
    rgb = np.round(255 * vertex_colours(values, scale, grey)).astype(int)
    index = "u2" if len(rr) < 2 ** 16 else "u4"
    return rr + MARKER_LIFT_MM * normals, {"type": "mesh3d", "name": HEMI_NAMES[hemi],
                "x": _bdata(rr[:, 0], "f4"), "y": _bdata(rr[:, 1], "f4"),
                "z": _bdata(rr[:, 2], "f4"), "i": _bdata(tris[:, 0], index),
                "j": _bdata(tris[:, 1], index), "k": _bdata(tris[:, 2], index),
                "vertexcolor": ["#{:02x}{:02x}{:02x}".format(*c) for c in rgb],
                "hoverinfo": "skip",
                "lighting": {"ambient": 0.8, "diffuse": 0.35, "specular": 0.02,
                             "roughness": 0.9, "fresnel": 0.02},
                "showscale": False}


def _offsets(vertices, where, hemis):
    """x shift per hemisphere so that the two inflated hemispheres do not overlap."""
    if len(hemis) == 1:
        return {hemis[0]: 0.0}
    subjects_dir, subject, surface = where
    x = {h: read_surface(str(subjects_dir), subject, h, surface)[0][:, 0] for h in HEMIS}
    return {"lh": -x["lh"].max() - GAP_MM / 2, "rh": -x["rh"].min() + GAP_MM / 2}


def _camera(view, values, vertices, hemis):
    n_lh = len(vertices[0])
    strongest = "lh" if np.max(np.abs(values[:n_lh]), initial=0) >= \
        np.max(np.abs(values[n_lh:]), initial=0) else "rh"
    _, up, d = view_frame(view, strongest if strongest in hemis else hemis[0])
    return {"eye": dict(zip("xyz", (EYE_DISTANCE * d).tolist(), strict=True)),
            "up": dict(zip("xyz", up.tolist(), strict=True)), "projection": {"type": "perspective"}}


def view_source_map(values, vertices, subjects_dir, subject, *, hemis=HEMIS,
                    surface="inflated", view="lateral", vmin=None, vmax=None, threshold=None,
                    cmap=None, symmetric=None, log=False, label="", title="", markers=None,
                    height=460):
    """An interactive 3-D cortex with one value per source location (see the module doc).

    Arguments as :func:`plot_source_map` (``values`` left hemisphere first, ``vertices`` per
    hemisphere, colour limits honoured, ``label`` with units, ``markers`` {label: source
    index}); ``view`` is where the camera starts (lateral and medial: of the hemisphere with
    the largest |value|); ``height`` in pixels.
    """
    values = _check_values(values, vertices)
    marks = _markers(markers, len(values))
    scale = colour_scale(values, vmin=vmin, vmax=vmax, symmetric=symmetric, log=log,
                         cmap=cmap, threshold=threshold)
    where = (subjects_dir, subject, surface)
    offsets, n_lh, traces, extra = _offsets(vertices, where, hemis), len(vertices[0]), [], []
    for hemi in hemis:
        h = HEMIS.index(hemi)
        own = values[:n_lh] if h == 0 else values[n_lh:]
        lifted, trace = _hemi_trace(own, vertices[h], scale, where, hemi, offsets[hemi])
        traces.append(trace)
        for (name, k), style in zip(marks.items(), MARKER_STYLES * 4, strict=False):
            if (k >= n_lh) == (h == 1):
                x, y, z = lifted[k - n_lh * h]
                extra.append({"type": "scatter3d", "mode": "markers", "name": name,
                              "x": [float(x)], "y": [float(y)], "z": [float(z)],
                              "marker": {"size": 5, "color": style["color"],
                                         "line": {"color": "black", "width": 2}},
                              "hovertemplate": name + "<extra></extra>"})
    traces.append(_colorbar_trace(scale, label, [float(v) for v in lifted.mean(axis=0)]))
    hidden = {"visible": False, "showspikes": False}
    layout = {"height": int(height), "margin": {"l": 0, "r": 0, "b": 70, "t": 40 if title else 10},
              "title": {"text": title, "x": 0.02}, "showlegend": bool(marks),
              "legend": {"x": 0.0, "y": 0.98, "bgcolor": "rgba(255,255,255,0.7)"},
              "paper_bgcolor": "white", "dragmode": "turntable",
              "scene": {"xaxis": hidden, "yaxis": hidden, "zaxis": hidden,
                        "aspectmode": "data", "camera": _camera(view, values, vertices, hemis)}}
    config = {"displaylogo": False, "responsive": True,
              "modeBarButtonsToRemove": ["sendDataToCloud", "orbitRotation"]}
    figure = {"data": traces + extra, "layout": layout, "config": config}
    return CortexView(figure, title or label or "source map")
