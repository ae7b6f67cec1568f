// medmap's Leaflet layers, loaded in the map iframe after Leaflet (served from static/).
//
// The Python elements in medmap.leaflet render one call each into folium's script;
// everything they build lives here, so it can be read, linted and tested as JavaScript.
// Text from data is inserted with textContent, or arrives already escaped by the server.
(function () {
  "use strict";

  // One map per iframe: the view setters of the barrio layers built in this document.
  var viewSetters = [];

  function line(label, value) {
    var row = document.createElement("div");
    var key = document.createElement("b");
    key.textContent = label + ": ";
    row.appendChild(key);
    row.appendChild(document.createTextNode(value));
    return row;
  }

  function fetchShapes(url) {
    return fetch(url).then(function (response) {
      if (!response.ok) {
        throw new Error(response.status);
      }
      return response.json();
    });
  }

  // Barrio polygons fetched once (browser-cached), restyled per view by setView().
  function barrioLayer(map, url, text) {
    var view = { values: {}, selected: [], metric: "", empty: "", legend: "", focus: null };
    var lastFocus = null;
    function style(feature) {
      var entry = view.values[feature.properties.code];
      var chosen = view.selected.indexOf(feature.properties.code) >= 0;
      return {
        fillColor: entry ? entry[0] : text.noValue,
        fillOpacity: 0.65,
        color: chosen ? "#1f1f1f" : "#7f7f7f",
        weight: chosen ? 2.5 : 0.6,
      };
    }
    function tooltip(part) {
      var p = part.feature.properties;
      var entry = view.values[p.code];
      var box = document.createElement("div");
      box.appendChild(line(text.barrio, p.name));
      box.appendChild(line(text.comuna, p.comuna_name || ""));
      box.appendChild(line(view.metric, entry ? entry[1] : view.empty));
      return box;
    }
    var layer = L.geoJson(null, {
      style: style,
      onEachFeature: function (feature, part) {
        part.bindTooltip(tooltip, { sticky: true });
        part.on("mouseover", function () {
          part.setStyle({ weight: 2, color: "#222" });
        });
        part.on("mouseout", function () {
          layer.resetStyle(part);
        });
      },
    }).addTo(map);
    var legend = L.control({ position: "bottomright" });
    var legendBox = L.DomUtil.create("div", "medmap-legend");
    legendBox.style.cssText =
      "background:rgba(255,255,255,.92);padding:6px 8px;border-radius:4px;" +
      "font:12px/1.4 sans-serif;box-shadow:0 1px 4px rgba(0,0,0,.3)";
    legend.onAdd = function () {
      return legendBox;
    };
    legend.addTo(map);
    viewSetters.push(function (next) {
      view = next;
      layer.setStyle(style);
      legendBox.innerHTML = next.legend; // built and escaped on the server
      var focus = JSON.stringify(next.focus);
      if (focus !== lastFocus) {
        lastFocus = focus;
        map.fitBounds(next.focus);
      }
    });
    fetchShapes(url)
      .then(function (shapes) {
        layer.addData(shapes);
        // Drawn last but belongs underneath: Sevilla's highlight and the markers stay on top.
        layer.bringToBack();
      })
      .catch(function (err) {
        console.error("medmap: barrio shapes", err);
        legendBox.textContent = text.failed;
      });
    return layer;
  }

  // Shapes added to a layer once fetched; a failed fetch leaves the layer empty.
  function fillFrom(layer, url, what) {
    fetchShapes(url)
      .then(function (shapes) {
        layer.addData(shapes);
      })
      .catch(function (err) {
        console.error("medmap: " + what, err);
      });
    return layer;
  }

  // One view's barrio colours, labels, legend and focus (sent on every rerun).
  function setView(state) {
    viewSetters.forEach(function (set) {
      set(state);
    });
    // Which view is drawn, for the browser tests and the benchmark to wait on.
    document.documentElement.dataset.medmapView = state.token;
  }

  // Static outlines (the comunas), not interactive.
  function outlineLayer(map, url) {
    var layer = L.geoJson(null, {
      interactive: false,
      style: { fill: false, color: "#333", weight: 1.4 },
    }).addTo(map);
    return fillFrom(layer, url, "outlines");
  }

  // Metro stations; the layer control adds them when chosen.
  function stationsLayer(url) {
    var layer = L.geoJson(null, {
      pointToLayer: function (feature, latlng) {
        return L.circleMarker(latlng, { radius: 3, color: "#555", weight: 1, fillOpacity: 0.9 });
      },
      onEachFeature: function (feature, part) {
        part.bindTooltip(
          function () {
            var box = document.createElement("span");
            box.textContent = feature.properties.name + " · " + feature.properties.line;
            return box;
          },
          { sticky: true }
        );
      },
    });
    return fillFrom(layer, url, "stations");
  }

  // Markers from one JSON list (tooltip and popup HTML escaped on the server).
  function addMarkers(target, markers) {
    markers.forEach(function (m) {
      var marker = m.icon
        ? L.marker([m.lat, m.lon], {
            icon: L.divIcon({
              html: m.icon,
              className: "medmap-icon",
              iconSize: [14, 14],
              iconAnchor: [7, 7],
            }),
          })
        : L.circleMarker([m.lat, m.lon], m.style);
      if (m.tooltip) {
        marker.bindTooltip(m.tooltip, { sticky: true });
      }
      if (m.popup) {
        marker.bindPopup(m.popup, { maxWidth: 340 });
      }
      target.addLayer(marker);
    });
  }

  window.medmap = {
    barrioLayer: barrioLayer,
    setView: setView,
    outlineLayer: outlineLayer,
    stationsLayer: stationsLayer,
    addMarkers: addMarkers,
  };
})();
