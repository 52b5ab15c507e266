/* After a form comes back with errors, focus its summary, so that keyboard and screen
   reader users start where the problems are listed (each links to its field). */
(function () {
  "use strict";
  var summary = document.querySelector("[data-error-summary]");
  if (summary) summary.focus();
})();
