/* Waiting room: poll the queue's small JSON answer (served from the cache, in front of Django)
   and show what it says in the status the server drew with every state in it: the place and
   the minutes are set here, a state shown or hidden here. Only a state the page does not hold
   (an expired pass) asks the server to draw the status again (htmx, "queue-changed"); a turn
   that has come goes on to the seat map with the pass the answer set. Without JavaScript the
   page refreshes itself (<noscript> meta refresh). */
(function () {
  "use strict";
  var timer = null;

  function status() { return document.getElementById("queue-status"); }

  function schedule(seconds) {
    clearTimeout(timer);
    timer = setTimeout(poll, Math.max(1, seconds) * 1000);
  }

  function put(box, selector, value) {
    var place = box.querySelector(selector);
    if (place && place.textContent !== String(value)) place.textContent = String(value);
  }

  function show(box, answer) {
    var drawn = box.querySelector('[data-queue-state="' + answer.state + '"]');
    if (!drawn) {
      // Drawn by the server once (an expired pass, with its button): not again at every poll.
      if (box.dataset.state !== answer.state) box.dispatchEvent(new CustomEvent("queue-changed"));
      return;
    }
    if (answer.state === "waiting") {
      put(box, "[data-queue-position]", answer.position);
      put(box, "[data-queue-minutes]", answer.wait_minutes);
    }
    box.querySelectorAll("[data-queue-state]").forEach(function (part) {
      part.hidden = part !== drawn;
    });
    box.dataset.state = answer.state;
  }

  function poll() {
    var box = status();
    if (!box) return;
    fetch(box.dataset.poll, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) throw new Error("queue poll: " + response.status);
        return response.json();
      })
      .then(function (answer) {
        if (answer.state === "admitted" || answer.state === "ended") {
          window.location.assign(answer.next);  // the answer set the pass cookie
          return;
        }
        show(box, answer);
        schedule(answer.refresh_seconds);
      })
      .catch(function () { schedule(2 * Number(box.dataset.refresh || 4)); });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var box = status();
    if (box) schedule(Number(box.dataset.refresh || 4));
  });
  // A status the server drew again (htmx) brings its own interval.
  document.addEventListener("htmx:afterSwap", function () {
    var box = status();
    if (box) schedule(Number(box.dataset.refresh || 4));
  });
})();
