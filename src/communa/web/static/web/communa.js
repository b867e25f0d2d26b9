/* Communa's own small script: the phone menu and focus after a failed form. Pages work without it. */
(function () {
  "use strict";

  // Disclosure buttons: aria-expanded on the button, .is-open on what it controls.
  function setOpen(button, open) {
    var target = document.getElementById(button.getAttribute("aria-controls"));
    if (!target) { return; }
    button.setAttribute("aria-expanded", open ? "true" : "false");
    target.classList.toggle("is-open", open);
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-disclosure]");
    if (button) { setOpen(button, button.getAttribute("aria-expanded") !== "true"); }
  });

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") { return; }
    document.querySelectorAll("[data-disclosure][aria-expanded=true]").forEach(function (button) {
      var target = document.getElementById(button.getAttribute("aria-controls"));
      if (target && target.contains(document.activeElement)) {
        setOpen(button, false);
        button.focus();
      }
    });
  });

  // After a failed submit the summary of what went wrong takes the focus, so it is read first.
  function focusErrorSummary(root) {
    var summary = (root || document).querySelector("[data-error-summary]");
    if (summary) { summary.focus(); }
  }

  // A poll embedded in a long-read is stored as a link; swap in the live poll (htmx) in its place.
  function loadEmbeds(root) {
    if (!window.htmx) { return; }
    (root || document).querySelectorAll(".embed[data-kind=poll] > a[href]").forEach(function (link) {
      window.htmx.ajax("GET", link.getAttribute("href"), { target: link.parentNode, swap: "innerHTML" });
    });
  }

  document.addEventListener("DOMContentLoaded", function () { focusErrorSummary(document); loadEmbeds(document); });
  document.addEventListener("htmx:afterSwap", function (event) { loadEmbeds(event.target); });
  document.addEventListener("htmx:afterSwap", function (event) { focusErrorSummary(event.target); });
})();
