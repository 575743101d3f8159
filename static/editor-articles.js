/* quizapp: the fact form of the editors' workspace, made quicker.
   Every page works without this file: the server renders every kind's fields, checks and
   saves. This switches kinds in place, searches the bank's entities as the editor types,
   fills a role from the sentence's suggestions, adds a new entity without leaving the form,
   and asks before retiring. No innerHTML: all text goes in through textContent. */
(function () {
  "use strict";

  var SEARCH_DELAY_MS = 200;

  function all(root, selector) {
    return Array.prototype.slice.call(root.querySelectorAll(selector));
  }

  // --- Retiring asks first --------------------------------------------------------------------

  all(document, "form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      var confirmed = form.querySelector("[data-confirmed]");
      if (!window.confirm(form.getAttribute("data-confirm"))) {
        event.preventDefault();
        return;
      }
      // Without this the server shows its own confirmation page first.
      if (confirmed) confirmed.value = "yes";
    });
  });

  var form = document.querySelector("[data-fact-form]");
  if (!form) return;

  // --- Kinds switch in place ------------------------------------------------------------------

  var select = form.querySelector("[data-kind-select]");
  var hint = form.querySelector("[data-kind-hint]");
  var defaultHint = hint ? hint.textContent : "";
  all(form, "[data-no-js]").forEach(function (el) { el.hidden = true; });
  all(form, "[data-js-only]").forEach(function (el) { el.hidden = false; });

  function currentSet() {
    return form.querySelector("fieldset[data-kind]:not([disabled])");
  }

  // Values typed for a role carry over to the same role of the next kind (event, people ...).
  function carryOver(from, to) {
    if (!from) return;
    all(to, ".ea-role").forEach(function (role) {
      var source = from.querySelector('.ea-role[data-role="' + role.getAttribute("data-role") + '"]');
      if (!source) return;
      var before = all(source, "input").map(function (input) { return input.value; });
      var inputs = all(role, "input");
      if (inputs.every(function (input) { return input.value === ""; })) {
        inputs.forEach(function (input, i) {
          if (i < before.length) input.value = before[i];
          if (input.hasAttribute("data-entity-types")) name(input);
        });
      }
    });
  }

  select.addEventListener("change", function () {
    var before = currentSet();
    var chosen = null;
    all(form, "fieldset[data-kind]").forEach(function (set) {
      var on = set.getAttribute("data-kind") === select.value;
      set.hidden = !on;
      set.disabled = !on;
      if (on) chosen = set;
    });
    if (chosen) carryOver(before, chosen);
    if (hint) hint.textContent = chosen ? chosen.getAttribute("data-description") : defaultHint;
  });

  // --- Suggestions fill a role; "+ another" adds a field --------------------------------------

  function emptyInput(role) {
    var inputs = all(role, "[data-inputs] input");
    for (var i = 0; i < inputs.length; i++) if (inputs[i].value.trim() === "") return inputs[i];
    return addInput(role);
  }

  function addInput(role) {
    var boxes = all(role, "[data-inputs] .ea-input");
    var last = boxes[boxes.length - 1];
    var copy = last.cloneNode(true);
    var input = copy.querySelector("input");
    var named = copy.querySelector("[data-named]");
    var n = boxes.length;
    input.value = "";
    input.required = false;
    input.id = input.id.replace(/-\d+$/, "-" + n);
    named.id = input.id + "-named";
    named.textContent = "";
    input.setAttribute("aria-describedby", input.id.replace(/-\d+$/, "-hint") + " " + named.id);
    var label = role.querySelector("label").textContent.replace(/\(optional\)/, "").trim();
    input.setAttribute("aria-label", label + " " + (n + 1));
    last.parentNode.appendChild(copy);
    return input;
  }

  // Beside a field holding an entity id, the entity's name and type, as the lists know them.
  function name(input) {
    var named = input.parentNode.querySelector("[data-named]");
    var list = document.getElementById(input.getAttribute("list"));
    if (!named || !list) return;
    var found = all(list, "option").filter(function (o) { return o.value === input.value.trim(); })[0];
    named.textContent = found ? found.textContent : "";
  }

  form.addEventListener("click", function (event) {
    var button = event.target.closest("button");
    if (!button) return;
    var role = button.closest(".ea-role");
    if (button.hasAttribute("data-pick")) {
      var many = role.querySelectorAll("[data-inputs] input").length > 1 ||
        role.querySelector("[data-add-input]");
      var input = many ? emptyInput(role) : role.querySelector("[data-inputs] input");
      input.value = button.getAttribute("data-pick");
      input.dispatchEvent(new Event("input", { bubbles: true }));
      input.focus();
    } else if (button.hasAttribute("data-add-input")) {
      addInput(role).focus();
    }
  });

  // --- Entity search fills the datalists -----------------------------------------------------

  var timer = null;
  form.addEventListener("input", function (event) {
    var input = event.target;
    if (!input.hasAttribute("data-entity-types")) return;
    name(input);
    window.clearTimeout(timer);
    timer = window.setTimeout(function () { search(input); }, SEARCH_DELAY_MS);
  });

  function search(input) {
    var query = input.value.trim();
    var list = document.getElementById(input.getAttribute("list"));
    if (!list || query.length < 2) return;
    var url = "/editor/api/entities?q=" + encodeURIComponent(query) +
      "&type=" + encodeURIComponent(input.getAttribute("data-entity-types"));
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (body) {
        if (!body) return;
        // The sentence's own entities stay first; the search's hits follow.
        var keep = all(list, "option[data-suggested]");
        var seen = {};
        keep.forEach(function (o) { seen[o.value] = true; });
        list.replaceChildren.apply(list, keep);
        body.entities.forEach(function (entity) {
          if (seen[entity.id]) return;
          list.appendChild(option(entity));
        });
      })
      .catch(function () { /* the list keeps what the server rendered */ });
  }

  function option(entity) {
    var o = document.createElement("option");
    // The form shows names; the id only where the name alone would not pick the entity.
    o.value = entity.value || entity.id;
    o.textContent = entity.name + " · " + entity.type + (entity.alias ? " · “" + entity.alias + "”" : "");
    return o;
  }

  // --- A new entity, added in place -----------------------------------------------------------

  var dialog = document.querySelector("[data-entity-dialog]");
  var status = document.querySelector("[data-entity-status]");
  if (!dialog || typeof dialog.showModal !== "function") return;
  var entityForm = dialog.querySelector("[data-entity-form]");
  var problems = dialog.querySelector("[data-entity-problems]");
  var opener = null;

  all(document, "a[data-new-entity]").forEach(function (link) {
    link.addEventListener("click", function (event) {
      event.preventDefault();
      opener = link;
      entityForm.reset();
      problems.hidden = true;
      dialog.querySelector("[data-entity-name]").value = link.getAttribute("data-name");
      dialog.querySelector("[data-entity-type]").value = link.getAttribute("data-type");
      // The surname nobody else in the bank has, offered as an alias (the editor may clear it).
      dialog.querySelector("[data-entity-aliases]").value = link.getAttribute("data-aliases") || "";
      dialog.showModal();
      dialog.querySelector("[data-entity-name]").focus();
    });
  });

  dialog.querySelector("[data-dialog-close]").addEventListener("click", function () {
    dialog.close();
  });
  dialog.addEventListener("close", function () { if (opener) opener.focus(); });

  entityForm.addEventListener("submit", function (event) {
    event.preventDefault();
    fetch(entityForm.action, {
      method: "POST",
      body: new FormData(entityForm),
      headers: { Accept: "application/json" },
      credentials: "same-origin",
    })
      .then(function (response) {
        return response.json().then(function (body) { return { ok: response.ok, body: body }; });
      })
      .then(function (result) {
        if (!result.ok) return showProblems(result.body.error);
        added(result.body);
        dialog.close();
      })
      .catch(function () {
        showProblems({ message: "Could not reach the server. Try again, or add it on its own page." });
      });
  });

  function showProblems(error) {
    var messages = error.fields ? error.fields.map(function (f) { return f.message; }) : [error.message];
    problems.replaceChildren();
    messages.forEach(function (message) {
      var item = document.createElement("li");
      item.textContent = message;
      problems.appendChild(item);
    });
    problems.hidden = false;
  }

  function added(entity) {
    all(document, "datalist").forEach(function (list) {
      var types = list.id.replace(/^entities-/, "").split("-");
      if (types.indexOf(entity.type) < 0) return;
      var o = option({ id: entity.id, value: entity.name, name: entity.name, type: entity.type });
      o.textContent = entity.name + " · " + entity.type + " · new";
      o.setAttribute("data-suggested", "");
      list.insertBefore(o, list.firstChild);
    });
    if (opener) {
      known(opener.getAttribute("data-name"), entity);
      opener.closest("li").hidden = true;
      // Focus goes back to where the editor will use the new entity, not to a hidden link.
      opener = select;
    }
    if (status) {
      status.textContent = "Added " + entity.name + " to the bank: type its name in a role field to pick it.";
    }
  }

  // The sentence's mentions of ``text`` name a known entity now: the chips and the marks in
  // the sentence say so at once, as the server would after a reload.
  function known(text, entity) {
    all(document, "li.chip-new_name, li.chip-title").forEach(function (chip) {
      var kind = chip.querySelector(".chip-kind");
      var said = chip.textContent.replace(kind ? kind.textContent : "", "").trim();
      if (said !== text) return;
      chip.className = "chip chip-known";
      chip.setAttribute("data-entity-id", entity.id);
      if (kind) kind.textContent = "known entity";
      chip.replaceChildren.apply(chip, (kind ? [kind] : []).concat([document.createTextNode(" " + entity.name)]));
    });
    all(document, "mark.m-new_name, mark.m-title").forEach(function (mark) {
      var first = mark.firstChild;
      if (!first || first.nodeType !== Node.TEXT_NODE || first.nodeValue !== text) return;
      mark.className = "m m-known";
      mark.setAttribute("data-entity-id", entity.id);
      mark.setAttribute("title", entity.name + " (" + entity.type + ")");
      var label = mark.querySelector(".visually-hidden");
      if (label) label.textContent = " (known entity)";
    });
  }
})();
