/* The calendar's drag and drop: drop a post on another day and it moves there (htmx), keeping
   its time of day. Every post also opens a page with a form to move it, for the keyboard. */
(function () {
  "use strict";
  var dragged = null;

  document.addEventListener("dragstart", function (event) {
    var item = event.target.closest && event.target.closest("[data-move-url]");
    if (!item) { return; }
    dragged = item;
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", item.getAttribute("data-move-url"));
    item.classList.add("dragging");
  });

  document.addEventListener("dragend", function () {
    if (dragged) { dragged.classList.remove("dragging"); }
    dragged = null;
    document.querySelectorAll(".cal-day.drop-target").forEach(function (day) {
      day.classList.remove("drop-target");
    });
  });

  document.addEventListener("dragover", function (event) {
    var day = event.target.closest && event.target.closest(".cal-day[data-day]");
    if (!day || !dragged) { return; }
    event.preventDefault();
    day.classList.add("drop-target");
  });

  document.addEventListener("dragleave", function (event) {
    var day = event.target.closest && event.target.closest(".cal-day[data-day]");
    if (day) { day.classList.remove("drop-target"); }
  });

  document.addEventListener("drop", function (event) {
    var day = event.target.closest && event.target.closest(".cal-day[data-day]");
    if (!day || !dragged || !window.htmx) { return; }
    event.preventDefault();
    var url = dragged.getAttribute("data-move-url") + window.location.search;
    window.htmx.ajax("POST", url, {
      target: "#calendar",
      swap: "outerHTML",
      values: { day: day.getAttribute("data-day") }
    });
  });
})();
