// Answering the scan: show the server's explanation when saving one answer is refused
// (round closed, invalid value, ...) in the answer's own status line, instead of nothing.
document.body.addEventListener("htmx:beforeSwap", (event) => {
  const status = event.detail.xhr.status;
  if (status === 400 || status === 404 || status === 409) {
    event.detail.shouldSwap = true;
    event.detail.isError = false;
  }
});
