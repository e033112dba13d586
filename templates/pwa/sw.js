/* Leefbaar service worker: precached shell, fresh pages with an offline copy. */
const VERSION = "{{ version }}";
const SHELL_CACHE = `shell-${VERSION}`;
const PAGE_CACHE = "pages";
const PRECACHE = {{ precache | safe }};
const OFFLINE_URL = PRECACHE[0];
const NETWORK_WAIT_MS = 1500;

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(SHELL_CACHE).then((cache) => cache.addAll(PRECACHE)));
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    const names = await caches.keys();
    await Promise.all(names.filter((n) => n.startsWith("shell-") && n !== SHELL_CACHE).map((n) => caches.delete(n)));
    await self.clients.claim();
  })());
});

self.addEventListener("message", (event) => {
  if (event.data && event.data.type === "SKIP_WAITING") self.skipWaiting();
});

async function rememberPage(request, response, viewer) {
  // Pages belong to whoever was logged in: a different viewer empties the page cache first.
  const cache = await caches.open(PAGE_CACHE);
  const marker = await cache.match("/__viewer__");
  const previous = marker ? await marker.text() : null;
  if (previous !== viewer) {
    await caches.delete(PAGE_CACHE);
    const fresh = await caches.open(PAGE_CACHE);
    await fresh.put("/__viewer__", new Response(viewer));
    await fresh.put(request, response);
    return;
  }
  await cache.put(request, response);
}

async function fetchAndRemember(request) {
  const response = await fetch(request);
  if (response.ok && response.type === "basic" && !response.redirected) {
    const viewer = response.headers.get("X-Viewer") || "anonymous";
    await rememberPage(request, response.clone(), viewer);
  }
  return response;
}

async function handleNavigation(event) {
  // Stale-while-revalidate with a short race: a fresh page when the network answers quickly,
  // the saved copy (refreshed in the background) when it is slow, the offline page when never seen.
  const network = fetchAndRemember(event.request);
  event.waitUntil(network.catch(() => undefined));
  const cached = caches.open(PAGE_CACHE).then((cache) => cache.match(event.request, { ignoreVary: true }));
  const timeout = new Promise((resolve) => setTimeout(resolve, NETWORK_WAIT_MS, "timeout"));
  try {
    const winner = await Promise.race([network, timeout]);
    if (winner !== "timeout") return winner;
    return (await cached) || (await network);
  } catch (error) {
    return (await cached) || (await caches.match(OFFLINE_URL)) || Response.error();
  }
}

async function handleAsset(request) {
  const cached = await caches.match(request);
  if (cached) return cached;
  const response = await fetch(request);
  if (response.ok && new URL(request.url).searchParams.has("v")) {
    const cache = await caches.open(SHELL_CACHE);
    await cache.put(request, response.clone());
  }
  return response;
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  if (url.pathname.startsWith("/api/") || url.pathname.startsWith("/media/")) return;
  if (request.mode === "navigate") {
    event.respondWith(handleNavigation(event));
  } else if (url.pathname.startsWith("/static/")) {
    event.respondWith(handleAsset(request));
  }
});
