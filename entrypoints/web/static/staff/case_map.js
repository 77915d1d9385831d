/* The map of open cases (ADR 0048): Leaflet, served from our own origin, draws the markers the
   page embeds as JSON (#case-points); each marker opens a link to its case. Tiles come from the
   configured server (data-tiles; empty: none, the markers on a plain ground). Without this
   script the page is the list under the map. */
(function () {
  "use strict";
  var holder = document.getElementById("case-map");
  var data = document.getElementById("case-points");
  if (!holder || !data || typeof L === "undefined") { return; }
  var points = JSON.parse(data.textContent || "[]");
  holder.hidden = false;
  var map = L.map(holder, { zoomControl: true });
  var tiles = holder.getAttribute("data-tiles");
  if (tiles) {
    var text = holder.getAttribute("data-attribution") || "";
    var link = holder.getAttribute("data-attribution-url");
    var credit = document.createElement(link ? "a" : "span");
    credit.textContent = text;
    if (link) { credit.href = link; credit.target = "_blank"; credit.rel = "noopener"; }
    L.tileLayer(tiles, { maxZoom: 18, attribution: credit.outerHTML }).addTo(map);
  } else {
    var note = document.createElement("span");
    note.textContent = holder.getAttribute("data-no-tiles") || "";
    map.attributionControl.addAttribution(note.outerHTML);
  }
  var bounds = [];
  points.forEach(function (p) {
    var label = p.number + " " + p.title + "（" + p.status + "）";
    var marker = L.marker([p.lat, p.lon], { title: label, alt: label }).addTo(map);
    var anchor = document.createElement("a");
    anchor.href = p.url;
    anchor.textContent = label;
    marker.bindPopup(anchor);
    bounds.push([p.lat, p.lon]);
  });
  var centre = JSON.parse(holder.getAttribute("data-centre") || "null");
  if (centre) {
    map.setView(centre, 17);
  } else if (bounds.length) {
    map.fitBounds(bounds, { padding: [24, 24], maxZoom: 17 });
  } else {
    map.setView([36.2, 138.25], 5);  // Japan
  }
}());
