/* The cooperation network on the Kaltim map (own code over Leaflet from the django-leaflet package; no
   tile server: the background is the bundled kabupaten/kota boundaries). Nodes are regions (blue) and
   partners (orange), sized by their agreements; a line joins two parties that share agreements, as
   thick as how many. The same figures are in the tables under the map. */
(function () {
  "use strict";

  var REGION = "#0072b2";
  var PARTNER = "#e69f00";
  var OUTSIDE = "#6b7785";
  var LINK = "#0b4f6c";

  function escapeHtml(text) {
    var span = document.createElement("span");
    span.textContent = text == null ? "" : String(text);
    return span.innerHTML;
  }

  function start() {
    var element = document.getElementById("network-map");
    var source = document.getElementById("network-data");
    if (!element || !source || !window.L) {
      return;
    }
    var data = JSON.parse(source.textContent);
    var words = data.words || {};
    var map = L.map(element, { zoomSnap: 0.25, scrollWheelZoom: false });
    map.attributionControl.setPrefix("Leaflet");
    map.attributionControl.addAttribution(escapeHtml(element.getAttribute("data-attribution")));
    map.on("focus", function () {
      map.scrollWheelZoom.enable();
    });
    map.on("blur", function () {
      map.scrollWheelZoom.disable();
    });
    map.setView([0.5, 116.4], 6);

    var byId = {};
    data.nodes.forEach(function (node) {
      byId[node.id] = node;
    });
    var layers = { regions: L.layerGroup(), partners: L.layerGroup(), outside: L.layerGroup(), links: {} };
    var maxLink = data.links.reduce(function (top, link) {
      return Math.max(top, link.agreements);
    }, 1);
    var maxNode = data.nodes.reduce(function (top, node) {
      return Math.max(top, node.agreements);
    }, 1);

    function group(node) {
      if (node.kind === "partner") {
        return "partners";
      }
      return node.in_kaltim ? "regions" : "outside";
    }

    data.links.forEach(function (link) {
      var a = byId[link.source];
      var b = byId[link.target];
      if (!a || !b || a.lat == null || b.lat == null) {
        return;
      }
      // A link belongs to the most hidden of its two ends: outside Kaltim, then partners, then regions.
      var kinds = [group(a), group(b)];
      var key = kinds.indexOf("outside") >= 0 ? "outside" : kinds.indexOf("partners") >= 0 ? "partners" : "regions";
      layers.links[key] = layers.links[key] || L.layerGroup();
      L.polyline(
        [
          [a.lat, a.lon],
          [b.lat, b.lon],
        ],
        {
          color: LINK,
          opacity: 0.35 + 0.5 * (link.agreements / maxLink),
          weight: 1 + 7 * Math.sqrt(link.agreements / maxLink),
        }
      )
        .bindTooltip(escapeHtml(a.name) + " – " + escapeHtml(b.name) + ": " + link.agreements + " " + escapeHtml(words.agreements))
        .addTo(layers.links[key]);
    });

    data.nodes.forEach(function (node) {
      if (node.lat == null) {
        return;
      }
      var key = group(node);
      var colour = key === "partners" ? PARTNER : key === "outside" ? OUTSIDE : REGION;
      L.circleMarker([node.lat, node.lon], {
        // Area follows the number of agreements; the busiest node stays small enough to show its neighbours.
        radius: 4 + 14 * Math.sqrt(node.agreements / maxNode),
        color: "#ffffff",
        weight: 1.5,
        fillColor: colour,
        fillOpacity: 0.9,
      })
        .bindTooltip(
          "<strong>" +
            escapeHtml(node.name) +
            "</strong><br>" +
            node.agreements +
            " " +
            escapeHtml(words.agreements) +
            ", " +
            node.counterparts +
            " " +
            escapeHtml(words.counterparts)
        )
        .addTo(layers[key]);
    });

    function show(key, visible) {
      [layers[key], layers.links[key]].forEach(function (layer) {
        if (!layer) {
          return;
        }
        if (visible) {
          layer.addTo(map);
        } else {
          map.removeLayer(layer);
        }
      });
    }
    show("regions", true);
    var partners = document.getElementById("network-partners");
    var outside = document.getElementById("network-outside");
    show("partners", !partners || partners.checked);
    show("outside", outside && outside.checked);
    if (partners) {
      partners.addEventListener("change", function () {
        show("partners", partners.checked);
      });
    }
    if (outside) {
      outside.addEventListener("change", function () {
        show("outside", outside.checked);
        if (outside.checked) {
          var bounds = L.latLngBounds([]);
          data.nodes.forEach(function (node) {
            if (node.lat != null) {
              bounds.extend([node.lat, node.lon]);
            }
          });
          map.fitBounds(bounds, { padding: [20, 20] });
        }
      });
    }

    fetch(element.getAttribute("data-boundaries") + "?level=kabkota", { headers: { Accept: "application/geo+json" } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(response.status);
        }
        return response.json();
      })
      .then(function (boundaries) {
        var land = L.geoJSON(boundaries, {
          interactive: false,
          style: { color: "#6b7785", weight: 1.2, fillColor: "#fbfaf5", fillOpacity: 1 },
        }).addTo(map);
        land.bringToBack();
        map.fitBounds(land.getBounds(), { padding: [10, 10] });
        element.setAttribute("data-ready", "true");
      })
      .catch(function () {
        element.setAttribute("data-ready", "false");
      });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
