// The agenda's print button: a plain window.print(), kept out of the page for the CSP.
for (const button of document.querySelectorAll("[data-print]")) {
  button.addEventListener("click", () => window.print());
}
