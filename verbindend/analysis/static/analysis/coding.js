// Turns a text selection (mouse, touch or keyboard) into code-point offsets for the coding form.
// The server counts Unicode code points; JavaScript strings count UTF-16 units, so every length
// is measured with Array.from, which walks code points (a combining mark is its own code point).

const codePoints = (text) => Array.from(text).length;

function text() {
  return document.getElementById("coding-text");
}

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

function show() {
  const span = currentSpan();
  const startInput = document.getElementById("id_start");
  const endInput = document.getElementById("id_end");
  const status = document.getElementById("selection-status");
  if (!span || !startInput || !endInput) return;
  startInput.value = span[0];
  endInput.value = span[1];
  if (status) status.textContent = status.dataset.selected.replace("{n}", span[1] - span[0]);
}

// Keyboard selection without caret browsing: Shift+arrows extend, arrows move (Ctrl: by word).
function onKey(event) {
  const box = text();
  if (!box || event.target !== box) return;
  const directions = { ArrowLeft: "backward", ArrowRight: "forward", ArrowUp: "backward", ArrowDown: "forward" };
  const direction = directions[event.key];
  if (!direction) return;
  const selection = document.getSelection();
  if (!selection.rangeCount || !box.contains(selection.anchorNode)) {
    const first = box.querySelector("span[data-start]");
    if (!first || !first.firstChild) return;
    selection.collapse(first.firstChild, 0);
  }
  const unit = event.key === "ArrowUp" || event.key === "ArrowDown" ? "line" : event.ctrlKey || event.altKey ? "word" : "character";
  selection.modify(event.shiftKey ? "extend" : "move", direction, unit);
  event.preventDefault();
}

document.addEventListener("selectionchange", show);
document.addEventListener("keydown", onKey);
document.body.addEventListener("htmx:afterRequest", (event) => {
  if (event.detail.elt && event.detail.elt.id === "code-form" && event.detail.successful) {
    document.getElementById("id_start").value = "";
    document.getElementById("id_end").value = "";
  }
});
