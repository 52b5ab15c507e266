/* Stripe's card form (templates/payments/next_card_form.html): Stripe.js turns the card into a
 * payment method in the browser; the site confirms the payment on its server with it and
 * answers JSON {status, next, redirect, message}. The card number never reaches the site. */
(function () {
  "use strict";
  var form = document.getElementById("stripe-card-form");
  if (!form) return;
  var data = form.dataset;
  var button = form.querySelector("button[type=submit]");
  var errors = document.getElementById("card-errors");
  var status = document.getElementById("card-status");
  var buttonText = button.textContent;
  var stripe = null;
  var card = null;

  function showError(message) {
    errors.textContent = message || "";
  }

  function busy(on) {
    button.disabled = on;
    button.setAttribute("aria-busy", on ? "true" : "false");
    button.textContent = on ? data.msgBusy : buttonText;
    status.textContent = on ? data.msgBusy : "";
  }

  function csrfToken() {
    var input = form.querySelector("input[name=csrfmiddlewaretoken]");
    if (input) return input.value;
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  function confirmOnServer(paymentMethod) {
    return fetch(data.confirmUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: {
        "Content-Type": "application/x-www-form-urlencoded",
        "X-CSRFToken": csrfToken(),
        "Accept": "application/json",
      },
      body: new URLSearchParams({payment_method: paymentMethod}).toString(),
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (answer) {
        if (!response.ok && !answer.status) {
          var error = answer.error || {};
          return {status: "failed", message: answer.message || error.message || data.msgUnreachable};
        }
        return answer;
      });
    });
  }

  // The server's word decides; the browser only follows it. A card that needs 3-D Secure
  // answers "action" once: Stripe.js runs the bank's challenge, and the server is asked again.
  function settle(paymentMethod, answer, challenged) {
    if (answer.status === "succeeded" || answer.status === "pending") {
      window.location.assign(answer.redirect || data.returnUrl);
      return null;
    }
    if (answer.status === "action" && answer.next && !challenged) {
      return stripe.handleNextAction({clientSecret: answer.next.client_secret}).then(function (result) {
        return confirmOnServer(paymentMethod).then(function (again) {
          if (again.status === "action") {
            again = {status: "failed", message: (result && result.error && result.error.message) || data.msgAction};
          }
          return settle(paymentMethod, again, true);
        });
      });
    }
    busy(false);
    showError(answer.message || data.msgAction);
    return null;
  }

  function pay(event) {
    event.preventDefault();
    if (!card || button.disabled) return;
    showError("");
    busy(true);
    stripe.createPaymentMethod({type: "card", card: card}).then(function (result) {
      if (!result || result.error || !result.paymentMethod) {
        busy(false);
        showError(result && result.error ? result.error.message : data.msgNotLoaded);
        return null;
      }
      var paymentMethod = result.paymentMethod.id;
      return confirmOnServer(paymentMethod).then(function (answer) {
        return settle(paymentMethod, answer, false);
      });
    }).catch(function () {
      busy(false);
      showError(data.msgUnreachable);
    });
  }

  function mount() {
    if (typeof window.Stripe !== "function") {
      showError(data.msgNotLoaded);
      return;
    }
    stripe = window.Stripe(data.publishableKey);
    var look = window.getComputedStyle(form);
    card = stripe.elements().create("card", {
      style: {base: {color: look.color, fontFamily: look.fontFamily, fontSize: "16px"}},
    });
    card.mount("#card-element");
    card.on("change", function (change) {
      showError(change && change.error ? change.error.message : "");
    });
    form.addEventListener("submit", pay);
    button.disabled = false;
  }

  var script = document.createElement("script");
  script.src = data.jsUrl;
  script.onload = mount;
  script.onerror = function () { showError(data.msgNotLoaded); };
  document.head.appendChild(script);
})();
