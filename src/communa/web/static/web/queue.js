/* The moderation queue's single-key shortcuts (WCAG 2.1.4): they act only while a row of the
   list has the focus, never in a form field, and a switch turns them off (remembered here).
   Enter applies a decision only when items are selected and a decision is chosen. */
(function () {
  "use strict";
  var STORE = "communa.queue-shortcuts";
  var form = document.getElementById("queue-form");
  var box = document.querySelector("[data-queue-keys]");
  var toggle = document.getElementById("queue-keys-on");
  if (!form || !box || !toggle) { return; }
  var help = document.getElementById("queue-keys-help");
  var status = document.getElementById("queue-keys-status");
  var rows = Array.prototype.slice.call(form.querySelectorAll(".queue-row"));
  var decisions = {a: "approve", r: "reject", d: "delete", b: "block"};

  function remembered() {
    try { return window.localStorage.getItem(STORE) !== "off"; } catch (error) { return true; }
  }

  function remember(on) {
    try { window.localStorage.setItem(STORE, on ? "on" : "off"); } catch (error) { /* private mode */ }
  }

  function say(text) { status.textContent = text; }

  // Rows are focusable only while shortcuts are on, as one tab stop (a roving tabindex).
  function focusableRows(on) {
    var current = rows.indexOf(document.activeElement);
    rows.forEach(function (row, index) {
      if (on) { row.tabIndex = index === Math.max(current, 0) ? 0 : -1; } else { row.removeAttribute("tabindex"); }
    });
    help.hidden = !on;
    if (!on) { say(""); }
  }

  function moveTo(index) {
    var next = rows[Math.min(rows.length - 1, Math.max(0, index))];
    rows.forEach(function (row) { row.tabIndex = row === next ? 0 : -1; });
    next.focus();
  }

  function apply() {
    if (!form.querySelector("input[name=items]:checked")) { say(box.dataset.nothingSelected); return; }
    if (!form.querySelector("input[name=decision]:checked")) { say(box.dataset.noDecision); return; }
    form.requestSubmit();
  }

  box.hidden = false;
  toggle.checked = remembered();
  focusableRows(toggle.checked);
  toggle.addEventListener("change", function () {
    remember(toggle.checked);
    focusableRows(toggle.checked);
  });

  form.addEventListener("keydown", function (event) {
    // Only keys pressed on a row itself: not in its check box, its link, or any field below.
    if (!toggle.checked || rows.indexOf(event.target) < 0) { return; }
    if (event.ctrlKey || event.metaKey || event.altKey) { return; }
    var index = rows.indexOf(event.target);
    var key = event.key;
    if (key === "j" || key === "ArrowDown") {
      moveTo(index + 1);
    } else if (key === "k" || key === "ArrowUp") {
      moveTo(index - 1);
    } else if (key === "x" || key === " ") {
      var check = rows[index].querySelector("input[name=items]");
      check.checked = !check.checked;
    } else if (decisions[key]) {
      var radio = form.querySelector("input[name=decision][value=" + decisions[key] + "]");
      if (!radio) { return; }
      radio.checked = true;
      say(radio.parentNode.textContent.trim());
      if (key === "r" || key === "b") { document.getElementById("decision-reason").focus(); }
    } else if (key === "Enter") {
      apply();
    } else {
      return;
    }
    event.preventDefault();
  });
})();
