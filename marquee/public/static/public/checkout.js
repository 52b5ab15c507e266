/* Checkout: the gift fields follow their checkbox, and the hold counts down. */
(function () {
  "use strict";
  // After a form error, start where the problems are listed (keyboard and screen readers).
  var summary = document.querySelector("[data-error-summary]");
  if (summary) summary.focus();

  var gift = document.getElementById("id_is_gift");
  var fields = document.getElementById("gift-fields");
  if (gift && fields) {
    var sync = function () { fields.hidden = !gift.checked; };
    gift.addEventListener("change", function () {
      sync();
      if (gift.checked) {
        var first = fields.querySelector("input, textarea");
        if (first) first.focus();
      }
    });
    sync();
  }

  // One click, one request: a second click while the first is on its way would only
  // meet the seats the first one just held.
  var forms = document.querySelectorAll("main form[method=post]");
  forms.forEach(function (form) {
    form.addEventListener("submit", function () {
      var button = form.querySelector("button[type=submit]");
      if (button) window.setTimeout(function () { button.disabled = true; }, 0);
    });
  });
  // Coming back with the browser's Back button shows the page as it was left: enable again.
  window.addEventListener("pageshow", function (event) {
    if (!event.persisted) return;
    forms.forEach(function (form) {
      var button = form.querySelector("button[type=submit]");
      if (button) button.disabled = false;
    });
  });

  var countdown = document.querySelector(".countdown[data-expires]");
  if (countdown) {
    // Measure against the server's clock, not the visitor's (which may be wrong).
    var skew = Date.parse(countdown.dataset.serverNow) - Date.now();
    var expires = Date.parse(countdown.dataset.expires);
    var tick = function () {
      var left = Math.max(0, Math.round((expires - (Date.now() + skew)) / 1000));
      if (left === 0) {
        countdown.textContent = countdown.dataset.expiredText;
        countdown.setAttribute("aria-live", "polite");
        var pay = document.querySelector(".booking-actions .button-primary");
        if (pay) pay.disabled = true;
        return;
      }
      var minutes = Math.floor(left / 60);
      var seconds = String(left % 60).padStart(2, "0");
      countdown.textContent = "(" + minutes + ":" + seconds + ")";
      window.setTimeout(tick, 1000);
    };
    tick();
  }
})();
