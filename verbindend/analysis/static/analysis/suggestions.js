// Suggestions by keyboard: the arrow keys (or Tab) move from code to code; A or Enter accepts
// the code in focus, R or Delete rejects it. The buttons do the work (htmx, or a plain form
// post without it), so the keys and the mouse go the same way; focus moves on to the next code.
const list = document.getElementById("suggestions");

const items = () => [...list.querySelectorAll("[data-suggestion]")];

function neighbour(item, step) {
  const all = items();
  const at = all.indexOf(item);
  return all[at + step] || all[at - step] || null;
}

let after = null; // the code to focus once the decided one is gone

if (list) {
  list.addEventListener("keydown", (event) => {
    const item = event.target.closest("[data-suggestion]");
    if (!item || event.altKey || event.ctrlKey || event.metaKey) return;
    const onItem = event.target === item; // Enter on a button is the button's own
    const key = event.key.toLowerCase();
    let action = null;
    if (key === "a" || (onItem && key === "enter")) action = "accept";
    else if (key === "r" || key === "delete") action = "reject";
    else if (key === "arrowdown" || key === "arrowup") {
      const next = neighbour(item, key === "arrowdown" ? 1 : -1);
      if (next && next !== item) next.focus();
      event.preventDefault();
      return;
    }
    if (!action) return;
    event.preventDefault();
    after = neighbour(item, 1);
    item.querySelector(`[data-decide="${action}"]`).click();
  });

  // htmx removes a decided code's row: tidy up the sentence and move the focus on
  new MutationObserver(() => {
    for (const sentence of list.querySelectorAll(".suggestion")) {
      if (!sentence.querySelector("[data-suggestion]")) sentence.remove();
    }
    if (after && after.isConnected && !list.contains(document.activeElement)) after.focus();
    if (after && document.activeElement === after) after = null;
  }).observe(list, { childList: true, subtree: true });
}
