// The service worker of data entry (workspace/static/offline.js registers it). It keeps on the
// phone what the entry page needs: the stylesheet and scripts, and each entry page once opened.
// A page comes from here only when the network cannot be reached; online, the server answers as
// always. Rendered with the static files' hashed URLs: when one changes, so does this file, and
// the browser installs the new worker.
const ASSETS = {{ assets|tojson }};
const STATIC_CACHE = "workspace-static-{{ version }}";
const PAGES_CACHE = "workspace-pages";
const ENTRY_PAGE = /^\/(groups\/\d+|committees\/\d+\/own-indicators)\/periods\/[^/]+$/;

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(STATIC_CACHE).then((cache) => cache.addAll(ASSETS)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(caches.keys().then((names) => Promise.all(names
    .filter((name) => name.startsWith("workspace-static-") && name !== STATIC_CACHE)
    .map((name) => caches.delete(name)))).then(() => self.clients.claim()));
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) {
    return;
  }
  if (request.method === "POST" && url.pathname === "/logout") {
    // Someone else may use this phone next: the pages kept for offline use go.
    event.waitUntil(caches.delete(PAGES_CACHE));
    return;
  }
  if (request.method !== "GET") {
    return;
  }
  if (url.pathname.startsWith("/static/")) {
    event.respondWith(caches.match(request).then((kept) => kept || fetch(request)));
    return;
  }
  if (request.mode === "navigate" && ENTRY_PAGE.test(url.pathname)) {
    const key = url.pathname + url.search;
    event.respondWith(fetch(request).then((response) => {
      if (response.ok && !response.redirected) {
        const copy = response.clone();
        event.waitUntil(caches.open(PAGES_CACHE).then((cache) => cache.put(key, copy)));
      }
      return response;
    }).catch(() => caches.open(PAGES_CACHE)
      .then((cache) => cache.match(key))
      .then((kept) => kept || Response.error())));
  }
});
