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

// A written answer appears at once; a changed one (one voice per person) changes in place.
// Counted results (and anything hidden until revealed) come back from the server instead.
function add(event) {
  const f = frame();
  if (String(event.step) !== f.dataset.step) return;
  const cards = document.getElementById("cards");
  if (!f.dataset.cards || !f.dataset.shows || !cards) {
    schedule();
    return;
  }
  if (event.text === null || event.hidden) return;
  const known = cards.querySelector(`li[data-id="${CSS.escape(String(event.id))}"]`);
  const li = document.createElement("li");
  li.dataset.id = event.id;
  li.textContent = event.text;
  if (event.name) {
    const who = document.createElement("span");
    who.className = "who";
    who.textContent = event.name;
    li.append(who);
  }
  if (known) {
    known.replaceWith(li);
    return;
  }
  const count = document.getElementById("count");
  if (count) count.textContent = String(Number(count.textContent) + 1);
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
