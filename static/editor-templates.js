/* quizapp: the template form's live preview. The page works without this file (its Preview
   button asks the server); with it, the preview follows the typing. Everything from the
   server or the editor goes into the page as text (textContent), never as HTML. */
(function () {
  "use strict";

  var form = document.getElementById("template-form");
  var panel = document.getElementById("preview");
  if (!form || !panel || !window.fetch) return;

  var DELAY_MS = 300;
  var SEVERITIES = { error: "Error", warning: "Warning" };
  var kind = form.elements.kind;
  var style = form.elements.style;
  var answer = form.elements.answer_role;
  var publish = document.getElementById("publish-button");
  var publishNote = document.getElementById("publish-note");
  var noteText = publishNote ? publishNote.textContent : "";
  var status = document.getElementById("preview-status");
  var problemList = document.getElementById("preview-problems");
  var questionList = document.getElementById("preview-questions");
  var more = document.getElementById("preview-more");
  var timer = null;
  var inFlight = null;

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function clear(node) {
    while (node.firstChild) node.removeChild(node.firstChild);
  }

  // The server's "sentence" filter: a capital first letter and a full stop.
  function sentence(text) {
    text = String(text || "").trim();
    if (text && ".!?".indexOf(text.charAt(text.length - 1)) < 0) text += ".";
    return text.charAt(0).toUpperCase() + text.slice(1);
  }

  function plural(n, word) {
    return n + " " + word + (n === 1 ? "" : "s");
  }

  function styleLabel(value) {
    for (var i = 0; i < style.options.length; i++) {
      if (style.options[i].value === value) return style.options[i].textContent;
    }
    return value;
  }

  function setPublishable(ok) {
    panel.setAttribute("data-can-publish", ok ? "true" : "false");
    if (!publish) return;
    publish.disabled = !ok;
    if (publishNote) {
      publishNote.textContent = ok ? noteText : "Fix the errors in the preview to publish.";
    }
  }

  // --- The kind decides the answer roles and the slots shown ------------------------------

  function selectedRoles() {
    var option = kind.options[kind.selectedIndex];
    var roles = option ? option.getAttribute("data-roles") : null;
    return roles ? roles.split(" ").filter(Boolean) : null;
  }

  function showKind() {
    var cards = document.querySelectorAll(".kind-card[data-kind]");
    for (var i = 0; i < cards.length; i++) {
      cards[i].hidden = cards[i].getAttribute("data-kind") !== kind.value;
    }
    var roles = selectedRoles();
    if (!roles) return; // not a known kind: leave the answer as the editor has it
    var current = answer.value;
    clear(answer);
    roles.forEach(function (role) {
      var option = el("option", null, role);
      option.value = role;
      option.selected = role === current;
      answer.appendChild(option);
    });
    if (roles.indexOf(current) < 0 && roles.length) answer.value = roles[0];
  }

  // --- Rendering the preview --------------------------------------------------------------

  function problemItem(problem) {
    var severity = SEVERITIES[problem.severity] ? problem.severity : "warning";
    var item = el("li", "problem problem-" + severity);
    item.appendChild(el("span", "severity", SEVERITIES[severity]));
    var body = el("span", "problem-body");
    if (problem.field) {
      var where = el("span", "problem-where", problem.field.replace(/_/g, " "));
      if (problem.column) where.appendChild(document.createTextNode(", column " + problem.column));
      if (problem.text) {
        where.appendChild(document.createTextNode(": "));
        where.appendChild(el("code", null, problem.text));
      }
      body.appendChild(where);
      body.appendChild(document.createTextNode(" "));
    }
    body.appendChild(el("span", "problem-message", sentence(problem.message)));
    item.appendChild(body);
    return item;
  }

  function questionCard(q) {
    var card = el("article", "question preview-question");
    var meta = el("p", "meta");
    meta.appendChild(el("span", "badge style-" + q.style, styleLabel(q.style)));
    var fact = el("span", "provenance", "fact ");
    fact.appendChild(el("code", null, q.fact_id));
    meta.appendChild(fact);
    card.appendChild(meta);
    card.appendChild(el("p", "prompt", q.prompt));
    if (q.choices && q.choices.length) {
      var choices = el("ol", "choices");
      q.choices.forEach(function (choice) {
        choices.appendChild(el("li", null, choice));
      });
      card.appendChild(choices);
    }
    var line = el("p", "answer-line");
    line.appendChild(el("strong", null, "Answer:"));
    var answerText = " " + (q.answer || []).join(" and ");
    if (q.style === "true_false") answerText += " (the true value is " + q.solution + ")";
    line.appendChild(document.createTextNode(answerText));
    card.appendChild(line);
    if (q.explanation) card.appendChild(el("p", "explanation", q.explanation));
    var quote = el("blockquote", "evidence");
    quote.appendChild(el("p", null, q.evidence));
    var source = el("footer", null, "— ");
    source.appendChild(el("cite", null, q.article_title));
    quote.appendChild(source);
    card.appendChild(quote);
    return card;
  }

  function showMarked(field, parts) {
    var box = document.getElementById(field + "-marked");
    if (!box) return;
    var target = box.querySelector(".marked-text");
    clear(target);
    var marks = 0;
    (parts || []).forEach(function (part) {
      if (part.severity && SEVERITIES[part.severity]) {
        var mark = el("mark", "mark-" + part.severity, part.text);
        if (part.note) mark.title = part.note;
        target.appendChild(mark);
        marks++;
      } else {
        target.appendChild(document.createTextNode(part.text));
      }
    });
    box.hidden = marks === 0;
  }

  function render(data) {
    var n = data.question_count;
    var text = "Makes " + plural(n, "question");
    if (data.sampled) {
      text += " from " + data.sampled.facts_tried.toLocaleString("en") + " of its kind's " +
        data.sampled.facts.toLocaleString("en") +
        " facts (a sample; publishing checks every one)";
    }
    text += " · " + plural(data.errors, "error") + " · " + plural(data.warnings, "warning");
    if (data.errors) text += ". Errors must be fixed before publishing.";
    status.textContent = text;
    clear(problemList);
    data.problems.forEach(function (p) { problemList.appendChild(problemItem(p)); });
    clear(questionList);
    data.questions.forEach(function (q) { questionList.appendChild(questionCard(q)); });
    more.hidden = n <= data.questions.length;
    more.textContent = more.hidden ? "" : "The first " + data.questions.length + " of " + n +
      " questions are shown; the problems above cover them all.";
    Object.keys(data.marked || {}).forEach(function (field) {
      showMarked(field, data.marked[field]);
    });
    setPublishable(data.can_publish);
  }

  function failed(message) {
    status.textContent = message;
    // The server refuses a bad publish anyway; do not keep the button locked on a hiccup.
    setPublishable(true);
  }

  // --- Asking the server -------------------------------------------------------------------

  function draft() {
    return {
      kind: kind.value,
      style: style.value,
      prompt: form.elements.prompt.value,
      answer_role: answer.value,
      explanation: form.elements.explanation.value,
      requires: form.elements.requires ? form.elements.requires.value : null,
      id: form.getAttribute("data-template-id") || ""
    };
  }

  function refresh() {
    if (inFlight) inFlight.abort();
    var controller = window.AbortController ? new AbortController() : null;
    inFlight = controller;
    panel.classList.add("busy");
    status.textContent = "Updating the preview…";
    fetch(form.getAttribute("data-preview-url"), {
      method: "POST",
      credentials: "same-origin",
      headers: {
        "Content-Type": "application/json",
        "Accept": "application/json",
        "X-CSRFToken": form.elements.csrf_token.value
      },
      body: JSON.stringify(draft()),
      signal: controller ? controller.signal : undefined
    })
      .then(function (response) {
        if (response.status === 401) {
          throw new Error("Your login has ended: log in again in another tab, then keep typing.");
        }
        if (!response.ok) {
          throw new Error("The preview is not available (error " + response.status +
            "); reload the page, or use the Preview button.");
        }
        return response.json();
      })
      .then(function (data) {
        if (inFlight !== controller) return; // a newer request is on its way
        render(data);
      })
      .catch(function (error) {
        if (error && error.name === "AbortError") return;
        failed(error && error.message ? error.message : "The preview is not available.");
      })
      .then(function () {
        if (inFlight === controller) {
          inFlight = null;
          panel.classList.remove("busy");
        }
      });
  }

  function later() {
    if (timer) clearTimeout(timer);
    timer = setTimeout(refresh, DELAY_MS);
  }

  kind.addEventListener("change", function () {
    showKind();
    later();
  });
  style.addEventListener("change", later);
  answer.addEventListener("change", later);
  form.elements.prompt.addEventListener("input", later);
  form.elements.explanation.addEventListener("input", later);

  setPublishable(panel.getAttribute("data-can-publish") !== "false");
})();
