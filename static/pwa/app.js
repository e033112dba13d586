// Progressive enhancement for every page: service worker, update prompt, offline notice.

const banner = document.getElementById("update-banner");
const offlineBanner = document.getElementById("offline-banner");

function showUpdate(worker) {
  if (!banner) return;
  banner.hidden = false;
  document.getElementById("update-button").addEventListener("click", () => {
    worker.postMessage({ type: "SKIP_WAITING" });
  }, { once: true });
}

async function registerWorker() {
  if (!("serviceWorker" in navigator)) return;
  const registration = await navigator.serviceWorker.register("/sw.js", { scope: "/" });
  if (registration.waiting && navigator.serviceWorker.controller) showUpdate(registration.waiting);
  registration.addEventListener("updatefound", () => {
    const installing = registration.installing;
    installing.addEventListener("statechange", () => {
      if (installing.state === "installed" && navigator.serviceWorker.controller) showUpdate(installing);
    });
  });
  let reloading = false;
  navigator.serviceWorker.addEventListener("controllerchange", () => {
    if (reloading || !banner || banner.hidden) return;
    reloading = true;
    window.location.reload();
  });
}

function trackConnection() {
  if (!offlineBanner) return;
  const update = () => { offlineBanner.hidden = navigator.onLine; };
  window.addEventListener("online", update);
  window.addEventListener("offline", update);
  update();
}

function clearPagesOnSessionChange() {
  // Login and logout forms carry data-session-change: saved pages must not outlive the person.
  document.addEventListener("submit", (event) => {
    const form = event.target;
    if (form.dataset && "sessionChange" in form.dataset && navigator.serviceWorker?.controller) {
      navigator.serviceWorker.controller.postMessage({ type: "CLEAR_PAGES" });
    }
  });
}

trackConnection();
clearPagesOnSessionChange();
registerWorker().catch((error) => console.warn("Service worker not registered", error));
