// A history-line step that arrives on the phone after the page loaded (the phone swaps in the
// new step's HTML, whose script tags do not run): load the drawing module and mount it.
const me = document.querySelector("script[data-draw]");
const phone = document.getElementById("phone");

function mountNew() {
  if (!document.querySelector("[data-historyline]:not([data-mounted])")) return;
  import(me.dataset.draw).then((draw) => draw.mountAll(document));
}

if (me && phone) {
  new MutationObserver(mountNew).observe(phone, { childList: true, subtree: true });
  mountNew();
}
