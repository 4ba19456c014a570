/* Map: hovering or focusing an arrondissement shows its figures in a live
   region (the <title> tooltip alone is invisible to keyboard users). */
(function () {
  // A touch screen (nothing hovers) keeps its hint even if the media query is
  // later re-evaluated without touch (a full-page screenshot does that).
  if (window.matchMedia && window.matchMedia("(hover: none)").matches) {
    document.documentElement.classList.add("touch");
  }
  var info = document.getElementById("map-info");
  if (!info) { return; }
  var initial = info.innerHTML;  // the hints of both kinds of screen
  document.querySelectorAll("svg.paris-map a.district").forEach(function (link) {
    var show = function () { info.textContent = link.getAttribute("aria-label"); };
    link.addEventListener("mouseenter", show);
    link.addEventListener("focus", show);
    link.addEventListener("mouseleave", function () { info.innerHTML = initial; });
  });
})();
