// 定型文 (ADR 0047): with a script, the chosen canned reply goes into the reply box at the cursor
// without reloading the page (what was typed stays); without one, the form reloads the page
// with the text filled in on the server.
(function () {
  "use strict";
  document.querySelectorAll("form[data-canned]").forEach(function (form) {
    var box = document.getElementById(form.getAttribute("data-canned-target"));
    var select = form.querySelector("select");
    if (!box || !select) { return; }
    form.addEventListener("submit", function (event) {
      var chosen = select.options[select.selectedIndex];
      var text = chosen ? chosen.getAttribute("data-text") || "" : "";
      if (!text) { return; }
      event.preventDefault();
      var start = box.selectionStart || 0, end = box.selectionEnd || 0;
      box.value = box.value.trim() === "" ? text
        : box.value.slice(0, start) + text + box.value.slice(end);
      box.focus();
    });
  });
})();
