// Drawing a history line: pointer events on SVG (finger, pen, mouse), undo and clear, tap a peak
// or valley to mark a moment, and a date + value table that produces the same data.
//
// Mount on any element with data attributes (see historyline/_draw.html):
//   data-historyline data-save-url data-moment-url data-start data-end data-points data-moments
// A line is a list of [day, value] pairs: days since data-start, value 0–100.

const NS = "http://www.w3.org/2000/svg";
// the plot area in viewBox units; keep in step with verbindend/historyline/together.py
const LEFT = 44;
const RIGHT = 944;
const TOP = 24;
const BOTTOM = 416;
const DAY = 86400000;

const parseISO = (s) => {
  const [y, m, d] = s.split("-").map(Number);
  return Date.UTC(y, m - 1, d);
};
const iso = (ms) => new Date(ms).toISOString().slice(0, 10);
const clamp = (x, lo, hi) => Math.min(hi, Math.max(lo, x));

function set(el, attrs) {
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  return el;
}

/** Merge a stroke into a line: the stroke replaces whatever the line had over its time range. */
export function merge(line, stroke) {
  if (!stroke.length) return line;
  const a = stroke[0][0];
  const b = stroke[stroke.length - 1][0];
  return [...line.filter((p) => p[0] < a), ...stroke, ...line.filter((p) => p[0] > b)];
}

/** Where a tap lands: the clearest peak or valley near it, judged against the window's edges. */
export function nearestTurn(line, day, window) {
  const near = line.filter((p) => Math.abs(p[0] - day) <= window);
  if (!near.length) return null;
  const first = near[0];
  const last = near[near.length - 1];
  let hi = first;
  let lo = first;
  for (const p of near) {
    if (p[1] > hi[1]) hi = p;
    if (p[1] < lo[1]) lo = p;
  }
  const rise = hi[1] - Math.max(first[1], last[1]);
  const dip = Math.min(first[1], last[1]) - lo[1];
  if (rise > 0 || dip > 0) {
    const p = rise >= dip ? hi : lo;
    return { day: p[0], value: p[1], kind: rise >= dip ? "peak" : "valley" };
  }
  const closest = near.reduce((best, p) => (Math.abs(p[0] - day) < Math.abs(best[0] - day) ? p : best));
  const kind = closest[1] >= (first[1] + last[1]) / 2 ? "peak" : "valley";
  return { day: closest[0], value: closest[1], kind };
}

export function mount(root) {
  if (root.dataset.mounted) return;
  root.dataset.mounted = "1";
  const start = parseISO(root.dataset.start);
  const end = parseISO(root.dataset.end);
  const span = Math.max(1, Math.round((end - start) / DAY));
  const label = (key) => root.dataset[`label${key}`] || "";
  const svg = root.querySelector(".hl-svg");
  const ink = svg.querySelector(".hl-ink");
  const marks = svg.querySelector(".hl-marks");
  const status = root.querySelector(".hl-status");
  const markButton = root.querySelector("[data-action=mark]");
  const tableForm = root.querySelector(".hl-table-form");
  const momentForm = root.querySelector(".hl-moment-form");
  const momentList = root.querySelector(".hl-moments");

  let line = JSON.parse(root.dataset.points || "[]");
  const moments = JSON.parse(root.dataset.moments || "[]");
  const history = [];
  let stroke = null;
  let marking = false;
  let pending = null; // the tapped spot while its moment form is being filled in

  const toX = (d) => LEFT + ((RIGHT - LEFT) * d) / span;
  const toY = (v) => TOP + (BOTTOM - TOP) * (1 - v / 100);
  const csrf = () => root.querySelector("input[name=csrfmiddlewaretoken]").value;

  function say(text, error = false) {
    status.textContent = text;
    status.classList.toggle("is-error", error);
  }

  function fromEvent(ev) {
    const p = svg.createSVGPoint();
    p.x = ev.clientX;
    p.y = ev.clientY;
    const q = p.matrixTransform(svg.getScreenCTM().inverse());
    const day = Math.round(clamp(((q.x - LEFT) / (RIGHT - LEFT)) * span, 0, span));
    const value = Math.round(clamp((1 - (q.y - TOP) / (BOTTOM - TOP)) * 100, 0, 100) * 10) / 10;
    return [day, value];
  }

  function markNode(m, temporary = false) {
    const x = toX(m.day);
    const y = toY(m.value);
    const el =
      m.kind === "peak"
        ? set(document.createElementNS(NS, "circle"), { cx: x, cy: y, r: 10 })
        : set(document.createElementNS(NS, "rect"), { x: x - 9, y: y - 9, width: 18, height: 18 });
    set(el, {
      fill: temporary ? "#ffffff" : "#D55E00",
      stroke: temporary ? "#D55E00" : "#ffffff",
      "stroke-width": 3,
      class: "hl-mark",
    });
    const title = document.createElementNS(NS, "title");
    title.textContent = m.title || "";
    el.append(title);
    return el;
  }

  function render(shown = line) {
    ink.setAttribute("points", shown.map(([d, v]) => `${toX(d).toFixed(1)},${toY(v).toFixed(1)}`).join(" "));
    const nodes = moments.map((m) => markNode(m));
    if (pending) nodes.push(markNode(pending, true));
    marks.replaceChildren(...nodes);
  }

  // Unsaved work is mirrored on the element, so a page that swaps in a fresh copy of this step
  // (the live phone, when the facilitator reveals or locks) can hand the drawing over.
  function markDirty() {
    root.dataset.dirty = "1";
    root.dataset.points = JSON.stringify(line);
    say(label("Unsaved"));
  }

  function change(next) {
    history.push(line);
    line = next;
    markDirty();
    render();
  }

  // drawing -------------------------------------------------------------------------------
  svg.addEventListener("pointerdown", (ev) => {
    if (!ev.isPrimary || ev.button > 0) return;
    ev.preventDefault();
    if (marking) {
      tapToMark(ev);
      return;
    }
    svg.setPointerCapture(ev.pointerId);
    stroke = [fromEvent(ev)];
    render(merge(line, stroke));
  });
  svg.addEventListener("pointermove", (ev) => {
    if (!stroke || !ev.isPrimary) return;
    const events = ev.getCoalescedEvents ? ev.getCoalescedEvents() : [];
    for (const e of events.length ? events : [ev]) {
      const p = fromEvent(e);
      const last = stroke[stroke.length - 1];
      if (p[0] > last[0]) stroke.push(p);
      else if (p[0] === last[0]) stroke[stroke.length - 1] = p;
    }
    render(merge(line, stroke));
  });
  const endStroke = () => {
    if (!stroke) return;
    const done = stroke;
    stroke = null;
    change(merge(line, done));
    fillTable();
  };
  svg.addEventListener("pointerup", endStroke);
  svg.addEventListener("pointercancel", endStroke);

  root.querySelector("[data-action=undo]").addEventListener("click", () => {
    if (!history.length) return;
    line = history.pop();
    markDirty();
    render();
    fillTable();
  });
  root.querySelector("[data-action=clear]").addEventListener("click", () => {
    if (!line.length) return;
    change([]);
    fillTable();
  });
  root.querySelector("[data-action=save]").addEventListener("click", () => save());
  // A page that is about to take this step away asks for the unsaved line to be saved first.
  root.addEventListener("historyline:save-now", () => save());
  markButton.addEventListener("click", () => {
    marking = !marking;
    markButton.setAttribute("aria-pressed", String(marking));
    root.classList.toggle("is-marking", marking);
    if (marking) say(line.length ? label("MarkHint") : label("DrawFirst"), !line.length);
  });

  // saving ---------------------------------------------------------------------------------
  async function post(url, body, json) {
    const headers = { Accept: "application/json", "X-CSRFToken": csrf() };
    if (json) headers["Content-Type"] = "application/json";
    const response = await fetch(url, { method: "POST", headers, body, credentials: "same-origin" });
    let data = null;
    try {
      data = await response.json();
    } catch {
      data = null;
    }
    return { ok: response.ok && data && data.ok, data };
  }

  async function save(points = line) {
    say(label("Saving"));
    try {
      const { ok, data } = await post(root.dataset.saveUrl, JSON.stringify({ points }), true);
      if (!ok) {
        say((data && data.message) || label("Error"), true);
        return false;
      }
      history.push(line);
      line = data.points;
      delete root.dataset.dirty;
      root.dataset.points = JSON.stringify(line);
      render();
      fillTable();
      say([label("Saved"), ...data.notices].join(" "));
      root.dispatchEvent(new CustomEvent("historyline:saved", { bubbles: true, detail: data }));
      return true;
    } catch {
      say(label("Error"), true);
      return false;
    }
  }

  // moments --------------------------------------------------------------------------------
  function tapToMark(ev) {
    if (!line.length) {
      say(label("DrawFirst"), true);
      return;
    }
    const [day] = fromEvent(ev);
    const turn = nearestTurn(line, day, Math.max(1, span * 0.04)) || {
      day,
      value: line.reduce((best, p) => (Math.abs(p[0] - day) < Math.abs(best[0] - day) ? p : best))[1],
      kind: "peak",
    };
    pending = turn;
    render();
    const f = momentForm.elements;
    f.on.value = iso(start + turn.day * DAY);
    f.value.value = String(turn.value);
    f.kind.value = turn.kind;
    momentForm.classList.add("is-highlighted");
    momentForm.scrollIntoView({ block: "start" });
    f.title.focus({ preventScroll: true });
  }

  function listItem(m) {
    const li = document.createElement("li");
    li.dataset.moment = String(m.id);
    const strong = document.createElement("strong");
    strong.textContent = m.title;
    const kind = m.kind === "peak" ? label("Peak") : label("Valley");
    li.append(strong, ` · ${kind} · ${new Date(parseISO(m.date)).toLocaleDateString(document.documentElement.lang, { timeZone: "UTC" })}`);
    return li;
  }

  momentForm.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    if (root.dataset.dirty || !momentForm.dataset.lineSaved) {
      if (!line.length) {
        say(label("DrawFirst"), true);
        return;
      }
      if (root.dataset.dirty && !(await save())) return;
    }
    try {
      const { ok, data } = await post(root.dataset.momentUrl, new FormData(momentForm), false);
      if (!ok) {
        const errors = data && data.errors ? Object.values(data.errors).flat().map((e) => e.message) : [];
        say(errors.join(" ") || (data && data.message) || label("Error"), true);
        return;
      }
      moments.push(data.moment);
      momentList.append(listItem(data.moment));
      pending = null;
      render();
      momentForm.reset();
      momentForm.classList.remove("is-highlighted");
      say(label("MomentSaved"));
    } catch {
      say(label("Error"), true);
    }
  });
  if (line.length) momentForm.dataset.lineSaved = "1";
  root.addEventListener("historyline:saved", () => {
    momentForm.dataset.lineSaved = "1";
  });

  // the table alternative ------------------------------------------------------------------
  const tbody = tableForm.querySelector("tbody");
  const blankRow = () => {
    const row = tbody.rows[tbody.rows.length - 1].cloneNode(true);
    for (const input of row.querySelectorAll("input")) input.value = "";
    return row;
  };
  function fillTable() {
    const template = blankRow();
    const rows = line.map(([d, v]) => {
      const row = template.cloneNode(true);
      const [date, value] = row.querySelectorAll("input");
      date.value = iso(start + d * DAY);
      value.value = String(v);
      return row;
    });
    tbody.replaceChildren(...rows, template);
  }
  root.querySelector("[data-action=add-row]").addEventListener("click", () => {
    const row = blankRow();
    tbody.append(row);
    row.querySelector("input").focus();
  });
  tableForm.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const points = [];
    for (const row of tbody.rows) {
      const [date, value] = row.querySelectorAll("input");
      if (!date.value && value.value === "") continue;
      points.push([date.value, value.value === "" ? "" : Number(value.value)]);
    }
    await save(points);
  });

  if (root.dataset.dirty) say(label("Unsaved")); // a drawing handed over unsaved
  render();
}

export function mountAll(scope = document) {
  for (const el of scope.querySelectorAll("[data-historyline]")) mount(el);
}

mountAll();
document.addEventListener("htmx:load", (ev) => mountAll(ev.detail.elt.parentElement || document));
