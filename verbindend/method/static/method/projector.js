// Projector view: the arrow keys (and a presenter's clicker, which sends them) step through the aids.
const links = { ArrowLeft: 'a[rel="prev"]', ArrowRight: 'a[rel="next"]', PageUp: 'a[rel="prev"]', PageDown: 'a[rel="next"]' };
document.addEventListener("keydown", (event) => {
  if (event.altKey || event.ctrlKey || event.metaKey || !(event.key in links)) return;
  const link = document.querySelector(links[event.key]);
  if (link) {
    event.preventDefault();
    link.click();
  }
});
