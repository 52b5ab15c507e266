/* Seat map: running total, the maximum number of seats, and the announcements that go
   with them. The form works without this file; this only makes it friendlier. */
(function () {
  "use strict";
  var form = document.getElementById("seat-form");
  if (!form) return;
  var max = parseInt(form.dataset.max, 10) || 10;
  // The server says how this language writes money ("UAH {amount}", "{amount} грн"); the
  // number itself is written by the browser in the page's language.
  var moneyPattern = form.dataset.money || "{amount}";
  var numbers = new Intl.NumberFormat(document.documentElement.lang || "en", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  var summary = document.getElementById("seat-summary");
  var notice = document.getElementById("seat-notice");
  var plurals = new Intl.PluralRules(document.documentElement.lang || "en");

  function checked() {
    return Array.prototype.slice.call(form.querySelectorAll('input[name="seat"]:checked'));
  }

  function cents(value) {
    var parts = String(value).split(".");
    return parseInt(parts[0], 10) * 100 + parseInt((parts[1] || "0").padEnd(2, "0").slice(0, 2), 10);
  }

  function format(total) {
    return moneyPattern.replace("{amount}", numbers.format(total / 100));
  }

  function update() {
    var seats = checked();
    var total = seats.reduce(function (sum, input) { return sum + cents(input.dataset.price); }, 0);
    form.querySelectorAll(".seat").forEach(function (label) {
      var input = label.querySelector("input");
      label.classList.toggle("is-selected", input.checked);
    });
    var text;
    if (seats.length === 0) {
      text = summary.dataset.templateNone;
    } else {
      var pluralForm = plurals.select(seats.length);
      var template = pluralForm === "one" ? summary.dataset.templateOne : pluralForm === "few" ? summary.dataset.templateFew : summary.dataset.templateMany;
      var count = template.replace("{n}", seats.length);
      text = count + " · " + summary.dataset.labelTotal + " " + format(total);
    }
    summary.textContent = text;
    var button = form.querySelector('button[type="submit"]:not([name="action"])');
    if (button && !button.hasAttribute("data-closed")) button.disabled = seats.length === 0;
  }

  // Wheelchair spaces and companion seats are for a buyer who says they need one, until the
  // show is near (then the server leaves out data-wheelchair-kept). The hold checks it too.
  var needs = form.querySelector('input[name="wheelchair"]');
  var kept = form.querySelector("[data-wheelchair-kept]");
  function gate() {
    if (!needs || !kept) return;
    form.querySelectorAll(".seat-wheelchair.is-free input, .seat-companion.is-free input").forEach(function (input) {
      input.disabled = !needs.checked;
      if (input.disabled) input.checked = false;
    });
  }

  form.addEventListener("change", function (event) {
    var input = event.target;
    if (input === needs) {
      gate();
      update();
      return;
    }
    if (input.name !== "seat") return;
    if (input.checked && checked().length > max) {
      input.checked = false;
      notice.textContent = summary.dataset.tooMany;
    } else {
      notice.textContent = "";
    }
    update();
  });

  // Seats may also be toggled with Enter (Space works natively on a checkbox).
  form.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && event.target.name === "seat") {
      event.preventDefault();
      event.target.click();
    }
  });

  // A hall wider than the phone scrolls sideways: start in the middle, facing the screen.
  var scroller = form.querySelector(".seat-map-scroll");
  function centre() {
    if (scroller && scroller.scrollWidth > scroller.clientWidth) {
      scroller.scrollLeft = (scroller.scrollWidth - scroller.clientWidth) / 2;
    }
  }
  centre();

  // The whole hall fits the screen; where that makes seats small for a finger, offer larger
  // ones (the hall then scrolls sideways). Pinch-zoom works either way.
  var zoom = form.querySelector(".seat-zoom");
  var map = form.querySelector(".seat-map");
  function offer() {
    var seat = form.querySelector("#seat-grid .seat");
    if (!zoom || !map || !seat) return;
    var zoomed = map.classList.contains("is-zoomed");
    zoom.hidden = !zoomed && seat.getBoundingClientRect().width >= 24;
  }
  if (zoom && map) {
    zoom.addEventListener("click", function () {
      var on = !map.classList.contains("is-zoomed");
      map.classList.toggle("is-zoomed", on);
      zoom.setAttribute("aria-pressed", on ? "true" : "false");
      centre();
    });
    // Measured again once everything has loaded and whenever the window changes size.
    offer();
    window.addEventListener("load", offer);
    window.addEventListener("resize", offer);
  }

  // The form polls the map every 10 s (its hx-trigger); a tab nobody looks at asks nothing.
  // Here, not in the trigger: htmx's filter ([document.visibilityState === 'visible']) needs
  // eval, which the page's htmx-config refuses (and the CSP with it).
  form.addEventListener("htmx:confirm", function (event) {
    if (event.target === form && document.visibilityState !== "visible") event.preventDefault();
  });

  document.body.addEventListener("htmx:afterSwap", function () {
    gate();
    update();
  });
  var button = form.querySelector('button[type="submit"]:not([name="action"])');
  if (button && button.disabled) button.setAttribute("data-closed", "");
  gate();
  update();
})();
