// The compose page's live preview (お知らせ配信): the form is posted to the preview endpoint a
// moment after each change, and the LINE bubble, the SMS (parts and cost), the e-mail and the
// count of people are replaced with what it answers.
(function () {
  "use strict";
  var form = document.getElementById("notice-form");
  var pane = document.getElementById("notice-preview");
  if (!form || !pane) { return; }
  var timer = null;
  function slot(name) { return pane.querySelector('[data-preview="' + name + '"]'); }
  function show(answer) {
    var error = slot("error");
    error.textContent = answer.error || "";
    error.hidden = !answer.error;
    if (answer.error !== undefined) { return; }
    slot("count").textContent = String(answer.count);
    slot("describe").textContent = answer.describe;
    slot("line-text").textContent = answer.line.text;
    var buttons = slot("line-buttons");
    buttons.textContent = "";
    answer.line.buttons.forEach(function (label) {
      var span = document.createElement("span");
      span.className = "button button--secondary";
      span.textContent = label;
      buttons.appendChild(span);
      buttons.appendChild(document.createTextNode(" "));
    });
    slot("sms-text").textContent = answer.sms.text;
    slot("sms-cost").textContent = document.getElementById("sms-cost-text").innerHTML
      .replace("{segments}", answer.sms.segments).replace("{encoding}", answer.sms.encoding)
      .replace("{yen}", answer.sms.yen);
    slot("email-subject").textContent = answer.email.subject;
    slot("email-body").textContent = answer.email.body;
  }
  function refresh() {
    fetch(form.dataset.previewUrl, {method: "POST", body: new FormData(form),
                                    credentials: "same-origin"})
      .then(function (response) { return response.json(); })
      .then(show)
      .catch(function () {});
  }
  form.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(refresh, 400);
  });
})();
