// The participant's phone: follows the session's state over SSE and sends answers through an
// offline queue (localStorage) that retries until the server acknowledges them.
const root = document.getElementById("phone");
const status = document.getElementById("status");
const QUEUE_KEY = `vblive:${root.dataset.session}:queue`;
let flushing = false;
let refreshAfter = false;
let delay = 1000;

function uuid4() {
  // crypto.randomUUID needs a secure context; getRandomValues works on a plain LAN address too.
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

function queue() {
  try {
    return JSON.parse(localStorage.getItem(QUEUE_KEY) || "[]");
  } catch {
    return [];
  }
}

function saveQueue(items) {
  localStorage.setItem(QUEUE_KEY, JSON.stringify(items));
}

function say(text, kind = "") {
  status.textContent = text;
  status.className = `phone-status ${kind}`;
}

// The status texts come translated from the page.
const T = status.dataset;

async function flush() {
  if (flushing) return;
  flushing = true;
  try {
    let items = queue();
    while (items.length) {
      const item = items[0];
      let response;
      try {
        response = await fetch(root.dataset.submit, {
          method: "POST",
          headers: { "Content-Type": "application/json" },
          credentials: "same-origin",
          body: JSON.stringify(item),
        });
      } catch {
        response = null;
      }
      if (response && response.ok) {
        items = queue().filter((x) => x.client_id !== item.client_id);
        saveQueue(items);
        delay = 1000;
        say(T.saved, "ok");
        if (!items.length && refreshAfter) {
          refreshAfter = false;
          refreshStep(); // the list of questions and one's own votes
        }
        continue;
      }
      if (response && response.status >= 400 && response.status < 500 && response.status !== 408 && response.status !== 429) {
        // Refused for good (too long, closed, …): tell the person, drop it from the queue.
        let message = "";
        try {
          message = (await response.json()).message;
        } catch {
          message = String(response.status);
        }
        items = queue().filter((x) => x.client_id !== item.client_id);
        saveQueue(items);
        say(message, "error");
        if (response.status === 409) refreshStep(); // the question moved on: show the current one
        continue;
      }
      say(T.waiting, "warn");
      await new Promise((r) => setTimeout(r, delay));
      delay = Math.min(delay * 2, 15000);
      items = queue();
    }
  } finally {
    flushing = false;
  }
}

// What to send is read from the form's fields, never from a list of step kinds: written items
// (data-item), ranks, a scale point, chosen options or dots, an upvote, or plain text.
function collect(form, submitter) {
  const step = Number(form.elements.step.value);
  const base = { client_id: uuid4(), step };
  if (submitter && submitter.name === "up") return [{ ...base, value: { up: Number(submitter.value) } }];
  const items = [...form.querySelectorAll("[data-item]")];
  if (items.length) {
    return items
      .filter((t) => t.value.trim())
      .map((t) => {
        const key = t.name.slice(5);
        const value = t.dataset.item === "slot" ? { slot: Number(key.slice(4)) } : { item: key };
        return { client_id: uuid4(), step, text: t.value, value };
      });
  }
  const ranks = [...form.querySelectorAll("select[data-rank]")];
  if (ranks.length) {
    const order = ranks
      .map((s) => [Number(s.value), Number(s.name.slice(5))])
      .sort((a, b) => a[0] - b[0])
      .map((x) => x[1]);
    return [{ ...base, value: { order } }];
  }
  const data = new FormData(form);
  if (form.querySelector("[name=scale]")) {
    const v = data.get("scale");
    return v === null ? [] : [{ ...base, value: { scale: v === "unknown" ? v : Number(v) } }];
  }
  for (const name of ["choices", "dots"]) {
    if (form.querySelector(`[name=${name}]`)) {
      const picked = data.getAll(name).map(Number);
      return picked.length ? [{ ...base, value: { [name]: picked } }] : [];
    }
  }
  const text = data.get("text") || "";
  return text.trim() ? [{ ...base, text, shared: data.get("shared") === "1" }] : [];
}

root.addEventListener("submit", (event) => {
  const form = event.target.closest("form.answer");
  if (!form) return;
  event.preventDefault();
  const items = collect(form, event.submitter);
  if (!items.length) return;
  saveQueue([...queue(), ...items]);
  // A written answer that may be followed by more is cleared; a choice stays, so the person
  // sees what they sent (and can change it).
  if (document.getElementById("step").dataset.several) form.reset();
  else if (form.querySelector("[name=up]")) form.elements.text.value = "";
  refreshAfter = Boolean(form.querySelector("[name=up]"));
  say(T.sending);
  flush();
});

let current = document.getElementById("step").dataset.step;
let lastState = "";

async function refreshStep() {
  let response;
  try {
    response = await fetch(root.dataset.stepUrl, { credentials: "same-origin" });
  } catch {
    setTimeout(refreshStep, 2000); // offline for a moment: try again, the stream will catch up
    return;
  }
  if (!response.ok) return;
  const html = await response.text();
  const doc = new DOMParser().parseFromString(html, "text/html");
  const fresh = doc.getElementById("step");
  const old = document.getElementById("step");
  if (fresh && old) {
    if (fresh.dataset.step === old.dataset.step) keepWork(old, fresh);
    else {
      await saveDrawings(old);
      if (status.className.indexOf("error") === -1) say(""); // "Sent ✓" belonged to the last step
    }
    old.replaceWith(fresh);
    current = fresh.dataset.step;
  }
}

// The same step came back (revealed, locked, …): carry over what the person was typing, ticking
// or drawing, so a facilitator's click never wipes unsent work.
function keepWork(old, fresh) {
  for (const field of old.querySelectorAll("form.answer textarea, form.answer input, form.answer select")) {
    if (!field.name || field.type === "hidden") continue;
    for (const twin of fresh.querySelectorAll("form.answer [name]")) {
      if (twin.name !== field.name || twin.type !== field.type) continue;
      if (field.type === "radio" || field.type === "checkbox") {
        if (twin.value === field.value) twin.checked = field.checked;
      } else {
        twin.value = field.value;
      }
    }
  }
  const drawn = old.querySelector("[data-historyline][data-dirty]");
  const twin = fresh.querySelector("[data-historyline]");
  if (drawn && twin) {
    twin.dataset.points = drawn.dataset.points;
    twin.dataset.dirty = "1";
  }
}

// The step is going away: save unsaved drawings first (each waits at most a few seconds).
function saveDrawings(old) {
  const dirty = [...old.querySelectorAll("[data-historyline][data-dirty]")];
  return Promise.all(
    dirty.map(
      (el) =>
        new Promise((resolve) => {
          el.addEventListener("historyline:saved", resolve, { once: true });
          setTimeout(resolve, 4000);
          el.dispatchEvent(new CustomEvent("historyline:save-now"));
        }),
    ),
  );
}

function listen() {
  const source = new EventSource(root.dataset.events);
  source.onmessage = (event) => {
    const data = JSON.parse(event.data);
    if (data.type !== "state") return;
    const key = JSON.stringify([data.state, data.step, data.revealed, data.locked, data.timer_ends_at]);
    if (key === lastState) return;
    const first = lastState === "";
    lastState = key;
    if (first && String(data.step || "") === String(current || "")) return;
    // Spread the room's requests a little, so a whole room does not ask at the same instant.
    setTimeout(refreshStep, Math.random() * 1500);
  };
  source.onerror = () => {
    if (source.readyState === EventSource.CLOSED) setTimeout(listen, 3000);
  };
}

// The facilitator's timer, counted down on the phone from the end time the server gave.
function tick() {
  const timer = document.querySelector(".phone-timer[data-ends]");
  if (!timer) return;
  const left = Math.max(0, Math.round((Date.parse(timer.dataset.ends) - Date.now()) / 1000));
  timer.querySelector("[data-left]").textContent = `${Math.floor(left / 60)}:${String(left % 60).padStart(2, "0")}`;
  timer.classList.toggle("is-over", left === 0);
}

setInterval(tick, 1000);
tick();
window.addEventListener("online", flush);
listen();
flush();
