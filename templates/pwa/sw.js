/* Leefbaar service worker: precached shell, fresh pages with an offline copy, the outbox. */
// The offline outbox (self.LeefbaarOutbox), shared with the pages; a classic script, because this
// worker is registered as one.
importScripts("{{ static_url('pwa/outbox.js') }}");

const VERSION = "{{ version }}";
const SHELL_CACHE = `shell-${VERSION}`;
const PAGE_CACHE = "pages";
const PRECACHE = {{ precache | safe }};
const OFFLINE_URL = PRECACHE[0];
const NETWORK_WAIT_MS = 6000;
// Pages with other people's personal data (staff lists) or account details are never stored.
const NEVER_STORED = ["/beheer", "/account"];

self.addEventListener("install", (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(SHELL_CACHE);
    // The offline page is fetched without cookies, so it holds nobody's token or links.
    const [offline, ...assets] = PRECACHE;
    const response = await fetch(new Request(offline, { credentials: "omit" }));
    await cache.put(offline, response);
    await cache.addAll(assets);
  })());
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    const names = await caches.keys();
    await Promise.all(names.filter((n) => n.startsWith("shell-") && n !== SHELL_CACHE).map((n) => caches.delete(n)));
    await self.clients.claim();
  })());
});

self.addEventListener("message", (event) => {
  if (!event.data) return;
  if (event.data.type === "SKIP_WAITING") self.skipWaiting();
  // Sent when someone logs in or out: saved pages belong to the previous person.
  if (event.data.type === "CLEAR_PAGES") event.waitUntil(caches.delete(PAGE_CACHE));
});

// Background Sync: send the reports waiting in the outbox once there is a connection, also
// when no page is open. A rejected promise makes the browser try again later (with back-off);
// on its last chance we give up quietly, and the pages send when they open or come online.
self.addEventListener("sync", (event) => {
  if (event.tag !== self.LeefbaarOutbox.SYNC_TAG) return;
  event.waitUntil(self.LeefbaarOutbox.send().then(({ retry }) => {
    if (retry && !event.lastChance) throw new Error("Outbox: not everything was sent, try again later");
  }));
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
  const path = new URL(request.url).pathname;
  const storable = !NEVER_STORED.some((prefix) => path.startsWith(prefix));
  if (storable && response.ok && response.type === "basic" && !response.redirected) {
    const viewer = response.headers.get("X-Viewer") || "anonymous";
    await rememberPage(request, response.clone(), viewer);
  }
  return response;
}

async function handleNavigation(event) {
  // Fresh from the network whenever it answers (so a save is never followed by an old page);
  // when it fails, or is still silent after a few seconds, the saved copy is shown while the
  // network keeps refreshing it in the background; the offline page when there is no copy.
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
  if (!navigator.onLine) {
    // A saved page may name an older version of a file; any version beats none offline.
    const older = await caches.match(request, { ignoreSearch: true });
    if (older) return older;
  }
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
