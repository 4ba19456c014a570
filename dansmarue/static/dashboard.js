/* Map: hovering or focusing an arrondissement shows its figures in a live
   region (the <title> tooltip alone is invisible to keyboard users). */
(function () {
  var info = document.getElementById("map-info");
  if (!info) { return; }
  var initial = info.textContent;
  document.querySelectorAll("svg.paris-map a.district").forEach(function (link) {
    var show = function () { info.textContent = link.getAttribute("aria-label"); };
    link.addEventListener("mouseenter", show);
    link.addEventListener("focus", show);
    link.addEventListener("mouseleave", function () { info.textContent = initial; });
  });
})();
