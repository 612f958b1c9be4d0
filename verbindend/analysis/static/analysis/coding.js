// Coding where the eye is: a selection (mouse, touch or keyboard) opens a code menu at the
// selection; highlights and margin stripes take each code's colour; a click on a highlight shows
// its codings to open, recode or delete (with undo). The page never scrolls by itself: every
// change is sent with fetch and the text is redrawn with the scroll position kept.
//
// The server counts Unicode code points; JavaScript strings count UTF-16 units, so every length
// is measured with Array.from, which walks code points (a combining mark is its own code point).

const codePoints = (text) => Array.from(text).length;
const $ = (id) => document.getElementById(id);
const text = () => $("coding-text");
// back to where the reader was, at once (the site scrolls smoothly elsewhere)
const keep = (y) => window.scrollTo({ top: y, left: window.scrollX, behavior: "instant" });

// The code-point offset of a DOM position (node, offset) inside the text.
export function offsetOf(node, offset) {
  const box = text();
  if (node.nodeType === Node.TEXT_NODE) {
    const span = node.parentElement.closest("span[data-start]");
    if (!span) return null;
    return Number(span.dataset.start) + codePoints(node.data.slice(0, offset));
  }
  if (node === box) {
    const child = box.children[offset];
    return child ? Number(child.dataset.start) : Number(box.dataset.length);
  }
  const span = node.closest ? node.closest("span[data-start]") : null;
  if (!span) return null;
  return offset === 0
    ? Number(span.dataset.start)
    : Number(span.dataset.start) + codePoints(span.textContent);
}

// The DOM position of a code-point offset (for selecting a turn).
function positionOf(offset) {
  let last = null;
  for (const span of text().querySelectorAll("span[data-start]")) {
    const start = Number(span.dataset.start);
    if (start > offset) break;
    last = span;
  }
  if (!last || !last.firstChild) return null;
  const units = Array.from(last.firstChild.data).slice(0, offset - Number(last.dataset.start)).join("").length;
  return [last.firstChild, units];
}

function currentSpan() {
  const box = text();
  const selection = document.getSelection();
  if (!box || !selection || selection.rangeCount === 0) return null;
  const range = selection.getRangeAt(0);
  if (range.collapsed || !box.contains(range.startContainer) || !box.contains(range.endContainer)) {
    return null;
  }
  const start = offsetOf(range.startContainer, range.startOffset);
  const end = offsetOf(range.endContainer, range.endOffset);
  if (start === null || end === null || start === end) return null;
  return [Math.min(start, end), Math.max(start, end)];
}

// -- state --------------------------------------------------------------------------------------
let span = null; // the selection being coded, [start, end]
let lastInput = "pointer";
let pointerDown = false;
let openTimer = null;
let lastUndo = null;
const studyKey = () => "verbindend-recent-" + location.pathname.split("/")[2];

function recent() {
  try {
    return JSON.parse(localStorage.getItem(studyKey()) || "[]");
  } catch {
    return [];
  }
}

function remember(code) {
  const list = [String(code), ...recent().filter((c) => c !== String(code))].slice(0, 9);
  try {
    localStorage.setItem(studyKey(), JSON.stringify(list));
  } catch {
    /* private mode: recent codes are a convenience only */
  }
}

function csrf() {
  const input = document.querySelector("#code-form input[name=csrfmiddlewaretoken]");
  return input ? input.value : "";
}

async function post(url, data) {
  const body = new URLSearchParams(data);
  const response = await fetch(url, {
    method: "POST",
    body,
    headers: { "X-CSRFToken": csrf(), "HX-Request": "true" },
    credentials: "same-origin",
  });
  if (!response.ok) {
    const message = await response.text();
    status(message.replace(/<[^>]+>/g, " ").replace(/\s+/g, " ").trim().slice(0, 200));
    throw new Error("request failed");
  }
  return response;
}

function status(message) {
  const el = $("selection-status");
  if (el) el.textContent = message;
}

// -- drawing: colours, stripes, aligned margin --------------------------------------------------
function codings() {
  const data = $("codings-data");
  return data ? JSON.parse(data.textContent) : [];
}

function tint(hex, alpha) {
  const n = parseInt(hex.slice(1), 16);
  return `rgba(${n >> 16}, ${(n >> 8) & 255}, ${n & 255}, ${alpha})`;
}

function paint() {
  const box = text();
  if (!box) return;
  const all = codings();
  const colours = new Map(all.map((c) => [String(c.code), c.colour]));
  for (const el of box.querySelectorAll("span.coded")) {
    const codes = el.dataset.codes.split(" ");
    const first = colours.get(codes[0]) || "#7a4b00";
    el.style.backgroundColor = tint(first, codes.length > 1 ? 0.3 : 0.2);
    // one underline per code, stacked, so overlaps show every code's colour
    el.style.boxShadow = codes
      .map((code, i) => `inset 0 -${2 + i * 3}px 0 ${colours.get(code) || "#7a4b00"}`)
      .reverse()
      .join(", ");
  }
  stripes(all);
  alignMargin();
}

function rectOf(start, end) {
  const box = text();
  const first = box.querySelector(`span[data-start="${start}"]`);
  let last = first;
  for (const el of box.querySelectorAll("span[data-start]")) {
    const s = Number(el.dataset.start);
    if (s >= end) break;
    if (s >= start) last = el;
  }
  if (!first) return null;
  const top = first.getClientRects()[0] || first.getBoundingClientRect();
  const lastRects = last.getClientRects();
  const bottom = lastRects[lastRects.length - 1] || last.getBoundingClientRect();
  return { top: top.top, bottom: bottom.bottom };
}

function stripes(all) {
  const gutter = $("stripes");
  const wrap = $("text-wrap");
  if (!gutter || !wrap) return;
  gutter.replaceChildren();
  const origin = wrap.getBoundingClientRect().top;
  const lanes = []; // bottom of the last stripe in each lane
  for (const c of [...all].sort((a, b) => a.start - b.start || b.end - a.end)) {
    const r = rectOf(c.start, c.end);
    if (!r) continue;
    let lane = lanes.findIndex((bottom) => bottom < r.top - origin);
    if (lane === -1) lane = lanes.length;
    lanes[lane] = r.bottom - origin;
    const bar = document.createElement("button");
    bar.type = "button";
    bar.className = "stripe";
    bar.title = c.label;
    bar.tabIndex = -1;
    bar.dataset.uuid = c.uuid;
    bar.style.top = `${r.top - origin}px`;
    bar.style.height = `${Math.max(8, r.bottom - r.top)}px`;
    bar.style.right = `${lane * 6}px`;
    bar.style.backgroundColor = c.colour;
    gutter.append(bar);
  }
}

function alignMargin() {
  const wide = window.matchMedia("(min-width: 40rem)").matches;
  for (const list of document.querySelectorAll(".margin-list")) {
    const items = [...list.querySelectorAll(".margin-item")];
    if (!wide) {
      list.style.height = "";
      items.forEach((item) => item.classList.remove("placed"));
      continue;
    }
    const origin = list.getBoundingClientRect().top;
    let floor = 0;
    for (const item of items) {
      const r = rectOf(Number(item.dataset.start), Number(item.dataset.end));
      if (!r) continue;
      const top = Math.max(floor, r.top - origin);
      item.classList.add("placed");
      item.style.top = `${top}px`;
      floor = top + item.offsetHeight + 2;
    }
    list.style.height = `${floor}px`;
  }
}

// -- the code menu -------------------------------------------------------------------------------
function options() {
  return [...document.querySelectorAll("#code-options .code-option:not([hidden])")];
}

function orderOptions() {
  const list = $("code-options");
  const keys = recent();
  for (const el of list.querySelectorAll(".code-option[data-code]")) {
    const n = keys.indexOf(el.dataset.code);
    el.querySelector(".recent-key").textContent = n >= 0 ? String(n + 1) : "";
    el.classList.toggle("recent", n >= 0);
  }
  for (const code of [...keys].reverse()) {
    const el = list.querySelector(`.code-option[data-code="${code}"]`);
    if (el) list.prepend(el);
  }
}

function filter() {
  const query = $("code-filter").value.trim().toLowerCase();
  let exact = false;
  for (const el of document.querySelectorAll("#code-options .code-option[data-code]")) {
    const label = el.dataset.label.toLowerCase();
    el.hidden = query !== "" && !label.includes(query);
    if (label === query) exact = true;
  }
  const make = $("new-code-option");
  if (make) {
    make.hidden = query === "" || exact;
    make.textContent = make.dataset.template.replace("{name}", $("code-filter").value.trim());
  }
  activate(options()[0]);
}

function activate(el) {
  for (const other of document.querySelectorAll("#code-options .active")) {
    other.classList.remove("active");
    other.removeAttribute("aria-selected");
  }
  if (el) {
    el.classList.add("active");
    el.setAttribute("aria-selected", "true");
    // scroll the list only, never the page (scrollIntoView would move the page too)
    const list = $("code-options");
    if (el.offsetTop < list.scrollTop) list.scrollTop = el.offsetTop;
    else if (el.offsetTop + el.offsetHeight > list.scrollTop + list.clientHeight) {
      list.scrollTop = el.offsetTop + el.offsetHeight - list.clientHeight;
    }
  }
}

// Below the selection, or above it when there is no room below: always in view, never scrolled to.
function placeNear(panel, rect) {
  panel.hidden = false;
  const width = panel.offsetWidth;
  const height = panel.offsetHeight;
  const left = Math.max(8, Math.min(rect.left + window.scrollX, window.scrollX + document.documentElement.clientWidth - width - 8));
  let top = rect.bottom + 6;
  if (top + height > window.innerHeight - 8 && rect.top - height - 6 > 8) top = rect.top - height - 6;
  else if (top + height > window.innerHeight - 8) top = Math.max(8, window.innerHeight - height - 8);
  panel.style.left = `${left}px`;
  panel.style.top = `${top + window.scrollY}px`;
}

function openMenu(focusFilter) {
  span = currentSpan();
  if (!span) return;
  $("id_start").value = span[0];
  $("id_end").value = span[1];
  const selection = document.getSelection();
  const rects = selection.getRangeAt(0).getClientRects();
  const rect = rects[rects.length - 1] || selection.getRangeAt(0).getBoundingClientRect();
  const menu = $("code-menu");
  orderOptions();
  $("code-filter").value = "";
  filter();
  closePop();
  placeNear(menu, rect);
  if (focusFilter) $("code-filter").focus({ preventScroll: true });
}

function closeMenu(refocus) {
  const menu = $("code-menu");
  if (!menu || menu.hidden) return;
  menu.hidden = true;
  if (refocus) text().focus({ preventScroll: true });
}

async function apply(option) {
  if (!span || !option) return;
  const data = { start: span[0], end: span[1] };
  if (option.dataset.code) data.code = option.dataset.code;
  else data.new_code = $("code-filter").value.trim();
  const y = window.scrollY;
  closeMenu(false);
  try {
    await post($("code-form").action, data);
  } catch {
    return;
  }
  if (option.dataset.code) remember(option.dataset.code);
  $("id_start").value = "";
  $("id_end").value = "";
  document.getSelection().removeAllRanges();
  await refresh(y);
  if (!option.dataset.code) location.reload(); // a new code joins the menu
  text().focus({ preventScroll: true });
  keep(y);
}

async function refresh(y) {
  const workspace = $("workspace");
  const response = await fetch(workspace.dataset.refresh, { headers: { "HX-Request": "true" }, credentials: "same-origin" });
  if (!response.ok) return;
  const holder = document.createElement("div");
  holder.innerHTML = await response.text();
  const fresh = holder.querySelector("#workspace");
  if (fresh) workspace.replaceWith(fresh);
  paint();
  keep(y);
}

// -- codings at a place: open, recode, delete, undo -----------------------------------------------
function closePop() {
  const pop = $("coding-pop");
  if (pop) pop.hidden = true;
}

function showPop(uuids, rect) {
  const pop = $("coding-pop");
  if (!pop) return;
  const byUuid = new Map(codings().map((c) => [c.uuid, c]));
  const list = $("coding-pop-list");
  list.replaceChildren();
  for (const uuid of uuids) {
    const c = byUuid.get(uuid);
    if (!c) continue;
    const item = $("coding-pop-item").content.firstElementChild.cloneNode(true);
    item.querySelector(".swatch-dot").style.backgroundColor = c.colour;
    const link = item.querySelector("a.open");
    link.href = c.url;
    link.textContent = c.label;
    const recode = item.querySelector(".recode");
    const del = item.querySelector(".delete");
    if (c.mine) {
      recode.addEventListener("click", () => startRecode(c));
      del.addEventListener("click", () => remove(c));
    } else {
      recode.remove();
      del.remove();
    }
    list.append(item);
  }
  closeMenu(false);
  placeNear(pop, rect);
}

let recoding = null;
function startRecode(c) {
  closePop();
  recoding = c;
  span = [c.start, c.end];
  const r = rectOf(c.start, c.end);
  orderOptions();
  $("code-filter").value = "";
  filter();
  placeNear($("code-menu"), { left: text().getBoundingClientRect().left, bottom: r ? r.bottom : 0 });
  $("code-filter").focus({ preventScroll: true });
}

async function remove(c) {
  const y = window.scrollY;
  closePop();
  let answer;
  try {
    answer = await (await post(`${c.url}delete/`, {})).json();
  } catch {
    return;
  }
  lastUndo = answer.undo;
  const bar = $("undo-bar");
  $("undo-text").textContent = $("undo-text").dataset.template.replace("{name}", answer.label);
  bar.hidden = false;
  await refresh(y);
  $("undo-button").focus({ preventScroll: true });
  keep(y);
}

async function undo() {
  if (!lastUndo) return;
  const y = window.scrollY;
  const url = lastUndo;
  lastUndo = null;
  $("undo-bar").hidden = true;
  try {
    await post(url, {});
  } catch {
    return;
  }
  await refresh(y);
  text().focus({ preventScroll: true });
  keep(y);
}

// -- turns ------------------------------------------------------------------------------------
function selectTurn() {
  const selection = document.getSelection();
  if (!selection.rangeCount) return false;
  const node = selection.anchorNode;
  const el = node && (node.nodeType === Node.TEXT_NODE ? node.parentElement : node);
  const turnSpan = el && el.closest ? el.closest("span[data-turn]") : null;
  if (!turnSpan) return false;
  const turn = turnSpan.dataset.turn;
  const parts = [...text().querySelectorAll(`span[data-turn="${turn}"]:not(.speaker)`)];
  if (!parts.length) return false;
  const start = Number(parts[0].dataset.start);
  const last = parts[parts.length - 1];
  const end = Number(last.dataset.start) + codePoints(last.textContent);
  const a = positionOf(start);
  const range = document.createRange();
  range.setStart(a[0], a[1]);
  range.setEnd(last.firstChild, last.firstChild.data.length);
  selection.removeAllRanges();
  selection.addRange(range);
  span = [start, end];
  return true;
}

// -- events -----------------------------------------------------------------------------------
function onTextKey(event) {
  const box = text();
  const key = event.key;
  if (key === "Enter" && currentSpan()) {
    event.preventDefault();
    openMenu(true);
    return;
  }
  if ((key === "t" || key === "T") && !event.ctrlKey && !event.metaKey && !event.altKey) {
    if (selectTurn()) {
      event.preventDefault();
      openMenu(true);
    }
    return;
  }
  if (/^[1-9]$/.test(key) && currentSpan()) {
    const code = recent()[Number(key) - 1];
    const option = code && document.querySelector(`#code-options .code-option[data-code="${code}"]`);
    if (option) {
      event.preventDefault();
      span = currentSpan();
      apply(option);
    }
    return;
  }
  const directions = { ArrowLeft: "backward", ArrowRight: "forward", ArrowUp: "backward", ArrowDown: "forward" };
  const direction = directions[key];
  if (!direction) return;
  const selection = document.getSelection();
  if (!selection.rangeCount || !box.contains(selection.anchorNode)) {
    const first = box.querySelector("span[data-start]");
    if (!first || !first.firstChild) return;
    selection.collapse(first.firstChild, 0);
  }
  const unit = key === "ArrowUp" || key === "ArrowDown" ? "line" : event.ctrlKey || event.altKey ? "word" : "character";
  selection.modify(event.shiftKey ? "extend" : "move", direction, unit);
  event.preventDefault();
}

function onMenuKey(event) {
  const list = options();
  const active = document.querySelector("#code-options .active");
  const index = list.indexOf(active);
  if (event.key === "ArrowDown" || event.key === "ArrowUp") {
    event.preventDefault();
    const next = event.key === "ArrowDown" ? Math.min(list.length - 1, index + 1) : Math.max(0, index - 1);
    activate(list[next]);
  } else if (event.key === "Enter") {
    event.preventDefault();
    choose(active || list[0]);
  } else if (event.key === "Escape") {
    event.preventDefault();
    recoding = null;
    closeMenu(true);
  }
}

async function choose(option) {
  if (!option) return;
  if (recoding && option.dataset.code) {
    const c = recoding;
    recoding = null;
    const y = window.scrollY;
    closeMenu(false);
    try {
      await post(`${c.url}recode/`, { code: option.dataset.code });
    } catch {
      return;
    }
    remember(option.dataset.code);
    await refresh(y);
    return;
  }
  apply(option);
}

function init() {
  paint();
  document.addEventListener("selectionchange", () => {
    const current = currentSpan();
    const help = $("selection-status");
    if (current && help) status(help.dataset.selected.replace("{n}", current[1] - current[0]));
    if (current && $("id_start")) {
      $("id_start").value = current[0];
      $("id_end").value = current[1];
    }
    clearTimeout(openTimer);
    // a touch selection (long press, handles) has no pointer held down at the end: open then
    if (current && lastInput === "touch" && !pointerDown) openTimer = setTimeout(() => openMenu(false), 350);
  });
  document.addEventListener("pointerdown", (event) => {
    lastInput = event.pointerType === "touch" ? "touch" : "pointer";
    pointerDown = true;
    const inside = event.target.closest("#code-menu, #coding-pop, #undo-bar");
    if (!inside) {
      closeMenu(false);
      closePop();
    }
  });
  document.addEventListener("pointerup", (event) => {
    pointerDown = false;
    if (event.pointerType !== "touch" && text() && text().contains(event.target) && currentSpan()) {
      setTimeout(() => openMenu(true), 0);
    }
  });
  document.addEventListener("keydown", (event) => {
    if (event.key !== "Shift") lastInput = lastInput === "touch" && event.key === "Unidentified" ? "touch" : "keyboard";
    if ((event.ctrlKey || event.metaKey) && event.key === "z" && lastUndo && !event.target.closest("input, textarea")) {
      event.preventDefault();
      undo();
    }
  });
  document.addEventListener("keydown", (event) => {
    if (event.target === text()) onTextKey(event);
  });
  document.addEventListener("click", (event) => {
    const option = event.target.closest("#code-options .code-option");
    if (option) {
      choose(option);
      return;
    }
    const stripe = event.target.closest(".stripe");
    if (stripe) {
      showPop([stripe.dataset.uuid], stripe.getBoundingClientRect());
      return;
    }
    const coded = event.target.closest("#coding-text span.coded");
    if (coded && !currentSpan()) showPop(coded.dataset.codings.split(" "), coded.getBoundingClientRect());
    if (event.target.closest("#undo-button")) undo();
  });
  document.addEventListener("submit", (event) => {
    const form = event.target.closest("form.delete-coding");
    if (!form) return;
    event.preventDefault();
    const item = form.closest(".margin-item");
    const c = codings().find((x) => x.uuid === item.dataset.uuid);
    if (c) remove(c);
  });
  const filterInput = $("code-filter");
  if (filterInput) {
    filterInput.addEventListener("input", filter);
    filterInput.addEventListener("keydown", onMenuKey);
  }
  $("code-form")?.addEventListener("submit", (event) => event.preventDefault());
  window.addEventListener("resize", () => paint());
}

init();
