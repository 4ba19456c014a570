/* The admin pages' only script: a click on the routing preview's map gives
   the point (inverse Web Mercator of the SVG's coordinates) and submits the
   form. Without it, the latitude/longitude inputs do the same. */
(function () {
  "use strict";
  var EARTH_M = 6378137.0;
  function pick(event) {
    var svg = event.currentTarget;
    var form = document.getElementById("preview-form");
    if (!form || !svg.getScreenCTM) { return; }
    var pt = svg.createSVGPoint();
    pt.x = event.clientX;
    pt.y = event.clientY;
    var p = pt.matrixTransform(svg.getScreenCTM().inverse());
    var lon = (p.x / EARTH_M) * 180 / Math.PI;
    var lat = (2 * Math.atan(Math.exp(-p.y / EARTH_M)) - Math.PI / 2) * 180 / Math.PI;
    form.elements.latitude.value = lat.toFixed(6);
    form.elements.longitude.value = lon.toFixed(6);
    form.submit();
  }
  document.addEventListener("DOMContentLoaded", function () {
    var maps = document.querySelectorAll("svg.pick-map");
    for (var i = 0; i < maps.length; i++) { maps[i].addEventListener("click", pick); }
  });
})();
