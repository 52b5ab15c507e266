/* Schedule: on today's timeline, open scrolled to "now" rather than to the morning. */
(function () {
  "use strict";
  var timeline = document.querySelector(".timeline[data-now]");
  if (!timeline) return;
  var scroller = timeline.parentElement;
  if (scroller.scrollWidth <= scroller.clientWidth) return;
  var track = timeline.querySelector(".tl-row .tl-track");
  if (!track) return;
  var now = parseFloat(timeline.dataset.now) / 100 * track.offsetWidth;
  scroller.scrollLeft = Math.max(0, now - track.offsetWidth * 0.05);
})();
