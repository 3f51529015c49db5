/* Interactive 3-D views of the course (minnorm_teach.viz.view_source_map) on the website.
 *
 * Each view is an empty div.minnorm-plotly followed by its figure as JSON
 * (script.minnorm-plotly-data), written by minnorm_teach.tooling.interactive. This script,
 * loaded after _static/plotly/plotly.min.js (served by the site itself), draws them all.
 */
(function () {
  "use strict";

  function draw(div) {
    const data = div.nextElementSibling;
    if (!data || !data.classList.contains("minnorm-plotly-data")) return;
    if (typeof window.Plotly === "undefined") {
      div.textContent = "The interactive view needs plotly.js (_static/plotly/plotly.min.js), " +
                        "which did not load.";
      return;
    }
    const figure = JSON.parse(data.textContent);
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
