/* Service-access maps (own code over Leaflet, served from the django-leaflet package; no tile server).
   The background is the bundled boundaries (kabupaten/kota and kecamatan of Kaltim) from
   data-boundaries; the figures come from a json_script element on the page. Two maps:
   - data-map="nearest": the resident's area, the origin, the nearest point they may use, the nearest
     point of their own region, lines between them with distance labels;
   - data-map="gaps": kecamatan shaded by the share of their desa with a gap, desa centres as circles
     sized by the kilometres an agreement would save, and the service points.
   Everything the maps show is also on the page as text. */
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  var COLOURS = {
    origin: "#1b1f24",
    nearest: "#0a4d8c",
    home: "#1e6b34",
    overall: "#a4161a",
    land: "#fbfaf5",
    border: "#6b7785",
    kecamatan: "#aab4bf",
    highlight: "#f2b705",
    point: "#1b1f24",
  };
  // Share of a kecamatan's desa with a gap: none, then four steps (light to dark orange).
  var GAP_STEPS = [0.25, 0.5, 0.75, 1.0];
  var GAP_FILLS = ["#fdebd3", "#f8c58b", "#ef9a48", "#d4661b"];
  var NO_GAP_FILL = "#f3f5f7";

  function escapeHtml(text) {
    var span = document.createElement("span");
    span.textContent = text == null ? "" : String(text);
    return span.innerHTML;
  }

  function readData(id) {
    var element = document.getElementById(id);
    return element ? JSON.parse(element.textContent) : null;
  }

  function baseMap(element) {
    var map = L.map(element, {
      zoomSnap: 0.25,
      scrollWheelZoom: false, // the page scrolls; zoom with the buttons, the keyboard or a double click
      attributionControl: true,
    });
    map.attributionControl.setPrefix("Leaflet");
    var attribution = element.getAttribute("data-attribution");
    if (attribution) {
      map.attributionControl.addAttribution(escapeHtml(attribution));
    }
    map.createPane("land").style.zIndex = 350;
    map.createPane("areas").style.zIndex = 360;
    map.createPane("highlight").style.zIndex = 370;
    map.createPane("borders").style.zIndex = 380;
    // Clicking the map gives it focus, so the arrow keys move it; wheel zoom only while it has focus.
    map.on("focus", function () {
      map.scrollWheelZoom.enable();
    });
    map.on("blur", function () {
      map.scrollWheelZoom.disable();
    });
    return map;
  }

  function loadBoundaries(element, level) {
    var url = element.getAttribute("data-boundaries") + "?level=" + level;
    return fetch(url, { headers: { Accept: "application/geo+json" } }).then(function (response) {
      if (!response.ok) {
        throw new Error(response.status);
      }
      return response.json();
    });
  }

  function drawKabkota(map, data, interactive) {
    // Land: the kabupaten/kota filled, under everything; their borders again on top, thicker.
    L.geoJSON(data, {
      pane: "land",
      interactive: false,
      style: { color: COLOURS.border, weight: 0, fillColor: COLOURS.land, fillOpacity: 1 },
    }).addTo(map);
    return L.geoJSON(data, {
      pane: "borders",
      interactive: !!interactive,
      style: { color: COLOURS.border, weight: 1.8, fill: false },
    }).addTo(map);
  }

  function pointMarker(latlng, colour, approximate, radius) {
    var group = L.featureGroup();
    if (approximate) {
      // A dashed ring: the location is an estimate (lokasi perkiraan).
      L.circleMarker(latlng, {
        radius: (radius || 8) + 6,
        color: colour,
        weight: 1.5,
        dashArray: "3 3",
        fill: false,
        interactive: false,
      }).addTo(group);
    }
    L.circleMarker(latlng, {
      radius: radius || 8,
      color: "#ffffff",
      weight: 2,
      fillColor: colour,
      fillOpacity: 1,
    }).addTo(group);
    return group;
  }

  // Layanan terdekat ---------------------------------------------------------------------------------

  function nearestMap(element) {
    var data = readData("access-map-data");
    if (!data) {
      return;
    }
    var words = data.words || {};
    var map = baseMap(element);
    var bounds = L.latLngBounds([]);
    var features = (data.points && data.points.features) || [];
    var origin = null;
    var roles = {};
    features.forEach(function (feature) {
      var c = feature.geometry.coordinates;
      var latlng = L.latLng(c[1], c[0]);
      (feature.properties.roles || []).forEach(function (role) {
        roles[role] = { latlng: latlng, properties: feature.properties };
      });
      if ((feature.properties.roles || []).indexOf("asal") >= 0) {
        origin = latlng;
      }
      bounds.extend(latlng);
    });

    if (data.highlight) {
      var area = L.geoJSON(data.highlight, {
        pane: "highlight",
        style: { color: "#8a6500", weight: 2, fillColor: COLOURS.highlight, fillOpacity: 0.45 },
      })
        .bindTooltip(escapeHtml(data.highlight.properties.name), { sticky: true })
        .addTo(map);
      bounds.extend(area.getBounds());
    }

    function line(target, colour, dash, label) {
      if (!origin || !target) {
        return;
      }
      L.polyline([origin, target.latlng], { color: colour, weight: 4, opacity: 0.9, dashArray: dash })
        .bindTooltip(escapeHtml(label), { permanent: true, direction: "center", className: "map-distance" })
        .addTo(map);
    }

    function mark(target, colour, title) {
      if (!target) {
        return;
      }
      var p = target.properties;
      var text = "<strong>" + escapeHtml(title) + "</strong><br>" + escapeHtml(p.name);
      if (p.distance_label) {
        text += "<br>" + escapeHtml(p.distance_label);
      }
      if (p.is_approximate) {
        text += "<br><em>" + escapeHtml(words.approximate) + "</em>";
      }
      pointMarker(target.latlng, colour, p.is_approximate)
        .bindTooltip(text, { direction: "top", offset: [0, -10] })
        .bindPopup(text)
        .addTo(map);
    }

    var nearest = roles.terdekat;
    var home = roles.wilayah_sendiri;
    var overall = roles.terdekat_semua;
    var sameHome = nearest && home && nearest.properties.id === home.properties.id;
    var showOverall = overall && !overall.properties.eligible && (!nearest || overall.properties.id !== nearest.properties.id);
    if (home && !sameHome) {
      line(home, COLOURS.home, "8 6", home.properties.distance_label);
    }
    if (showOverall) {
      line(overall, COLOURS.overall, "2 6", overall.properties.distance_label);
    }
    if (nearest) {
      line(nearest, COLOURS.nearest, null, nearest.properties.distance_label);
    }
    if (home && !sameHome) {
      mark(home, COLOURS.home, words.home);
    }
    if (showOverall) {
      mark(overall, COLOURS.overall, words.overall);
    }
    if (nearest) {
      mark(nearest, COLOURS.nearest, words.nearest);
    }
    if (origin) {
      pointMarker(origin, COLOURS.origin, false, 6)
        .bindTooltip(escapeHtml(words.origin) + ": " + escapeHtml(roles.asal.properties.name), { direction: "top" })
        .addTo(map);
    }
    if (bounds.isValid()) {
      map.fitBounds(bounds, { padding: [36, 36], maxZoom: 12 });
    } else {
      map.setView([0.5, 116.5], 7);
    }

    loadBoundaries(element, "kabkota")
      .then(function (kabkota) {
        drawKabkota(map, kabkota, false);
        return loadBoundaries(element, "kecamatan");
      })
      .then(function (kecamatan) {
        L.geoJSON(kecamatan, {
          pane: "areas",
          style: { color: COLOURS.kecamatan, weight: 0.8, fill: true, fillOpacity: 0 },
          onEachFeature: function (feature, layer) {
            layer.bindTooltip(escapeHtml(feature.properties.name + " \u2014 " + feature.properties.kabkota), {
              sticky: true,
            });
          },
        }).addTo(map);
      })
      .catch(function () {
        element.classList.add("access-map--no-boundaries");
      });
  }

  // Peta celah layanan -------------------------------------------------------------------------------

  function gapFill(share) {
    if (!share) {
      return NO_GAP_FILL;
    }
    for (var i = 0; i < GAP_STEPS.length; i++) {
      if (share <= GAP_STEPS[i]) {
        return GAP_FILLS[i];
      }
    }
    return GAP_FILLS[GAP_FILLS.length - 1];
  }

  function gapsMap(element) {
    var data = readData("gap-map-data");
    if (!data) {
      return;
    }
    var words = data.words || {};
    var map = baseMap(element);
    var within = element.getAttribute("data-within") || "64";
    map.setView([0.5, 116.5], 7);

    (data.points || []).forEach(function (point) {
      var text = "<strong>" + escapeHtml(point.name) + "</strong><br>" + escapeHtml(point.operator);
      if (point.approximate) {
        text += "<br><em>" + escapeHtml(words.approximate) + "</em>";
      }
      L.circleMarker([point.lat, point.lon], {
        radius: 4,
        color: "#ffffff",
        weight: 1.5,
        fillColor: COLOURS.point,
        fillOpacity: 1,
        dashArray: point.approximate ? "2 2" : null,
      })
        .bindTooltip(text, { direction: "top" })
        .addTo(map);
    });

    var desaBounds = L.latLngBounds([]);
    (data.desa || []).forEach(function (desa) {
      var unserved = desa.saved_km == null;
      var saved = unserved ? 0 : desa.saved_km;
      var text =
        "<strong>" + escapeHtml(desa.name) + "</strong>, " + escapeHtml(desa.kecamatan) +
        "<br>" + escapeHtml(words.nearest) + ": " + escapeHtml(desa.nearest) + " (" + escapeHtml(desa.nearest_label) + ")" +
        "<br>" + escapeHtml(words.candidate) + " #" + desa.rank + ": " + escapeHtml(desa.provider) +
        "<br>" + (unserved ? escapeHtml(words.unserved) : escapeHtml(desa.saved_label) + " " + escapeHtml(words.saved));
      L.circleMarker([desa.lat, desa.lon], {
        radius: unserved ? 7 : Math.min(10, 3 + Math.sqrt(saved) / 1.5),
        color: unserved ? "#5c0a0c" : "#7a1d0c",
        weight: 1,
        fillColor: unserved ? COLOURS.overall : "#c0392b",
        fillOpacity: 0.75,
      })
        .bindTooltip(text, { direction: "top" })
        .addTo(map);
      desaBounds.extend([desa.lat, desa.lon]);
    });

    var kecamatanFigures = data.kecamatan || {};
    loadBoundaries(element, "kabkota")
      .then(function (kabkota) {
        var borders = drawKabkota(map, kabkota, false);
        var focus = null;
        borders.eachLayer(function (layer) {
          if (layer.feature && layer.feature.properties.code === within) {
            focus = layer.getBounds();
          }
        });
        map.fitBounds(focus || borders.getBounds(), { padding: [12, 12] });
        return loadBoundaries(element, "kecamatan");
      })
      .then(function (kecamatan) {
        L.geoJSON(kecamatan, {
          pane: "areas",
          style: function (feature) {
            var figures = kecamatanFigures[feature.properties.code];
            var share = figures && figures.desa ? figures.gap / figures.desa : 0;
            return { color: COLOURS.kecamatan, weight: 0.8, fillColor: gapFill(share), fillOpacity: 0.85 };
          },
          onEachFeature: function (feature, layer) {
            var figures = kecamatanFigures[feature.properties.code];
            var text = "<strong>" + escapeHtml(feature.properties.name) + "</strong> \u2014 " +
              escapeHtml(feature.properties.kabkota);
            if (figures) {
              text += "<br>" + figures.gap + " " + escapeHtml(words.of) + " " + figures.desa + " " +
                escapeHtml(words.gap_desa);
              if (figures.saved_label) {
                text += "<br>" + escapeHtml(figures.saved_label) + " " + escapeHtml(words.saved);
              }
            }
            layer.bindTooltip(text, { sticky: true });
          },
        }).addTo(map);
      })
      .catch(function () {
        element.classList.add("access-map--no-boundaries");
        if (desaBounds.isValid()) {
          map.fitBounds(desaBounds, { padding: [20, 20] });
        }
      });
  }

  document.addEventListener("DOMContentLoaded", function () {
    if (typeof L === "undefined") {
      return;
    }
    document.querySelectorAll(".js-map[data-map]").forEach(function (element) {
      element.classList.add("access-map--ready");
      if (element.getAttribute("data-map") === "nearest") {
        nearestMap(element);
      } else if (element.getAttribute("data-map") === "gaps") {
        gapsMap(element);
      }
    });
  });
})();
