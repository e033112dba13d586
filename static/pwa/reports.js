// Enhancements of the report pages. Without JavaScript the form is one long page and the queue
// has a checkbox per report; this adds steps, photo previews, the "is it one of these?" check
// and "choose all" in the staff queue.

const MAX_PHOTOS = 5;
const PATIENCE_MS = 15000;

function fill(template, values) {
  return Object.entries(values).reduce((text, [key, value]) => text.replace(`{${key}}`, value), template || "");
}

function chosenCategory(form) {
  return form.querySelector('input[name="category"]:checked');
}

// --- Which parts fit the chosen category -------------------------------------------------------

function showCategoryParts(form) {
  const chosen = chosenCategory(form);
  const isPrivate = chosen?.dataset.private === "true";
  for (const part of form.querySelectorAll("[data-place]")) {
    part.hidden = part.dataset.place === "private" ? !isPrivate : isPrivate;
  }
  for (const group of form.querySelectorAll("[data-questions-for]")) {
    const mine = chosen && group.dataset.questionsFor === chosen.value;
    group.hidden = !mine;
    for (const control of group.querySelectorAll("input, select, textarea")) control.disabled = !mine;
  }
  for (const heading of form.querySelectorAll("[data-no-js]")) heading.hidden = true;
  const questionsStep = form.querySelector("[data-questions-step]");
  if (questionsStep) {
    const skip = !chosen || chosen.dataset.questions === "0";
    questionsStep.toggleAttribute("data-skip", skip);
    if (!form.classList.contains("stepped")) questionsStep.hidden = skip;
  }
}

// --- Steps -------------------------------------------------------------------------------------

function stepIsValid(form, step, report = true) {
  // report: say what is wrong; without it, only check (a step that is not on the screen).
  const controls = [...step.querySelectorAll("input, select, textarea")].filter((c) => !c.disabled);
  for (const control of controls) {
    if (!control.checkValidity()) {
      if (report) control.reportValidity();
      return false;
    }
  }
  const place = step.querySelector('[data-place="public"]');
  const chosen = chosenCategory(form);
  if (place && chosen && chosen.dataset.private !== "true") {
    const hasPoint = form.querySelector('[name="lat"]').value && form.querySelector('[name="lon"]').value;
    const hasBuilding = form.querySelector('[name="complex"]').value;
    const message = step.querySelector("[data-locate-status]");
    if (!hasPoint && !hasBuilding) {
      if (report) {
        message.textContent = form.dataset.textPlace;
        message.classList.add("error");
      }
      return false;
    }
    if (report) message.classList.remove("error");
  }
  return true;
}

function setUpSteps(form) {
  const steps = [...form.querySelectorAll("[data-step]")];
  const nav = form.querySelector("[data-step-nav]");
  const progress = form.querySelector("[data-step-progress]");
  const submit = form.querySelector("[data-submit]");
  if (!steps.length || !nav || form.hasAttribute("data-has-errors")) return;
  const back = Object.assign(document.createElement("button"), {
    type: "button", className: "button secondary", textContent: form.dataset.textBack,
  });
  const next = Object.assign(document.createElement("button"), {
    type: "button", className: "button", textContent: form.dataset.textNext,
  });
  back.dataset.back = "";
  next.dataset.next = "";
  nav.prepend(back, next);
  form.classList.add("stepped");
  progress.hidden = false;
  let current = 0;

  const active = () => steps.filter((step) => !step.hasAttribute("data-skip"));

  function show(index, focus) {
    const list = active();
    current = Math.max(0, Math.min(index, list.length - 1));
    for (const step of steps) step.hidden = step !== list[current];
    back.hidden = current === 0;
    next.hidden = current === list.length - 1;
    submit.hidden = current !== list.length - 1;
    progress.textContent = fill(form.dataset.textStep, { n: current + 1, total: list.length });
    if (focus) list[current].focus();
  }

  next.addEventListener("click", () => {
    if (stepIsValid(form, active()[current])) show(current + 1, true);
  });
  back.addEventListener("click", () => show(current - 1, true));
  // Sent by the outbox's check before sending: show the step with something to fix.
  form.addEventListener("report:show-step", (event) => show(active().indexOf(event.detail), true));
  form.addEventListener("change", (event) => {
    if (event.target.name === "category") show(current, false);
  });
  show(0, false);
}

// --- Photos ------------------------------------------------------------------------------------

function setUpPhotos(form) {
  const inputs = [...form.querySelectorAll('input[type="file"][name="photos"]')];
  const preview = form.querySelector("[data-photo-preview]");
  const count = form.querySelector("[data-photo-count]");
  if (!inputs.length || !preview) return;
  let urls = [];
  function update() {
    urls.forEach((url) => URL.revokeObjectURL(url));
    urls = [];
    preview.replaceChildren();
    const files = inputs.flatMap((input) => [...input.files]);
    for (const file of files.filter((f) => f.type.startsWith("image/"))) {
      const url = URL.createObjectURL(file);
      urls.push(url);
      const item = document.createElement("li");
      const image = Object.assign(document.createElement("img"), { src: url, alt: "" });
      item.append(image);
      preview.append(item);
    }
    const tooMany = files.length > MAX_PHOTOS;
    count.textContent = files.length
      ? fill(tooMany ? form.dataset.textTooMany : form.dataset.textPhotos, { n: files.length })
      : "";
    count.classList.toggle("error", tooMany);
  }
  inputs.forEach((input) => input.addEventListener("change", update));
}

// --- "Is it one of these?" ---------------------------------------------------------------------

async function follow(form, button, id) {
  const token = form.querySelector('input[name="csrf_token"]').value;
  button.disabled = true;
  try {
    const response = await fetch(`/api/v1/reports/${id}/follow`, {
      method: "PUT",
      headers: { "X-CSRFToken": token },
      credentials: "same-origin",
    });
    if (!response.ok) throw new Error(String(response.status));
    button.hidden = true;
    const done = button.parentElement.querySelector("[data-followed]");
    done.hidden = false;
  } catch {
    button.disabled = false;
    button.parentElement.querySelector(".meta[data-description]").textContent = form.dataset.textFollowFailed;
  }
}

function nearbyItem(form, template, report) {
  const item = template.content.firstElementChild.cloneNode(true);
  const link = item.querySelector("[data-link]");
  link.href = `/meldingen/${report.id}`;
  link.textContent = `${report.category.name} · ${report.status_label}`;
  item.querySelector("[data-distance]").textContent = fill(form.dataset.textDistance, { m: report.distance_m });
  const text = report.description.length > 120 ? `${report.description.slice(0, 117)}…` : report.description;
  item.querySelector("[data-description]").textContent = text;
  const button = item.querySelector("[data-follow]");
  button.addEventListener("click", () => follow(form, button, report.id));
  return item;
}

function setUpNearby(form) {
  const box = form.querySelector("[data-nearby]");
  const list = form.querySelector("[data-nearby-list]");
  const template = document.getElementById("nearby-item");
  const status = form.querySelector("[data-nearby-status]");
  if (!box || !list || !template) return;
  let asked = 0;
  async function check() {
    const chosen = chosenCategory(form);
    const lat = form.querySelector('[name="lat"]').value;
    const lon = form.querySelector('[name="lon"]').value;
    if (!chosen || chosen.dataset.private === "true" || !lat || !lon) {
      box.hidden = true;
      return;
    }
    const question = ++asked;
    const query = new URLSearchParams({ lat, lon, category: chosen.value });
    try {
      const response = await fetch(`${form.dataset.nearbyUrl}?${query}`, { credentials: "same-origin" });
      if (!response.ok || question !== asked) return;
      const { items } = await response.json();
      list.replaceChildren(...items.map((report) => nearbyItem(form, template, report)));
      box.hidden = items.length === 0;
      status.textContent = items.length ? box.querySelector("h2").textContent : "";
    } catch {
      box.hidden = true;
    }
  }
  form.addEventListener("report:place", check);
  form.addEventListener("change", (event) => {
    if (["category", "lat", "lon"].includes(event.target.name)) check();
  });
}

// --- Sending through the offline outbox (static/pwa/outbox.js) --------------------------------

// The report as the API takes it: answers to the chosen category's questions become
// attribute[code] (attribute[code][] for a question with several choices) and a decimal comma
// a point. Empty fields and the page's CSRF token stay out: a fresh token is fetched to send.
function apiFields(form) {
  const prefix = `answer-${chosenCategory(form)?.value}-`;
  const fields = [];
  for (const [name, value] of new FormData(form)) {
    if (typeof value !== "string" || name === "csrf_token" || !value.trim()) continue;
    if (name.startsWith("answer-")) {
      if (!name.startsWith(prefix)) continue;
      const several = form.querySelector(`[name="${CSS.escape(name)}"]`)?.type === "checkbox";
      fields.push([`attribute[${name.slice(prefix.length)}]${several ? "[]" : ""}`, value]);
    } else {
      fields.push([name, name === "lat" || name === "lon" ? value.trim().replace(",", ".") : value]);
    }
  }
  return fields;
}

function photoFiles(form) {
  const inputs = form.querySelectorAll('input[type="file"][name="photos"]');
  return [...inputs].flatMap((input) => [...input.files]).filter((file) => file.size);
}

function categoryName(form) {
  return chosenCategory(form)?.closest("label")?.querySelector(".category-name")?.textContent.trim() || "";
}

function allStepsValid(form) {
  // The ordinary post lets the server judge; a report that waits offline had better be right.
  const steps = [...form.querySelectorAll("[data-step]")].filter((step) => !step.hasAttribute("data-skip"));
  const wrong = steps.find((step) => !stepIsValid(form, step, false));
  if (!wrong) return true;
  form.dispatchEvent(new CustomEvent("report:show-step", { detail: wrong }));
  stepIsValid(form, wrong);
  return false;
}

// A label for a field the server named in a refusal; the field's name when there is none.
function fieldLabel(form, name) {
  const control = form.querySelector(`[name="${CSS.escape(name)}"]`);
  const choice = control && ["radio", "checkbox"].includes(control.type);
  const label = choice ? control.closest("fieldset")?.querySelector("legend") : control?.labels?.[0];
  if (!label) return name;
  const copy = label.cloneNode(true);
  copy.querySelectorAll(".step-number").forEach((number) => number.remove());
  return copy.textContent.trim();
}

function refusalLines(form, errors) {
  const prefix = `answer-${chosenCategory(form)?.value}-`;
  const lines = [];
  for (const [name, messages] of Object.entries(errors || {})) {
    if (name === "attributes" && messages && !Array.isArray(messages)) {
      for (const [code, answers] of Object.entries(messages)) {
        [answers].flat().forEach((text) => lines.push(`${fieldLabel(form, prefix + code)}: ${text}`));
      }
    } else {
      [messages].flat().forEach((text) => lines.push(`${fieldLabel(form, name)}: ${text}`));
    }
  }
  return lines;
}

function showNotice(notice) {
  for (const other of document.querySelectorAll("[data-outbox-queued], [data-outbox-log-in], [data-outbox-refused]")) {
    other.hidden = other !== notice;
  }
  if (!notice) return;
  notice.hidden = false;
  notice.focus();
}

async function sendThroughOutbox(form) {
  const outbox = self.LeefbaarOutbox;
  if (form.dataset.busy || !allStepsValid(form)) return;
  const submit = form.querySelector("[data-submit]");
  const label = submit.textContent;
  form.dataset.busy = "true";
  submit.disabled = true;
  submit.textContent = form.dataset.textSending;
  showNotice(null);
  // A report the server refused is replaced by the one now corrected on the form.
  if (form.dataset.refusedKey) outbox.remove(form.dataset.refusedKey).catch(() => undefined);
  delete form.dataset.refusedKey;
  let item;
  try {
    item = await outbox.add({
      viewer: document.body.dataset.viewer,
      title: categoryName(form),
      summary: form.querySelector('[name="description"]')?.value || "",
      fields: apiFields(form),
      files: photoFiles(form),
    });
  } catch (error) {
    // No room in IndexedDB after all (private browsing, a full disk): post the form as usual.
    console.warn("Outbox not available", error);
    form.submit();
    return;
  }
  // Another sender (the worker) may get there first: its result arrives as a message.
  let outcome = null;
  const stopListening = outbox.onChange((message) => {
    if (message.type === "result" && message.key === item.key) outcome = message;
  });
  const sending = outbox.send().catch((error) => {
    console.warn("Outbox not sent", error);
    return { results: [], loggedOut: false };
  });
  sending.finally(stopListening);
  // On a connection that hardly works, say after a while that the report waits: the sending
  // goes on, and the "waiting to send" list shows when it is done.
  const patience = new Promise((resolve) => setTimeout(resolve, PATIENCE_MS, { results: [], loggedOut: false }));
  const run = await Promise.race([sending, patience]);
  outcome = run.results.find((result) => result.key === item.key) || outcome;
  if (outcome?.outcome === "sent") {
    window.location.assign(outcome.url);
    return;
  }
  delete form.dataset.busy;
  submit.disabled = false;
  submit.textContent = label;
  if (outcome?.outcome === "failed") {
    // The server is the judge: say why, and keep the form to put it right.
    form.dataset.refusedKey = item.key;
    const notice = document.querySelector("[data-outbox-refused]");
    notice.querySelector("[data-outbox-message]").textContent = outcome.message;
    const lines = refusalLines(form, outcome.errors).map((text) => Object.assign(document.createElement("li"), { textContent: text }));
    notice.querySelector("[data-outbox-errors]").replaceChildren(...lines);
    showNotice(notice);
    return;
  }
  // Offline, or the server is not answering: the report waits, and goes when it can.
  outbox.requestSync();
  form.hidden = true;
  showNotice(document.querySelector(run.loggedOut ? "[data-outbox-log-in]" : "[data-outbox-queued]"));
}

function outboxReady() {
  const viewer = document.body.dataset.viewer;
  return Boolean(self.LeefbaarOutbox?.supported() && viewer && viewer !== self.LeefbaarOutbox.ANONYMOUS);
}

// --- The form as a whole -----------------------------------------------------------------------

function setUpReportForm(form) {
  showCategoryParts(form);
  form.addEventListener("change", (event) => {
    if (event.target.name === "category") showCategoryParts(form);
  });
  setUpSteps(form);
  setUpPhotos(form);
  setUpNearby(form);
  form.addEventListener("submit", (event) => {
    // With IndexedDB the report goes through the offline outbox (it waits there when offline);
    // without it, or without JavaScript, the form posts as it always did.
    if (outboxReady()) {
      event.preventDefault();
      sendThroughOutbox(form);
      return;
    }
    const submit = form.querySelector("[data-submit]");
    // Let this submit go through, then stop a second tap from sending the report twice.
    setTimeout(() => {
      submit.disabled = true;
      submit.textContent = form.dataset.textSending;
    });
  });
  document.getElementById("error-summary")?.focus();
}

// --- The staff queue: choose all -----------------------------------------------------------------

function setUpQueue(all) {
  const form = all.closest("form");
  const boxes = [...form.querySelectorAll('input[name="reports"]')];
  const label = form.querySelector("[data-select-all-label]");
  const count = form.querySelector("[data-chosen-count]");
  label.hidden = false;
  function update() {
    const chosen = boxes.filter((box) => box.checked).length;
    all.checked = chosen === boxes.length;
    all.indeterminate = chosen > 0 && chosen < boxes.length;
    count.textContent = chosen ? `${chosen} / ${boxes.length}` : "";
    boxes.forEach((box) => box.closest("li")?.classList.toggle("chosen", box.checked));
  }
  all.addEventListener("change", () => {
    boxes.forEach((box) => { box.checked = all.checked; });
    update();
  });
  boxes.forEach((box) => box.addEventListener("change", update));
  update();
}

const reportForm = document.querySelector("[data-report-form]");
if (reportForm) setUpReportForm(reportForm);
const selectAll = document.querySelector("[data-select-all]");
if (selectAll) setUpQueue(selectAll);
