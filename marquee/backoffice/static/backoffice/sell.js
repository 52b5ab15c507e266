/* The counter sale: Enter in the email, name or reason field does not sell (the form's first
   button is "Cash"); staff press the button they mean. The seat map itself is the public
   site's script (public/seatmap.js). */
(function () {
  "use strict";
  var form = document.getElementById("seat-form");
  if (!form) return;
  form.addEventListener("keydown", function (event) {
    var target = event.target;
    if (event.key === "Enter" && target.tagName === "INPUT" && target.type !== "checkbox") {
      event.preventDefault();
    }
  });
})();
