// medmap's Leaflet layers, loaded in the map iframe after Leaflet (served from static/).
//
// The Python elements in medmap.leaflet render one call each into folium's script;
// everything they build lives here, so it can be read, linted and tested as JavaScript.
// Text from data is inserted with textContent, or arrives already escaped by the server.
(function () {
  "use strict";

  // The map fills its frame, whose height the page sets (layout.css: it follows the
  // window). Set before Leaflet measures the map, so nothing in it is laid out twice.
  function fillFrame() {
    var holder = document.getElementById("map_div");
    if (holder) {
      holder.style.height = "100vh";
    }
    return holder;
  }
  // Hidden until its shapes and first view are drawn (reveal): the iframe's styles and
  // sizes arrive in steps, and a visible map laid out at each step is a layout shift.
  var hiddenMap = fillFrame();
  function reveal() {
    if (hiddenMap) {
      hiddenMap.style.visibility = "";
      hiddenMap = null;
    }
  }
  if (hiddenMap) {
    hiddenMap.style.visibility = "hidden";
    setTimeout(reveal, 5000); // whatever happens, never hidden for long
  }

  // One map per iframe: what each part of the base map does when a new view arrives.
  var viewSetters = [];

  function onView(set) {
    viewSetters.push(set);
  }

  // Once the barrios and a view (colours, markers) are on screen, the map tells the page,
  // through the component's own value: that rerun draws the Plotly charts beside it, whose
  // 4.7 MB chunk would otherwise hold up this iframe's scripts (same main thread).
  var drawn = { shapes: false, view: false, reported: false };
  function reportDrawn() {
    if (drawn.reported || !drawn.shapes || !drawn.view) {
      return;
    }
    drawn.reported = true;
    reveal();
    // After the next frame, so that what is reported is what has been painted.
    requestAnimationFrame(function () {
      setTimeout(function () {
        document.documentElement.dataset.medmapDrawn = "1";
        window.parent.postMessage(
          {
            isStreamlitMessage: true,
            type: "streamlit:setComponentValue",
            value: { last_active_drawing: null, drawn: true },
            dataType: "json",
          },
          "*"
        );
      }, 0);
    });
  }

  // One view (sent on every rerun): area colours and labels, legend, focus, unplaced.
  function setView(state) {
    viewSetters.forEach(function (set) {
      set(state);
    });
    // Which view is drawn, for the browser tests and the benchmark to wait on.
    document.documentElement.dataset.medmapView = state.token;
    drawn.view = true;
    reportDrawn();
  }

  function line(label, value) {
    var row = document.createElement("div");
    var key = document.createElement("b");
    key.textContent = label + ": ";
    row.appendChild(key);
    row.appendChild(document.createTextNode(value));
    return row;
  }

  function fetchShapes(url) {
    // A published page hands its shapes over in a script (fetch fails under file://).
    var given = window.medmapShapes && window.medmapShapes[url];
    if (given) {
      return Promise.resolve(given);
    }
    return fetch(url).then(function (response) {
      if (!response.ok) {
        throw new Error(response.status);
      }
      return response.json();
    });
  }

  // A published page's shapes come with the page, each feature as JSON text: parsed and
  // added a few at a time, each batch for at most a few milliseconds, so that a phone stays
  // responsive while they are drawn (one task of ~0.5 s at phone speed otherwise). Live,
  // they arrive by fetch and are added at once, as before. ``toBack``: drawn last but
  // belonging underneath (Sevilla's highlight and the markers stay on top).
  var BATCH_MS = 4;
  function addShapes(layer, shapes, toBack) {
    var features = shapes.features || [];
    if (!window.medmapShapes) {
      layer.addData(shapes);
      if (toBack) {
        layer.bringToBack();
      }
      return Promise.resolve();
    }
    var added = [];
    function keep(event) {
      added.push(event.layer);
    }
    layer.on("layeradd", keep);
    return new Promise(function (resolve) {
      var next = 0;
      (function batch() {
        var until = performance.now() + BATCH_MS;
        do {
          var feature = features[next];
          layer.addData(typeof feature === "string" ? JSON.parse(feature) : feature);
          next += 1;
        } while (next < features.length && performance.now() < until);
        added.splice(0).forEach(function (part) {
          if (toBack) {
            part.bringToBack();
          }
        });
        if (next < features.length) {
          setTimeout(batch, 0);
        } else {
          layer.off("layeradd", keep);
          resolve();
        }
      })();
    });
  }

  // Shapes added to a layer once fetched; a failed fetch leaves the layer empty.
  function fillFrom(layer, url, what) {
    fetchShapes(url)
      .then(function (shapes) {
        return addShapes(layer, shapes, false);
      })
      .catch(function (err) {
        console.error("medmap: " + what, err);
      });
    return layer;
  }

  // The coloured areas of a view: barrios (clickable, with tooltips) or comunas (drawn
  // above, not interactive, so clicks still reach the barrios). A layer whose level is
  // not the view's draws only its lines.
  function areaStyle(level, view, text) {
    return function (feature) {
      var code = feature.properties.code;
      var chosen = level === "barrio" && view.selected.indexOf(code) >= 0;
      var lines = level === "barrio" ? { color: chosen ? text.chosen : "#7f7f7f", weight: chosen ? 2.5 : 0.6 } : { color: "#333", weight: 1.4 };
      if (view.level !== level) {
        lines.fillOpacity = 0;
        lines.fill = level === "barrio"; // a transparent fill still takes the clicks
        return lines;
      }
      var entry = view.values[code];
      lines.fill = true;
      lines.fillColor = entry ? entry[0] : text.noValue;
      lines.fillOpacity = text.fillOpacity;
      return lines;
    };
  }

  // ``current`` returns the view shown now (tooltips are built when they open).
  function barrioTooltip(current, text) {
    return function (part) {
      var view = current();
      var p = part.feature.properties;
      var entry = view.level === "comuna" ? view.values[p.comuna_code] : view.values[p.code];
      var box = document.createElement("div");
      box.appendChild(line(text.barrio, p.name));
      box.appendChild(line(text.comuna, p.comuna_name || ""));
      box.appendChild(line(view.metric, entry ? entry[1] : view.empty));
      return box;
    };
  }

  // Areas fetched once (browser-cached), restyled per view.
  function areaLayer(map, url, text, level) {
    var view = { values: {}, selected: [], metric: "", empty: "", level: "barrio" };
    var interactive = level === "barrio";
    var layer = L.geoJson(null, {
      interactive: interactive,
      style: function (feature) {
        return areaStyle(level, view, text)(feature);
      },
      onEachFeature: function (feature, part) {
        if (!interactive) {
          return;
        }
        part.bindTooltip(
          barrioTooltip(function () {
            return view;
          }, text),
          { sticky: true }
        );
        part.on("mouseover", function () {
          part.setStyle({ weight: 2, color: "#222" });
        });
        part.on("mouseout", function () {
          layer.resetStyle(part);
        });
      },
    }).addTo(map);
    onView(function (next) {
      view = next;
      layer.setStyle(areaStyle(level, view, text));
    });
    fetchShapes(url)
      .then(function (shapes) {
        return addShapes(layer, shapes, interactive);
      })
      .then(function () {
        // Leaflet 1.9 makes every path with a tooltip a Tab stop: 330 barrios would stand
        // between a keyboard user and the KPIs beside the map. The barrio filter and
        // "Map as a table" give the same by keyboard.
        layer.eachLayer(function (part) {
          var path = part.getElement && part.getElement();
          if (path) {
            path.setAttribute("tabindex", "-1");
          }
        });
        if (interactive) {
          drawn.shapes = true;
          reportDrawn();
        }
      })
      .catch(function (err) {
        console.error("medmap: " + level + " shapes", err);
        map.fire("medmap:shapesfailed");
        // The map is as drawn as it will be: the charts must not wait for it.
        if (interactive) {
          drawn.shapes = true;
          reportDrawn();
        }
      });
    return layer;
  }

  // A white box in a corner of the map; clicks and scrolls inside stay in it.
  function boxControl(map, position, className, maxWidth) {
    var control = L.control({ position: position });
    var box = L.DomUtil.create("div", className);
    box.style.cssText =
      "background:rgba(255,255,255,.95);padding:6px 8px;border-radius:4px;" +
      "max-width:" + maxWidth + "px;font:12px/1.4 sans-serif;box-shadow:0 1px 4px rgba(0,0,0,.3)";
    L.DomEvent.disableClickPropagation(box);
    L.DomEvent.disableScrollPropagation(box);
    control.onAdd = function () {
      return box;
    };
    control.addTo(map);
    return box;
  }

  // On a narrow map (a phone) a box starts as a small button, so the map stays in view;
  // a tap, Enter or Space opens it. ``label`` gives the button's text when it is drawn.
  var NARROW_MAP = 560;
  function collapsible(map, box, label) {
    var button = document.createElement("button");
    var body = document.createElement("div");
    var open = map.getSize().x >= NARROW_MAP;
    button.type = "button";
    button.className = "medmap-box-toggle";
    button.style.cssText =
      "display:block;font:bold 12px/1.4 sans-serif;color:#0b0c10;background:none;" +
      "border:0;padding:2px 0;cursor:pointer;text-align:left";
    function draw() {
      body.hidden = !open;
      button.setAttribute("aria-expanded", String(open));
      button.textContent = (open ? "\u25BE " : "\u25B8 ") + label();
    }
    button.addEventListener("click", function () {
      open = !open;
      draw();
    });
    box.appendChild(button);
    box.appendChild(body);
    draw();
    return {
      body: body,
      draw: draw,
      open: function () {
        open = true;
        draw();
      },
    };
  }

  // The legend (HTML built and escaped on the server), and the view's focus.
  function legendControl(map, text) {
    // Bottom right: clear of Sevilla and the centre on every screen size.
    var box = boxControl(map, "bottomright", "medmap-legend", 220);
    var part = collapsible(map, box, function () {
      return text.legend;
    });
    var lastFocus = null;
    onView(function (next) {
      part.body.innerHTML = next.legend;
      var focus = JSON.stringify(next.focus);
      if (focus !== lastFocus) {
        lastFocus = focus;
        map.fitBounds(next.focus);
      }
    });
    map.on("medmap:shapesfailed", function () {
      part.body.textContent = text.failed;
      part.open();
    });
    return box;
  }

  // Entities with no point on the map, reachable from it: one button per group
  // (in Medellín with no area, outside Medellín) opening the list of names.
  function unplacedControl(map, text) {
    var box = boxControl(map, "topleft", "medmap-unplaced", 250);
    var open = null;
    var last = { city: [], outside: [] };
    var part = collapsible(map, box, function () {
      return text.title + ": " + (last.city.length + last.outside.length);
    });
    function group(key, rows) {
      var section = document.createElement("div");
      var button = document.createElement("button");
      var list = document.createElement("ul");
      button.type = "button";
      button.className = "medmap-unplaced-toggle";
      button.dataset.group = key;
      button.textContent = text[key] + ": " + rows.length;
      button.setAttribute("aria-expanded", String(open === key));
      button.style.cssText =
        "display:block;width:100%;text-align:left;margin:2px 0;padding:3px 6px;cursor:pointer;" +
        "font:inherit;background:#fff;border:1px solid #777;border-radius:3px";
      list.id = "medmap-unplaced-" + key;
      list.hidden = open !== key;
      button.setAttribute("aria-controls", list.id);
      list.style.cssText = "margin:4px 0;padding-left:16px;max-height:180px;overflow:auto";
      rows.forEach(function (row) {
        var item = document.createElement("li");
        var name = document.createElement("b");
        name.textContent = row.name;
        item.appendChild(name);
        item.appendChild(document.createTextNode(" · " + row.sector + " · " + row.reason));
        list.appendChild(item);
      });
      button.addEventListener("click", function () {
        open = open === key ? null : key;
        render(last);
      });
      section.appendChild(button);
      section.appendChild(list);
      return section;
    }
    function render(unplaced) {
      last = unplaced;
      part.body.textContent = "";
      part.body.appendChild(group("city", unplaced.city));
      part.body.appendChild(group("outside", unplaced.outside));
      part.draw();
    }
    onView(function (next) {
      render(next.unplaced);
    });
    return box;
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
      if (m.name) {
        // Screen readers name each marker by its entity (plain text, set as an attribute).
        marker.on("add", function () {
          var element = marker.getElement();
          if (element) {
            element.setAttribute("aria-label", m.name);
            if (!m.icon) {
              element.setAttribute("role", "img");
            }
          }
        });
      }
      if (m.tooltip) {
        marker.bindTooltip(m.tooltip, { sticky: true });
      }
      if (m.popup) {
        marker.bindPopup(m.popup, { maxWidth: 340 });
      }
      target.addLayer(marker);
    });
  }

  // The map iframe's accessible name says what it shows (its title is the component's).
  function labelFrame(map, text) {
    // Leaflet's attribution in the iframe's 16 px root font took two lines over the scale.
    map.attributionControl.getContainer().style.fontSize = "11px";
    // Again, in case streamlit-folium sized the map after this script loaded.
    if (fillFrame()) {
      map.invalidateSize();
    }
    if (window.frameElement) {
      window.frameElement.setAttribute("aria-label", text.label);
    }
    map.getContainer().setAttribute("aria-label", text.label);
  }

  // Keyboard use of Leaflet's collapsed layer control: Enter or Space on its toggle opens
  // the list and moves focus into it (Leaflet hides the toggle it opens), Escape closes it
  // and gives focus back, and tabbing out of it closes it.
  function keyboardLayers(control, container) {
    var toggle = container.querySelector(".leaflet-control-layers-toggle");
    if (!toggle) {
      return;
    }
    toggle.addEventListener("keydown", function (event) {
      if (event.key === "Enter" || event.key === " ") {
        event.preventDefault();
        control.expand();
        var first = container.querySelector("input");
        if (first) {
          first.focus();
        }
      }
    });
    container.addEventListener("keydown", function (event) {
      if (event.key === "Escape") {
        control.collapse();
        toggle.focus();
      }
    });
    container.addEventListener("focusout", function (event) {
      if (!container.contains(event.relatedTarget)) {
        control.collapse();
      }
    });
  }

  // streamlit-folium adds a new layer control on every rerun: each one gets the keys above.
  var layersOnAdd = L.Control.Layers.prototype.onAdd;
  L.Control.Layers.include({
    onAdd: function (map) {
      var container = layersOnAdd.call(this, map);
      keyboardLayers(this, container);
      return container;
    },
  });

  // Controls first in the tab order: Leaflet puts them after the map pane, so a keyboard
  // user would tab through every marker before reaching the layers or the legend.
  function controlsFirst(map) {
    var root = map.getContainer();
    var controls = root.querySelector(".leaflet-control-container");
    if (controls) {
      root.insertBefore(controls, root.firstChild);
    }
  }

  // First call of every in-place update (issue #15): streamlit-folium removes the previous
  // view's layers from the map, but three things upstream kept every previous view alive.
  // - streamlit-folium 0.27 pushes each update's groups onto window.feature_group and never
  //   empties it (every old marker, tooltip and popup stays reachable);
  // - Leaflet 1.9.3's collapsed layer control adds a map "click" listener that its onRemove
  //   never takes off (each removed control, and the layers it lists, stays reachable);
  // - streamlit-component-lib 2.0 appends a theme style element for every render message.
  var THEME_STYLE = /^\s*:root\s*\{\s*--primary-color:/;
  function releasePreviousView() {
    var map = window.map;
    var control = window.layer_control;
    if (map && control && control.collapse) {
      map.off("click", control.collapse, control);
    }
    if (window.feature_group) {
      window.feature_group.length = 0;
    }
    var themes = Array.prototype.filter.call(document.head.getElementsByTagName("style"), function (s) {
      return THEME_STYLE.test(s.textContent);
    });
    themes.slice(0, -1).forEach(function (s) {
      s.remove();
    });
  }

  window.medmap = {
    releasePreviousView: releasePreviousView,
    labelFrame: labelFrame,
    controlsFirst: controlsFirst,
    areaLayer: areaLayer,
    legendControl: legendControl,
    unplacedControl: unplacedControl,
    setView: setView,
    stationsLayer: stationsLayer,
    addMarkers: addMarkers,
  };
})();
