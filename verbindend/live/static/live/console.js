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
  root.replaceChildren(...fresh.childNodes);
  document.getElementById("connected").textContent = connected;
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
