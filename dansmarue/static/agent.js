/* Agents' app: small progressive enhancements; every page works without it.
   - offline: service worker, actions kept in IndexedDB and replayed with
     Idempotency-Key and If-Match when the network returns;
   - photos resized in the browser (at most 1600 px) before upload;
   - geolocation for the distance sort and the route's start;
   - a draggable pin for requalification. */
(function () {
  "use strict";
  var body = document.body;
  var csrf = body.getAttribute("data-csrf");
  var DB = "dansmarue-agent", STORE = "pending";

  if ("serviceWorker" in navigator && body.getAttribute("data-sw")) {
    navigator.serviceWorker.register(body.getAttribute("data-sw"), { scope: "/agent" })
      .catch(function () { /* pages still work online */ });
  }

  function openDb() {
    return new Promise(function (resolve, reject) {
      var req = indexedDB.open(DB, 1);
      req.onupgradeneeded = function () { req.result.createObjectStore(STORE, { keyPath: "key" }); };
      req.onsuccess = function () { resolve(req.result); };
      req.onerror = function () { reject(req.error); };
    });
  }
  function tx(mode, work) {
    return openDb().then(function (db) {
      return new Promise(function (resolve, reject) {
        var t = db.transaction(STORE, mode), store = t.objectStore(STORE), out = work(store);
        t.oncomplete = function () { resolve(out && out.result !== undefined ? out.result : out); };
        t.onerror = function () { reject(t.error); };
      });
    });
  }
  /* In the order they were taken (the store's own order is the keys', random). */
  function pending() {
    return tx("readonly", function (s) { return s.getAll(); }).then(function (items) {
      return (items || []).sort(function (a, b) { return a.saved - b.saved; });
    });
  }

  var banner = document.getElementById("offline-banner");
  function showBanner() {
    if (!banner) { return Promise.resolve(); }
    return pending().then(function (items) {
      var n = items.length;
      if (!navigator.onLine) {
        banner.textContent = "Hors ligne — " + n + " action" + (n > 1 ? "s" : "") + " en attente";
        banner.hidden = false;
      } else if (n > 0) {
        var c = items.filter(function (i) { return i.conflict; }).length, w = n - c;
        banner.textContent = (w ? "Envoi de " + w + " action" + (w > 1 ? "s" : "") + " en attente… " : "") +
          (c ? c + " conflit" + (c > 1 ? "s" : "") + " à revoir." : "");
        banner.hidden = false;
      } else if (!banner.getAttribute("data-keep")) {
        banner.hidden = true;
      }
    });
  }
  function say(text) {
    if (!banner) { return; }
    banner.textContent = text;
    banner.hidden = false;
    banner.setAttribute("data-keep", "1");
  }

  /* Offline submit: keep the form's fields (photo included) for later. */
  document.querySelectorAll("form[data-offline]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (navigator.onLine) { return; }
      event.preventDefault();
      var fields = [];
      new FormData(form).forEach(function (value, name) { fields.push([name, value]); });
      var get = function (n) { var f = form.elements[n]; return f ? f.value : ""; };
      var item = { key: get("idempotency_key"), url: form.action, fields: fields,
                   version: get("version"), label: form.getAttribute("data-label"),
                   saved: Date.now() };
      tx("readwrite", function (s) { return s.put(item); }).then(showBanner).then(function () {
        var note = document.createElement("p");
        note.className = "notice";
        note.setAttribute("role", "status");
        note.textContent = "Action « " + item.label + " » enregistrée hors ligne : elle sera envoyée au retour du réseau.";
        form.parentNode.insertBefore(note, form);
        form.querySelector("button[type=submit]").disabled = true;
      });
    });
  });

  /* A replayed action met a 412: open the conflict page, the one a live 412
     shows (what changed, the agent's input kept, redo on the fresh state), by
     posting the kept fields as the form would have. The version they carry is
     stale, so the server can only answer with that page: nothing is applied. */
  function showConflict(item) {
    var form = document.createElement("form");
    form.method = "post";
    form.action = item.url;
    form.enctype = "multipart/form-data";
    form.hidden = true;
    item.fields.forEach(function (f) {
      var input = document.createElement("input");
      input.name = f[0];
      if (typeof f[1] === "string") {
        input.type = "hidden";
        input.value = f[0] === "csrf_token" ? csrf : f[1];
      } else {
        input.type = "file";
        if (f[1] && f[1].size) {
          var list = new DataTransfer();
          list.items.add(f[1]);
          input.files = list.files;
        }
      }
      form.appendChild(input);
    });
    document.body.appendChild(form);
    return tx("readwrite", function (s) { return s.delete(item.key); }).then(function () { form.submit(); });
  }

  var replaying = false, expired = false;
  function replay() {
    if (replaying || !navigator.onLine) { return; }
    replaying = true;
    expired = false;
    pending().then(function (items) {
      return items.reduce(function (chain, item) {
        return chain.then(function () { return item.conflict ? null : send(item); });
      }, Promise.resolve());
    }).catch(function () { /* network gone again: items stay */ }).then(function () {
      replaying = false;
      return pending();
    }).then(function (items) {
      var conflicts = (items || []).filter(function (i) { return i.conflict; });
      /* One conflict page at a time: the next opens once this one is dealt with. */
      if (conflicts.length && !document.getElementById("conflict")) { return showConflict(conflicts[0]); }
      if (expired) { return null; }  /* the message stays until the agent signs in */
      return showBanner();
    });
  }
  function send(item) {
    var data = new FormData();
    item.fields.forEach(function (f) { if (f[0] !== "csrf_token") { data.append(f[0], f[1]); } });
    return fetch(item.url, {
      method: "POST", body: data, credentials: "same-origin",
      headers: { "Idempotency-Key": item.key, "If-Match": '"' + item.version + '"',
                 "X-CSRF-Token": csrf, "Accept": "application/json" }
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (answer) {
        if (response.status >= 500) { throw new Error("retry later"); }
        if (response.status === 401 || response.redirected || (response.ok && !answer.ok)) {
          /* Session expired (or not an answer of the action): keep the action,
             it is sent again once the agent has signed in again. */
          expired = true;
          say("Session expirée : reconnectez-vous, vos actions en attente seront envoyées ensuite.");
          throw new Error("sign in first");
        }
        if (response.status === 412) {  /* kept, to be shown on the conflict page */
          item.conflict = true;
          say("Conflit : " + answer.detail + " Ouverture de la page du conflit…");
          return tx("readwrite", function (s) { return s.put(item); });
        }
        return tx("readwrite", function (s) { return s.delete(item.key); }).then(function () {
          if (response.ok) {
            say("Action « " + item.label + " » envoyée (" + answer.reference + ").");
          } else {
            say("Action « " + item.label + " » refusée : " + (answer.detail || response.status));
          }
        });
      });
    });
  }
  window.addEventListener("online", replay);
  window.addEventListener("offline", showBanner);
  showBanner().then(replay);

  /* Photo: shrink to at most 1600 px on the long side, as JPEG. */
  document.querySelectorAll("input[type=file][data-max-side]").forEach(function (input) {
    var status = document.getElementById("photo-status");
    input.addEventListener("change", function () {
      var file = input.files && input.files[0];
      if (!file || !window.createImageBitmap || input.getAttribute("data-resized") === file.name) { return; }
      var max = parseInt(input.getAttribute("data-max-side"), 10);
      createImageBitmap(file).then(function (bitmap) {
        var scale = Math.min(1, max / Math.max(bitmap.width, bitmap.height));
        var canvas = document.createElement("canvas");
        canvas.width = Math.round(bitmap.width * scale);
        canvas.height = Math.round(bitmap.height * scale);
        canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
        canvas.toBlob(function (blob) {
          var name = file.name.replace(/\.[^.]*$/, "") + ".jpg";
          var list = new DataTransfer();
          list.items.add(new File([blob], name, { type: "image/jpeg" }));
          input.setAttribute("data-resized", name);
          input.files = list.files;
          input.setAttribute("data-width", canvas.width);
          input.setAttribute("data-height", canvas.height);
          if (status) { status.textContent = "Photo prête : " + canvas.width + " × " + canvas.height + " px."; }
        }, "image/jpeg", 0.85);
      }).catch(function () { if (status) { status.textContent = "Photo envoyée telle quelle."; } });
    });
  });

  /* Geolocation: distance sort and route start. */
  function locate(latInput, lonInput, statusEl, then) {
    if (!navigator.geolocation) { return; }
    if (statusEl) { statusEl.textContent = "Recherche de votre position…"; }
    navigator.geolocation.getCurrentPosition(function (pos) {
      latInput.value = pos.coords.latitude.toFixed(6);
      lonInput.value = pos.coords.longitude.toFixed(6);
      if (statusEl) { statusEl.textContent = "Position trouvée."; }
      if (then) { then(); }
    }, function () { if (statusEl) { statusEl.textContent = "Position indisponible."; } });
  }
  var sort = document.getElementById("f-sort");
  if (sort) {
    sort.addEventListener("change", function () {
      if (sort.value === "distance") {
        locate(document.getElementById("f-lat"), document.getElementById("f-lon"),
               document.getElementById("geo-status"));
      }
    });
  }
  var here = document.getElementById("route-here");
  if (here && navigator.geolocation) {
    here.hidden = false;
    here.addEventListener("click", function () {
      locate(document.getElementById("r-lat"), document.getElementById("r-lon"), null,
             function () { document.getElementById("route-form").submit(); });
    });
  }
  var printButton = document.getElementById("print");
  if (printButton) { printButton.hidden = false; printButton.addEventListener("click", function () { window.print(); }); }

  /* Requalification pin: drag it; the inputs follow (inverse Web Mercator). */
  var pin = document.getElementById("pin");
  var lat = document.getElementById("p-lat"), lon = document.getElementById("p-lon");
  if (pin && lat && lon) {
    var svg = pin.ownerSVGElement, R = 6378137, dragging = false;
    var toLonLat = function (x, y) {
      return [x / R * 180 / Math.PI, (2 * Math.atan(Math.exp(-y / R)) - Math.PI / 2) * 180 / Math.PI];
    };
    var move = function (event) {
      var pt = svg.createSVGPoint();
      pt.x = event.clientX; pt.y = event.clientY;
      var p = pt.matrixTransform(svg.getScreenCTM().inverse());
      pin.setAttribute("cx", p.x); pin.setAttribute("cy", p.y);
      var ll = toLonLat(p.x, p.y);
      lon.value = ll[0].toFixed(6); lat.value = ll[1].toFixed(6);
    };
    svg.addEventListener("pointerdown", function (e) { dragging = true; svg.setPointerCapture(e.pointerId); move(e); });
    svg.addEventListener("pointermove", function (e) { if (dragging) { move(e); } });
    svg.addEventListener("pointerup", function () { dragging = false; });
  }
})();
