// The offline outbox in a page: the "waiting to send" lists, the triggers that send (when the
// page opens and when the connection comes back) and emptying the outbox on logging out. The
// outbox itself (storage and sending, shared with the service worker) is outbox.js, which
// base.html loads just before this module.

const outbox = self.LeefbaarOutbox;

function fill(template, values) {
  return Object.entries(values).reduce((text, [key, value]) => text.replace(`{${key}}`, value), template || "");
}

function shorten(text, length = 120) {
  const flat = (text || "").replace(/\s+/g, " ").trim();
  return flat.length > length ? `${flat.slice(0, length - 1)}…` : flat;
}

function errorLines(errors) {
  if (!errors) return [];
  if (Array.isArray(errors)) return errors.map(String);
  if (typeof errors === "object") return Object.values(errors).flatMap(errorLines);
  return [String(errors)];
}

function renderItem(box, template, item, onDelete) {
  const entry = template.content.firstElementChild.cloneNode(true);
  entry.dataset.key = item.key;
  entry.dataset.status = item.status;
  entry.querySelector("[data-title]").textContent = item.title;
  const status = entry.querySelector("[data-status]");
  status.textContent = box.dataset[`text${item.status[0].toUpperCase()}${item.status.slice(1)}`] || item.status;
  status.classList.add(`outbox-${item.status}`);
  const when = entry.querySelector("[data-when]");
  when.dateTime = item.createdAt;
  when.textContent = new Date(item.createdAt).toLocaleString(document.documentElement.lang || undefined, {
    dateStyle: "medium",
    timeStyle: "short",
  });
  const photos = entry.querySelector("[data-photos]");
  photos.textContent = item.photos.length ? fill(box.dataset.textPhotos, { n: item.photos.length }) : "";
  entry.querySelector("[data-summary]").textContent = shorten(item.summary);
  const message = entry.querySelector("[data-message]");
  if (item.status === "failed") {
    message.textContent = [item.message, ...errorLines(item.errors)].filter(Boolean).join(" ");
    message.hidden = false;
  }
  entry.querySelector("[data-delete-what]").textContent = item.title;
  const button = entry.querySelector("[data-delete]");
  button.disabled = item.status === "sending"; // on its way: deleting would not stop it
  button.addEventListener("click", () => {
    if (window.confirm(box.dataset.textConfirm)) onDelete(item.key);
  });
  return entry;
}

function renderSent(box, template, result) {
  const entry = template.content.firstElementChild.cloneNode(true);
  entry.querySelector("[data-text]").textContent = fill(box.dataset.textSent, { title: result.title });
  entry.querySelector("[data-link]").href = result.url;
  return entry;
}

function setUpList(box, viewer) {
  const list = box.querySelector("[data-outbox-list]");
  const waiting = box.querySelector("[data-outbox-waiting]");
  const sentBox = box.querySelector("[data-outbox-sent]");
  const itemTemplate = box.querySelector("template[data-outbox-item]");
  const sentTemplate = box.querySelector("template[data-outbox-sent-item]");
  const live = box.querySelector("[data-outbox-live]");
  const sent = [];
  let drawing = Promise.resolve();

  async function draw() {
    const items = (await outbox.list()).filter((item) => item.viewer === viewer);
    list.replaceChildren(...items.map((item) => renderItem(box, itemTemplate, item, forget)));
    sentBox.replaceChildren(...sent.map((result) => renderSent(box, sentTemplate, result)));
    waiting.hidden = !items.length;
    box.hidden = !items.length && !sent.length;
  }

  const redraw = () => {
    drawing = drawing.then(draw, draw).catch((error) => console.warn("Outbox list", error));
    return drawing;
  };

  async function forget(key) {
    await outbox.remove(key);
    await redraw();
    // The button is gone: focus goes to the list's heading, or to the page when it is empty.
    const heading = box.querySelector("[data-outbox-title]");
    (waiting.hidden ? document.getElementById("main") : heading)?.focus();
  }
  outbox.onChange((message) => {
    if (message.type === "result" && message.outcome === "sent" && !sent.some((s) => s.key === message.key)) {
      sent.push(message);
      live.textContent = fill(box.dataset.textSent, { title: message.title });
    }
    redraw();
  });
  redraw();
}

// Logging out empties the outbox first: the next person on this phone must not send (or
// see) it. The forms are known by their address, which the server puts on <body>.
function hookLogout() {
  const paths = (document.body.dataset.logoutPaths || "").split(" ").filter(Boolean);
  if (!paths.length) return;
  document.addEventListener("submit", (event) => {
    const form = event.target;
    if (!(form instanceof HTMLFormElement) || form.dataset.outboxCleared) return;
    if (!paths.includes(new URL(form.action, location.href).pathname)) return;
    event.preventDefault();
    const submitter = event.submitter;
    const timeout = new Promise((resolve) => setTimeout(resolve, 3000)); // never block logout
    Promise.race([outbox.clear(), timeout]).catch(() => undefined).then(() => {
      form.dataset.outboxCleared = "true";
      if (form.requestSubmit) form.requestSubmit(submitter || null);
      else form.submit();
    });
  });
}

async function trigger(viewer) {
  if (!(await outbox.pending(viewer)).length) return null;
  // The worker sends when no page is open (Background Sync, where the browser has it). An open
  // page sends too: that also covers a worker from before the outbox, which has no "sync"
  // handler and stays until the resident accepts the update. The lock and the
  // Idempotency-Key keep the two from making two reports.
  outbox.requestSync();
  return outbox.send();
}

function setUpPage() {
  const viewer = document.body?.dataset.viewer;
  if (!outbox.supported() || !viewer) return;
  hookLogout();
  if (viewer === outbox.ANONYMOUS) return; // waiting items wait for their owner to log in again
  for (const box of document.querySelectorAll("[data-outbox]")) setUpList(box, viewer);
  const kick = () => trigger(viewer).catch((error) => console.warn("Outbox not sent", error));
  // Someone else logged in on this phone: their items go before anything is sent.
  outbox.forgetOthers(viewer).then(kick, (error) => console.warn("Outbox not available", error));
  window.addEventListener("online", kick);
}

if (outbox) setUpPage();
