// The facilitator's console: live count of phones, the answers panel refreshed at most twice a
// second, and drag-and-drop of answers onto themes (the Moderate forms do the same without it).
const root = document.getElementById("console");
const processes = new Map();
let pending = null;
let lastRefresh = 0;

function csrf() {
  const input = document.querySelector("input[name=csrfmiddlewaretoken]");
  return input ? input.value : "";
}

async function refresh() {
  pending = null;
  lastRefresh = Date.now();
  if (document.querySelector("#panel details[open]")) {
    pending = setTimeout(refresh, 2000); // do not pull the form away from under the facilitator
    return;
  }
  let response;
  try {
    response = await fetch(root.dataset.panel, { credentials: "same-origin" });
  } catch {
    pending = setTimeout(refresh, 2000); // the network blinked: try again shortly
    return;
  }
  if (!response.ok) return;
  const doc = new DOMParser().parseFromString(await response.text(), "text/html");
  const fresh = doc.getElementById("panel");
  const old = document.getElementById("panel");
  if (fresh && old) {
    old.replaceWith(fresh);
    if (window.htmx) window.htmx.process(fresh);
  }
}

async function refreshAll() {
  let response;
  try {
    response = await fetch(window.location.href, { credentials: "same-origin" });
  } catch {
    setTimeout(refreshAll, 2000);
    return;
  }
  if (!response.ok) return;
  const doc = new DOMParser().parseFromString(await response.text(), "text/html");
  const fresh = doc.getElementById("console");
  if (!fresh) return;
  const connected = document.getElementById("connected").textContent;
  const open = [...root.querySelectorAll("details[open]")].length;
  if (open) {
    setTimeout(refreshAll, 2000); // do not pull a form away from under the facilitator
    return;
  }
  root.replaceChildren(...fresh.childNodes);
  if (processes.size) document.getElementById("connected").textContent = connected;
  if (window.htmx) window.htmx.process(root);
}

function schedule() {
  if (pending) return;
  pending = setTimeout(refresh, Math.max(0, 500 - (Date.now() - lastRefresh)));
}

const source = new EventSource(root.dataset.stream);
source.onmessage = (message) => {
  const event = JSON.parse(message.data);
  if (event.type === "presence") {
    processes.set(event.pid, event.count);
    let total = 0;
    for (const n of processes.values()) total += n;
    document.getElementById("connected").textContent = String(total);
    return;
  }
  if (event.type === "state") {
    refreshAll();
    return;
  }
  schedule();
};

// The run controls post in the background: the page never reloads (which would lose the
// count of connected phones); the state event that follows redraws the console.
root.addEventListener("submit", async (event) => {
  const form = event.target.closest("form[data-control]");
  if (!form) return;
  event.preventDefault();
  if (form.dataset.confirm && !window.confirm(form.dataset.confirm)) return;
  const body = new FormData(form);
  if (event.submitter && event.submitter.name) body.set(event.submitter.name, event.submitter.value);
  for (const button of form.querySelectorAll("button")) button.disabled = true;
  let response = null;
  try {
    response = await fetch(form.getAttribute("action"), {
      method: "POST",
      headers: { "X-CSRFToken": csrf(), "X-Requested-With": "fetch" },
      body,
      credentials: "same-origin",
    });
  } catch {
    response = null;
  }
  for (const button of form.querySelectorAll("button")) button.disabled = false;
  if (!response || !response.ok) {
    const box = document.getElementById("control-error");
    let message = box.dataset.fallback;
    if (response) {
      const doc = new DOMParser().parseFromString(await response.text(), "text/html");
      const found = doc.querySelector(".error-box p, [role=alert] p");
      if (found) message = found.textContent;
    }
    box.textContent = message;
    box.hidden = false;
    return;
  }
  refreshAll();
});

root.addEventListener("dragstart", (event) => {
  const item = event.target.closest(".contribution");
  if (item) event.dataTransfer.setData("text/plain", item.dataset.id);
});
root.addEventListener("dragover", (event) => {
  if (event.target.closest(".theme-drop")) event.preventDefault();
});
root.addEventListener("drop", async (event) => {
  const zone = event.target.closest(".theme-drop");
  if (!zone) return;
  event.preventDefault();
  const id = event.dataTransfer.getData("text/plain");
  const body = new URLSearchParams({ action: "theme", theme: zone.dataset.theme });
  await fetch(root.dataset.moderate.replace(/\/0\/$/, `/${id}/`), {
    method: "POST",
    headers: { "X-CSRFToken": csrf() },
    body,
    credentials: "same-origin",
  });
  refresh();
});

// A theme added: clear the field for the next one.
document.body.addEventListener("htmx:afterRequest", (event) => {
  const form = event.target.closest && event.target.closest("form[data-theme-form]");
  if (form && event.detail.successful) form.reset();
});
