// The projector's wall: new answers appear at once (as text, never as HTML); state changes and
// results re-render from the server at most twice a second.
const root = document.getElementById("wall");
let pending = null;
let lastRefresh = 0;

function frame() {
  return document.getElementById("frame");
}

async function refresh() {
  pending = null;
  lastRefresh = Date.now();
  let response;
  try {
    response = await fetch(root.dataset.frame, { credentials: "same-origin" });
  } catch {
    schedule(); // the network blinked: try again shortly
    return;
  }
  if (!response.ok) return;
  const doc = new DOMParser().parseFromString(await response.text(), "text/html");
  const fresh = doc.getElementById("frame");
  if (fresh) frame().replaceWith(fresh);
  tick();
}

function schedule() {
  if (pending) return;
  const wait = Math.max(0, 500 - (Date.now() - lastRefresh));
  pending = setTimeout(refresh, wait);
}

function add(event) {
  const f = frame();
  if (String(event.step) !== f.dataset.step) return;
  const count = document.getElementById("count");
  if (count) count.textContent = String(Number(count.textContent) + 1);
  const cards = document.getElementById("cards");
  if (!f.dataset.shows || !cards || event.text === null || event.hidden) {
    if (f.dataset.shows && !["open_answer", "sentence_completion", "farewell_letter", "principle_card"].includes(event.kind)) schedule();
    return;
  }
  const li = document.createElement("li");
  li.dataset.id = event.id;
  li.textContent = event.text;
  if (event.name) {
    const who = document.createElement("span");
    who.className = "who";
    who.textContent = event.name;
    li.append(who);
  }
  cards.prepend(li);
}

function tick() {
  const timer = document.querySelector(".timer[data-ends]");
  if (!timer) return;
  const left = Math.max(0, Math.round((Date.parse(timer.dataset.ends) - Date.now()) / 1000));
  timer.textContent = `${Math.floor(left / 60)}:${String(left % 60).padStart(2, "0")}`;
}

const source = new EventSource(root.dataset.stream);
source.onmessage = (message) => {
  const event = JSON.parse(message.data);
  if (event.type === "contribution") add(event);
  else if (event.type !== "presence") schedule();
};
setInterval(tick, 1000);
tick();
