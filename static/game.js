/* quizapp: a countdown, answer keys and one-submit-only forms on the question page, and a
   copy button for the share text. Every page works without this file; the server times and
   judges every answer. */
(function () {
  "use strict";

  // What only holds while this script runs (the answer keys) is hidden in the page itself.
  var jsOnly = document.querySelectorAll("[data-js-only]");
  for (var i = 0; i < jsOnly.length; i++) jsOnly[i].hidden = false;

  // Copy buttons: without JavaScript the readonly text box is there to select and copy.
  var copiers = document.querySelectorAll("[data-copy]");
  for (var j = 0; j < copiers.length; j++) {
    var button = copiers[j];
    button.hidden = false;
    button.addEventListener("click", function (event) {
      var trigger = event.currentTarget;
      var field = document.getElementById(trigger.getAttribute("data-copy"));
      var status = trigger.parentNode.querySelector(".copied");
      if (!field) return;
      var said = function (text) {
        if (status) status.textContent = text;
      };
      var fallback = function () {
        field.focus();
        field.select();
        try {
          said(document.execCommand("copy") ? "Copied." : "Select the text and copy it.");
        } catch (error) {
          said("Select the text and copy it.");
        }
      };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(field.value).then(function () {
          said("Copied.");
        }, fallback);
      } else {
        fallback();
      }
    });
  }
})();

(function () {
  "use strict";

  var form = document.querySelector("[data-answer-form]");
  if (!form) return;

  var sent = false;
  var buttons = form.querySelectorAll("button");
  var typed = form.querySelector("input[name=answer]");

  // Disabled buttons are left out of a form's data, so the chosen one is copied first.
  function lock(submitter) {
    if (submitter && submitter.name) {
      var copy = document.createElement("input");
      copy.type = "hidden";
      copy.name = submitter.name;
      copy.value = submitter.value;
      form.appendChild(copy);
      submitter.classList.add("chosen");
    }
    for (var i = 0; i < buttons.length; i++) buttons[i].disabled = true;
    if (typed) typed.readOnly = true;
    form.classList.add("sent");
  }

  form.addEventListener("submit", function (event) {
    if (sent) {
      event.preventDefault();
      return;
    }
    sent = true;
    lock(event.submitter);
  });

  // Time is up: send what is there (typed text, or an empty answer for a skip). The server
  // decides whether it came in time.
  function timeUp() {
    if (sent || form.hasAttribute("data-no-autoskip")) return;
    sent = true;
    if (!typed) {
      var skip = document.createElement("input");
      skip.type = "hidden";
      skip.name = "answer";
      skip.value = "";
      form.appendChild(skip);
    }
    lock(null);
    form.submit();
  }

  // Keys 1-4 pick a choice (T and F too on true/false), unless the player is typing.
  document.addEventListener("keydown", function (event) {
    if (sent || event.ctrlKey || event.metaKey || event.altKey) return;
    var target = event.target;
    if (target && (target.tagName === "INPUT" || target.tagName === "TEXTAREA")) return;
    var key = (event.key || "").toLowerCase();
    var button =
      form.querySelector('button[data-key="' + key + '"]') ||
      (/^[a-z]$/.test(key) ? form.querySelector('button[data-letter="' + key + '"]') : null);
    if (button) {
      event.preventDefault();
      button.focus();
      button.click();
    }
  });

  var timer = document.querySelector("[data-countdown]");
  if (timer) {
    var shown = timer.querySelector(".timer-value");
    var bar = document.querySelector("progress.time");
    var remaining = parseFloat(timer.getAttribute("data-remaining")) || 0;
    var deadline = Date.now() + remaining * 1000;
    if (bar) bar.hidden = false;
    var tick = function () {
      var left = Math.max(0, (deadline - Date.now()) / 1000);
      shown.textContent = String(Math.ceil(left));
      if (bar) bar.value = left;
      if (left <= 5) timer.classList.add("low");
      if (left <= 0) {
        timer.classList.add("up");
        timeUp();
        return;
      }
      window.setTimeout(tick, 200);
    };
    tick();
  }

  // Typed questions focus their text box (autofocus); the others put the question first for
  // screen readers, with the choices one Tab away.
  if (!typed) {
    var prompt = document.getElementById("prompt");
    if (prompt) prompt.focus({ preventScroll: true });
  }

  // Coming back with the browser's Back button shows a stale, locked page: load it afresh.
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) window.location.reload();
  });
})();
