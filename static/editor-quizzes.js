/* quizapp: the new-quiz form's tick order. A form sends its ticked checkboxes in page order;
   this keeps the order the editor ticked them in the hidden pick_order field (which the server
   reads first) and numbers the ticked questions. Without it the form still works: the
   questions are asked in the order the page lists them, ticked ones first. */
(function () {
  "use strict";

  var order = document.getElementById("pick_order");
  var list = document.getElementById("pick-list");
  if (!order || !list) return;

  function ids() {
    return order.value.split(/\s+/).filter(Boolean);
  }

  function renumber() {
    var picked = ids();
    var boxes = list.querySelectorAll("input[name=question_ids]");
    for (var i = 0; i < boxes.length; i++) {
      var number = boxes[i].parentNode.querySelector("[data-pick-number]");
      var at = picked.indexOf(boxes[i].value);
      if (number) number.textContent = at < 0 ? "" : String(at + 1);
    }
  }

  // The ticks the page came with (after a filter) keep their order; any the field misses
  // (ticked before this script ran) follow in page order.
  var boxes = list.querySelectorAll("input[name=question_ids]:checked");
  var picked = ids();
  for (var i = 0; i < boxes.length; i++) {
    if (picked.indexOf(boxes[i].value) < 0) picked.push(boxes[i].value);
  }
  order.value = picked.join(" ");
  renumber();

  list.addEventListener("change", function (event) {
    var box = event.target;
    if (!box || box.name !== "question_ids") return;
    var current = ids().filter(function (id) { return id !== box.value; });
    if (box.checked) current.push(box.value);
    order.value = current.join(" ");
    renumber();
  });
})();
