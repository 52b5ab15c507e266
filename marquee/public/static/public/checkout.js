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

  // A ticket type per seat: the line's price and the total follow the pick. The prices are the
  // server's (each option carries its own); the hold prices the seats again and is the truth.
  var lines = document.querySelector("[data-ticket-lines]");
  var total = document.querySelector("[data-total]");
  if (lines && total) {
    var lang = document.documentElement.lang || "en";
    var numbers = new Intl.NumberFormat(lang, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
    var pattern = lines.dataset.money || "{amount}";
    var retotal = function () {
      var cents = 0;
      lines.querySelectorAll(".ticket-line").forEach(function (line) {
        var select = line.querySelector("[data-ticket-type]");
        if (!select) {
          cents += parseInt(line.dataset.cents || "0", 10);
          return;
        }
        var option = select.options[select.selectedIndex];
        cents += parseInt(option.dataset.cents, 10);
        line.querySelector("[data-line-price]").textContent = option.dataset.price;
      });
      total.textContent = pattern.replace("{amount}", numbers.format(cents / 100));
    };
    lines.addEventListener("change", retotal);
  }

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
