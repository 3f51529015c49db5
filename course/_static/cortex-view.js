/* Interactive 3-D views of the course (minnorm_teach.viz.view_source_map) on the website.
 *
 * Each view is an empty div.minnorm-plotly followed by its figure as JSON
 * (script.minnorm-plotly-data), written by minnorm_teach.tooling.interactive. This script,
 * loaded after _static/plotly/plotly.min.js (served by the site itself), draws them all.
 */
(function () {
  "use strict";
  const WIDE = 0.9;   // width / height below which the camera moves back (a phone)

  function draw(div) {
    const data = div.nextElementSibling;
    if (!data || !data.classList.contains("minnorm-plotly-data")) return;
    if (typeof window.Plotly === "undefined") {
      div.textContent = "The interactive view needs plotly.js (_static/plotly/plotly.min.js), " +
                        "which did not load.";
      return;
    }
    const figure = JSON.parse(data.textContent);
    // A narrow screen (a phone): move the camera back so the whole cortex stays in view.
    const camera = ((figure.layout || {}).scene || {}).camera;
    const ratio = div.clientWidth / (figure.layout.height || 460);
    if (camera && camera.eye && ratio < WIDE) {
      for (const axis of ["x", "y", "z"]) camera.eye[axis] *= WIDE / ratio;
    }
    window.Plotly.newPlot(div, figure.data, figure.layout, figure.config)
      .then(() => div.setAttribute("data-rendered", "true"));
  }

  function drawAll() {
    document.querySelectorAll("div.minnorm-plotly").forEach(draw);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", drawAll);
  } else {
    drawAll();
  }
})();
