// Forms with data-confirm ask before they submit. In a static file, not an onsubmit
// attribute: the Content-Security-Policy runs no inline script.
document.addEventListener("submit", (event) => {
  const form = event.target;
  if (form instanceof HTMLFormElement && form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
    event.preventDefault();
  }
});
