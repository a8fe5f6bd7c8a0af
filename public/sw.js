// PMO Board's service worker: keeps the app shell, JS, WASM and CSS so that a page reload
// works while the server is unreachable. Boards themselves live in IndexedDB, not here.
//
// Every file is fetched when the worker installs, so that every page opens offline, even one
// never opened online.
//
// Strategy: network first, cache as fallback. Every successful GET of the app's own files is
// stored; when the network fails, the cached copy answers. Every page of the app is the same
// shell, so any navigation can be answered with the cached "/".
const CACHE = "pmo-board-shell-v1";
const SHELL = ["/", "/pkg/pmo-board.js", "/pkg/pmo-board.wasm", "/pkg/pmo-board.css", "/manifest.webmanifest", "/icon.svg"];
// The lazy pages' chunks and their loader, filled in by scripts/build-site.sh.
const CHUNKS = [];

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(CACHE).then((cache) => cache.addAll(SHELL.concat(CHUNKS))).then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((key) => key !== CACHE).map((key) => caches.delete(key))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  // The API and the sync socket are live data: never answered from the cache.
  if (request.method !== "GET" || url.origin !== self.location.origin ||
      url.pathname.startsWith("/api/") || url.pathname === "/sync") {
    return;
  }
  event.respondWith(
    fetch(request)
      .then((response) => {
        if (response.ok) {
          const copy = response.clone();
          caches.open(CACHE).then((cache) => cache.put(request, copy));
        }
        return response;
      })
      .catch(async () => {
        const cached = await caches.match(request);
        if (cached) return cached;
        if (request.mode === "navigate") {
          const shell = await caches.match("/");
          if (shell) return shell;
        }
        return Response.error();
      }),
  );
});
