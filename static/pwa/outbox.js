// The offline outbox: a report made without a connection waits in IndexedDB, photos and all,
// and is sent when the connection is back. The Idempotency-Key made when the resident pressed
// "send" goes with every attempt, so sending an item twice never makes two reports.
//
// One file for the pages and the service worker. The worker is registered as a classic script
// (module workers are missing in older browsers, and then the whole offline shell would be
// gone), and a classic worker can only importScripts() classic scripts. So this file has no
// import or export: it parses both as a classic script and as a module, and puts its API on
// self.LeefbaarOutbox. Pages load it with <script type="module"> before the modules using it;
// outbox-page.js adds the triggers, the logout hook and the "waiting to send" lists.
(() => {
  "use strict";

  const DB_NAME = "leefbaar-outbox";
  const DB_VERSION = 1;
  const STORE = "outbox";
  const LOCK = "leefbaar-outbox";
  const CHANNEL = "leefbaar-outbox";
  const SYNC_TAG = "outbox";
  const CSRF_URL = "/api/v1/auth/csrf";
  const REPORTS_URL = "/api/v1/reports";
  // Any HTML answer names its viewer (X-Viewer); /offline is the smallest page we have.
  const VIEWER_URL = "/offline";
  const MAX_SIDE = 2048;
  const JPEG_QUALITY = 0.85;
  // Without navigator.locks, an item marked "sending" longer than this was left behind by a
  // closed page: it may be sent again (the Idempotency-Key makes that safe).
  const SENDING_TIMEOUT_MS = 2 * 60 * 1000;
  // A request on a connection that hangs is given up (and tried again later), so that it does
  // not hold the lock for ever; an upload of five photos on a slow line gets more time.
  const ASK_TIMEOUT_MS = 15 * 1000;
  const UPLOAD_TIMEOUT_MS = 90 * 1000;
  const ANONYMOUS = "anonymous";

  // --- Storage -----------------------------------------------------------------------------

  let opening = null;

  function openDb() {
    opening ??= new Promise((resolve, reject) => {
      const request = indexedDB.open(DB_NAME, DB_VERSION);
      request.onupgradeneeded = () => {
        const db = request.result;
        if (!db.objectStoreNames.contains(STORE)) db.createObjectStore(STORE, { keyPath: "key" });
      };
      request.onsuccess = () => {
        const db = request.result;
        // A newer version elsewhere (another tab, an updated worker) must not wait for us.
        db.onversionchange = () => {
          db.close();
          opening = null;
        };
        db.onclose = () => { opening = null; };
        resolve(db);
      };
      request.onerror = () => {
        opening = null;
        reject(request.error);
      };
    });
    return opening;
  }

  // One transaction; body(store, out) makes requests with callbacks (no awaits inside, so the
  // transaction cannot close half-way); resolves with out.value once it has committed.
  async function transact(mode, body) {
    let db = await openDb();
    let tx;
    try {
      tx = db.transaction(STORE, mode);
    } catch {
      opening = null; // closed under us (a version change): open again, once
      db = await openDb();
      tx = db.transaction(STORE, mode);
    }
    const out = {};
    body(tx.objectStore(STORE), out);
    return new Promise((resolve, reject) => {
      tx.oncomplete = () => resolve(out.value);
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error || new DOMException("Transaction aborted", "AbortError"));
    });
  }

  async function list() {
    const items = await transact("readonly", (store, out) => {
      store.getAll().onsuccess = (event) => { out.value = event.target.result; };
    });
    return (items || []).sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  }

  // Change a stored item in one transaction: change(item) returns the new item, or null to
  // leave it. An item deleted meanwhile (by the resident, or by logging out) stays deleted.
  function update(key, change) {
    return transact("readwrite", (store, out) => {
      store.get(key).onsuccess = (event) => {
        const item = event.target.result;
        const next = item && change(item);
        if (next) {
          store.put(next);
          out.value = next;
        }
      };
    });
  }

  async function remove(key) {
    await transact("readwrite", (store) => store.delete(key));
    announce({ type: "removed", key });
  }

  async function clear() {
    await transact("readwrite", (store) => store.clear());
    announce({ type: "cleared" });
  }

  // Drop the items of anyone but this viewer: they are never sent with this person's session.
  async function forgetOthers(viewer) {
    const others = (await list()).filter((item) => item.viewer !== viewer);
    if (!others.length) return 0;
    await transact("readwrite", (store) => others.forEach((item) => store.delete(item.key)));
    announce({ type: "cleared" });
    return others.length;
  }

  // --- Telling the pages (and other tabs) what changed ----------------------------------------

  const listeners = new Set();
  const channel = typeof BroadcastChannel === "function" ? new BroadcastChannel(CHANNEL) : null;
  channel?.addEventListener("message", (event) => listeners.forEach((listen) => listen(event.data)));

  function announce(message) {
    listeners.forEach((listen) => listen(message));
    channel?.postMessage(message);
  }

  // Call listen(message) on every change, here and in other tabs; returns how to stop.
  function onChange(listen) {
    listeners.add(listen);
    return () => listeners.delete(listen);
  }

  // --- Adding an item ----------------------------------------------------------------------

  function supported() {
    return typeof indexedDB !== "undefined" && typeof FormData === "function" && Boolean(self.crypto);
  }

  function newKey() {
    if (typeof crypto.randomUUID === "function") return crypto.randomUUID();
    const bytes = crypto.getRandomValues(new Uint8Array(16));
    return [...bytes].map((byte) => byte.toString(16).padStart(2, "0")).join("");
  }

  // A photo no longer than MAX_SIDE on its longest side, as JPEG; the original when it is small
  // enough already, or when this browser cannot decode it (the server decides about it then).
  async function downscale(file) {
    if (!file.type.startsWith("image/") || typeof createImageBitmap !== "function") return file;
    let bitmap;
    try {
      bitmap = await createImageBitmap(file); // turned upright by its EXIF orientation
    } catch {
      return file;
    }
    try {
      const longest = Math.max(bitmap.width, bitmap.height);
      if (longest <= MAX_SIDE) return file;
      const scale = MAX_SIDE / longest;
      const width = Math.max(1, Math.round(bitmap.width * scale));
      const height = Math.max(1, Math.round(bitmap.height * scale));
      const canvas = typeof OffscreenCanvas === "function"
        ? new OffscreenCanvas(width, height)
        : Object.assign(document.createElement("canvas"), { width, height });
      const context = canvas.getContext("2d");
      context.imageSmoothingQuality = "high";
      context.drawImage(bitmap, 0, 0, width, height);
      const blob = canvas.convertToBlob
        ? await canvas.convertToBlob({ type: "image/jpeg", quality: JPEG_QUALITY })
        : await new Promise((resolve) => canvas.toBlob(resolve, "image/jpeg", JPEG_QUALITY));
      return blob?.size ? blob : file;
    } catch {
      return file;
    } finally {
      bitmap.close();
    }
  }

  function jpegName(name, index) {
    const base = (name || "").replace(/\.[^.]*$/, "") || `foto-${index + 1}`;
    return `${base}.jpg`;
  }

  // Store a report: fields as [name, value] pairs in the API's names, photos as File or Blob.
  // The key is made now, once: every later attempt sends the same one.
  async function add({ viewer, title, summary, fields, files = [] }) {
    const photos = [];
    for (const [index, file] of files.entries()) {
      const blob = await downscale(file);
      const name = blob === file ? file.name || `foto-${index + 1}` : jpegName(file.name, index);
      photos.push({ name, blob });
    }
    const item = {
      key: newKey(),
      viewer,
      createdAt: new Date().toISOString(),
      title,
      summary,
      fields,
      photos,
      status: "waiting",
      message: null,
      errors: null,
      sendingSince: null,
    };
    await transact("readwrite", (store) => store.put(item));
    announce({ type: "added", key: item.key });
    return item;
  }

  // --- Sending -----------------------------------------------------------------------------

  function timeout(ms) {
    return typeof AbortSignal.timeout === "function" ? AbortSignal.timeout(ms) : undefined;
  }

  async function currentViewer() {
    const response = await fetch(VIEWER_URL, {
      method: "HEAD", credentials: "same-origin", cache: "no-store", signal: timeout(ASK_TIMEOUT_MS),
    });
    return response.headers.get("X-Viewer") || ANONYMOUS;
  }

  async function csrfToken() {
    const response = await fetch(CSRF_URL, {
      credentials: "same-origin", cache: "no-store", signal: timeout(ASK_TIMEOUT_MS),
    });
    if (!response.ok) throw new Error(`csrf ${response.status}`);
    return (await response.json()).csrf_token;
  }

  function formBody(item) {
    const data = new FormData();
    for (const [name, value] of item.fields) data.append(name, value);
    for (const photo of item.photos) data.append("photos", photo.blob, photo.name);
    return data;
  }

  async function problemOf(response) {
    try {
      const problem = await response.json();
      return {
        message: problem.detail || problem.title || `${response.status}`,
        errors: problem.errors || null,
        code: String(problem.type || "").split("/").pop(),
      };
    } catch {
      return { message: `${response.status} ${response.statusText}`.trim(), errors: null, code: "" };
    }
  }

  // Send one claimed item. outcome: "sent" (removed from the outbox), "waiting" (try again
  // later) or "failed" (the server refused it; it stays, with the reason, until deleted).
  // stop: the other items would not fare better now; retry: worth another go soon.
  async function sendOne(item, token) {
    const result = { key: item.key, title: item.title };
    let response;
    try {
      response = await fetch(REPORTS_URL, {
        method: "POST",
        body: formBody(item),
        credentials: "same-origin",
        headers: { "X-CSRFToken": token, "Idempotency-Key": item.key, Accept: "application/json" },
        signal: timeout(UPLOAD_TIMEOUT_MS),
      });
      if (response.status === 201) {
        const report = await response.json();
        await transact("readwrite", (store) => store.delete(item.key));
        return { ...result, outcome: "sent", id: report.id, url: `/meldingen/${report.id}` };
      }
    } catch {
      // The connection went, or hung. The server may have the report all the same: the next
      // attempt, with the same key, then gets it back instead of making a second one.
      return { ...result, outcome: "waiting", stop: true, retry: true };
    }
    const problem = await problemOf(response);
    const status = response.status;
    if (status === 401 || problem.code === "csrf") {
      // Logged out, or the session changed under the token: the resident logs in again.
      return { ...result, outcome: "waiting", stop: true, loggedOut: status === 401 };
    }
    if (status >= 500 || status === 429) return { ...result, outcome: "waiting", stop: true, retry: true };
    if (status === 408 || status === 409) return { ...result, outcome: "waiting", retry: true };
    return { ...result, outcome: "failed", message: problem.message, errors: problem.errors };
  }

  function claim(key, locked) {
    const now = Date.now();
    return update(key, (item) => {
      // Under the lock nobody else is sending, so a "sending" item was left by a closed page.
      const stale = item.status === "sending"
        && (locked || now - (item.sendingSince || 0) > SENDING_TIMEOUT_MS);
      if (item.status !== "waiting" && !stale) return null;
      return { ...item, status: "sending", sendingSince: now, message: null, errors: null };
    });
  }

  function sendable(item) {
    return item.status === "waiting" || item.status === "sending";
  }

  async function sendAll(locked) {
    const done = { results: [], retry: false, loggedOut: false };
    if (!(await list()).some(sendable)) return done;
    let viewer;
    let token;
    try {
      viewer = await currentViewer();
      if (viewer === ANONYMOUS) return { ...done, loggedOut: true };
      token = await csrfToken();
    } catch {
      return { ...done, retry: true }; // offline, or the server is not answering
    }
    await forgetOthers(viewer);
    for (const { key } of await pending(viewer)) {
      const item = await claim(key, locked);
      if (!item) continue;
      announce({ type: "sending", key });
      const result = await sendOne(item, token);
      if (result.outcome !== "sent") {
        const { outcome: status, message = null, errors = null } = result;
        await update(key, (stored) => ({ ...stored, status, message, errors, sendingSince: null }));
      }
      done.results.push(result);
      announce({ type: "result", ...result });
      if (result.stop) break;
    }
    done.retry = done.results.some((result) => result.retry);
    done.loggedOut = done.results.some((result) => result.loggedOut);
    return done;
  }

  // One sender at a time in this origin (pages and worker) where Web Locks exist; otherwise one
  // at a time in this page or worker, and the "sending" claim keeps the others off an item.
  let queue = Promise.resolve();

  function send() {
    if (self.navigator?.locks?.request) return navigator.locks.request(LOCK, () => sendAll(true));
    const run = queue.then(() => sendAll(false));
    queue = run.catch(() => undefined);
    return run;
  }

  // Ask the service worker to send when there is a connection (Background Sync), also after the
  // page is gone; false where the browser has no Background Sync or there is no active worker.
  async function requestSync() {
    try {
      const registration = await navigator.serviceWorker?.getRegistration();
      if (!registration?.active || !registration.sync) return false;
      await registration.sync.register(SYNC_TAG);
      return true;
    } catch {
      return false;
    }
  }

  // The items of this viewer that wait to be sent (a "sending" one may have been left behind).
  async function pending(viewer) {
    return (await list()).filter((item) => item.viewer === viewer && sendable(item));
  }

  self.LeefbaarOutbox = {
    ANONYMOUS, SYNC_TAG, supported, add, list, pending, remove, clear, forgetOthers, downscale, send,
    requestSync, onChange,
  };
})();
