/* Service worker of /agent: the last queue, reports and route sheet stay readable
   offline (network first, then the copy kept here). Actions are not cached: the
   page script keeps them in IndexedDB and replays them. */
var CACHE = "dansmarue-agent-v1";

self.addEventListener("install", function () { self.skipWaiting(); });
self.addEventListener("activate", function (event) { event.waitUntil(self.clients.claim()); });

self.addEventListener("fetch", function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) { return; }
  if (!/^\/(agent|static|media)\b/.test(url.pathname) || url.pathname.indexOf("/agent/login") === 0) { return; }
  event.respondWith(fetch(request).then(function (response) {
    if (response.ok && !response.redirected) {
      var copy = response.clone();
      caches.open(CACHE).then(function (cache) { cache.put(request, copy); });
    }
    return response;
  }).catch(function () {
    return caches.match(request).then(function (hit) {
      return hit || new Response("<!doctype html><html lang=\"fr\"><title>Hors ligne</title><h1>Hors ligne</h1>" +
        "<p>Cette page n'a pas encore été consultée avec le réseau.</p></html>",
        { status: 503, headers: { "Content-Type": "text/html; charset=utf-8" } });
    });
  }));
});
