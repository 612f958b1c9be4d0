// Interview mode: the notes of a question are saved while typing (a second after the last key),
// and the page warns before leaving with notes that are not saved yet. Without this script the
// buttons still save (a plain form post).
const form = document.querySelector("form[data-autosave]");
if (form) {
  const field = form.querySelector("textarea[name=text]");
  const state = form.querySelector(".save-state");
  const token = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  let saved = field.value;
  let timer = null;
  let submitting = false;

  async function save() {
    timer = null;
    const text = field.value;
    if (text === saved) return;
    const body = new URLSearchParams({ text, csrfmiddlewaretoken: token });
    try {
      const response = await fetch(form.action || window.location.href, {
        method: "POST",
        headers: { Accept: "application/json", "X-CSRFToken": token },
        body,
        credentials: "same-origin",
      });
      if (!response.ok) throw new Error(String(response.status));
      const data = await response.json();
      saved = text;
      state.textContent = data.saved;
      state.classList.remove("unsaved");
    } catch {
      state.textContent = form.dataset.failed;
      state.classList.add("unsaved");
    }
  }

  field.addEventListener("input", () => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(save, 1000);
  });
  field.addEventListener("blur", () => {
    if (field.value !== saved) save();
  });
  form.addEventListener("submit", () => {
    submitting = true;
  });
  window.addEventListener("beforeunload", (event) => {
    if (!submitting && field.value !== saved) event.preventDefault();
  });
}
