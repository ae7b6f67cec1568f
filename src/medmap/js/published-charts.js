// The charts of a published view (medmap.publish): drawn with a partial plotly.js that is
// loaded only once the map has drawn and a chart is near the screen, so the map never
// waits for it and a phone that does not scroll to the charts (below the map) never pays
// for it.
(function () {
  "use strict";
  var script = document.currentScript;
  var boxes = Array.prototype.slice.call(document.querySelectorAll("[data-chart]"));
  if (!boxes.length) {
    return;
  }
  var loading = null;
  function plotly() {
    if (!loading) {
      loading = new Promise(function (resolve, reject) {
        var tag = document.createElement("script");
        tag.src = script.dataset.plotly;
        tag.onload = resolve;
        tag.onerror = reject;
        document.head.appendChild(tag);
      });
    }
    return loading;
  }

  function draw(box) {
    var figure = JSON.parse(document.getElementById("figure-" + box.dataset.chart).textContent);
    var layout = figure.layout || {};
    // As Streamlit's chart theme does live: long sector names widen the margin, not get cut.
    ["xaxis", "yaxis"].forEach(function (axis) {
      layout[axis] = layout[axis] || {};
      if (layout[axis].automargin === undefined) {
        layout[axis].automargin = true;
      }
    });
    return plotly().then(function () {
      box.textContent = "";
      return window.Plotly.newPlot(box, figure.data, layout, {
        displayModeBar: false, // as live (ui.chart_beside_map)
        responsive: true,
      });
    }).then(function () {
      box.dataset.drawn = "1"; // for the browser tests
    });
  }

  var mapDrawn = false;
  var near = [];
  function drawNear() {
    if (!mapDrawn) {
      return;
    }
    near.splice(0).forEach(draw);
  }

  // medmap-map.js reports "drawn" to its parent (the live page's component protocol).
  window.addEventListener("message", function (event) {
    var value = event.data && event.data.value;
    if (value && value.drawn === true) {
      mapDrawn = true;
      drawNear();
    }
  });
  // If the map never reports (its shapes failed), the charts still come.
  window.addEventListener("load", function () {
    setTimeout(function () {
      mapDrawn = true;
      drawNear();
    }, 3000);
  });

  var seen = new IntersectionObserver(
    function (entries) {
      entries.forEach(function (entry) {
        if (entry.isIntersecting) {
          seen.unobserve(entry.target);
          near.push(entry.target);
        }
      });
      drawNear();
    },
    { rootMargin: "0px" }
  );
  boxes.forEach(function (box) {
    seen.observe(box);
  });
})();
