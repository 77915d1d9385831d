// 手続きの作成 (ADR 0055): the structured editor over the template JSON. The textarea
// (name="template") is what the form saves; this script builds the editor from it, writes it
// back on every change, and asks the server to check it as staff type (debounced), showing each
// problem beside its place. Fields the editor does not know are kept as they are. Without
// JavaScript the editor stays hidden and staff edit the JSON itself.
(function () {
  "use strict";
  var form = document.getElementById("procedure-form");
  var editor = document.getElementById("editor");
  var box = document.getElementById("template-json");
  if (!form || !editor || !box) { return; }
  var words = document.querySelector("[data-words]").dataset;
  var live = document.querySelector("[data-live-problems]");
  var list = editor.querySelector("[data-questions]");
  var isNew = form.dataset.isNew === "1" || form.getAttribute("data-new") === "1";
  var STEP_KNOWN = ["key", "question", "answer", "label", "hint", "required", "known",
                    "choices", "branches"];
  var PROC_KNOWN = ["id", "title", "steps", "confirm", "completion_message",
                    "requires_verification", "verification_max_age_days", "capacity",
                    "submits", "fee", "survey"];
  var extras = {top: {}, procedure: {}};
  var timer = null;
  var asked = 0;  // the newest check asked: an older answer arriving late is not shown

  function $(root, selector) { return root.querySelector(selector); }
  function $$(root, selector) { return Array.prototype.slice.call(root.querySelectorAll(selector)); }
  function omit(object, keys) {
    var out = {};
    Object.keys(object || {}).forEach(function (k) { if (keys.indexOf(k) < 0) { out[k] = object[k]; } });
    return out;
  }
  function intOf(text) {
    text = String(text || "").trim();
    if (text === "") { return null; }
    return /^-?\d+$/.test(text) ? parseInt(text, 10) : text;  // the check says what is wrong
  }
  function option(value, text) {
    var o = document.createElement("option");
    o.value = value; o.textContent = text; return o;
  }
  function fill(select, options, keep) {
    var chosen = keep !== undefined ? keep : select.value;
    var first = select.querySelector("option[value='']");
    select.innerHTML = "";
    if (first) { select.appendChild(first); }
    options.forEach(function (pair) { select.appendChild(option(pair[0], pair[1])); });
    select.value = chosen;
    if (select.value !== String(chosen) && chosen !== "" && chosen !== null && chosen !== undefined) {
      select.appendChild(option(chosen, chosen)); select.value = chosen;  // kept, the check says
    }
  }

  function choose(select, value) {  // a fixed list: keep an unknown value (the check says why)
    select.value = value || "";
    if (value && select.value !== value) { select.appendChild(option(value, value)); select.value = value; }
  }

  // -- questions ------------------------------------------------------------------------------
  function questions() { return $$(list, "[data-question]"); }
  function stepOf(li) { return li._step || {}; }

  function addChoice(li, choice) {
    var item = document.getElementById("choice-template").content.firstElementChild.cloneNode(true);
    $(item, "[data-c=value]").value = choice.value || "";
    $(item, "[data-c=label]").value = choice.label || "";
    $(li, "[data-choices]").appendChild(item);
    return item;
  }

  function addBranch(li, branch) {
    var item = document.getElementById("branch-template").content.firstElementChild.cloneNode(true);
    item._when = branch.when_value === undefined ? "" : branch.when_value;
    item._goto = branch.goto || "";
    $(li, "[data-branches]").appendChild(item);
    return item;
  }

  function addQuestion(step, before) {
    var li = document.getElementById("question-template").content.firstElementChild.cloneNode(true);
    li._step = omit(step, STEP_KNOWN.concat(ruleNames()));
    $(li, "[data-s=key]").value = step.key || "";
    $(li, "[data-s=question]").value = step.question || "";
    $(li, "[data-s=answer]").value = step.answer || "text";
    $(li, "[data-s=label]").value = step.label || "";
    $(li, "[data-s=hint]").value = step.hint || "";
    $(li, "[data-s=required]").checked = step.required !== false;
    choose($(li, "[data-s=known]"), step.known || "");
    $$(li, "[data-kind][data-s]").forEach(function (el) {
      var name = el.getAttribute("data-s"), value = step[name], kind = el.getAttribute("data-kind");
      if (kind === "flag") { el.checked = value === true; }
      else if (kind === "weekdays") {
        $$(el, "input").forEach(function (box) { box.checked = (value || []).indexOf(parseInt(box.value, 10)) >= 0; });
      } else if (kind === "step") { el._value = value || ""; }
      else if (el.tagName === "SELECT") { choose(el, value || ""); }
      else { el.value = value === undefined || value === null ? "" : value; }
    });
    (step.choices || []).forEach(function (c) { addChoice(li, c); });
    (step.branches || []).forEach(function (b) { addBranch(li, b); });
    list.insertBefore(li, before || null);
    return li;
  }

  function ruleNames() {
    var template = document.getElementById("question-template").content;
    return $$(template, "[data-kind][data-s]").map(function (el) { return el.getAttribute("data-s"); });
  }

  function dumpQuestion(li) {
    var step = {};
    step.key = $(li, "[data-s=key]").value.trim();
    step.question = $(li, "[data-s=question]").value;
    step.answer = $(li, "[data-s=answer]").value;
    var type = step.answer;
    if (!$(li, "[data-s=required]").checked) { step.required = false; }
    ["label", "hint"].forEach(function (name) {
      var v = $(li, "[data-s=" + name + "]").value;
      if (v !== "") { step[name] = v; }
    });
    var known = $(li, "[data-s=known]").value;
    if (known) { step.known = known; }
    if (type === "choice") {
      step.choices = $$(li, "[data-choice]").map(function (item) {
        return {value: $(item, "[data-c=value]").value.trim(), label: $(item, "[data-c=label]").value.trim()};
      });
    }
    $$(li, "[data-kind][data-s]").forEach(function (el) {
      var holder = el.closest("[data-types]");
      if (holder && holder.getAttribute("data-types").split(" ").indexOf(type) < 0) { return; }
      var name = el.getAttribute("data-s"), kind = el.getAttribute("data-kind");
      if (kind === "flag") { if (el.checked) { step[name] = true; } }
      else if (kind === "weekdays") {
        var days = $$(el, "input:checked").map(function (b) { return parseInt(b.value, 10); });
        if (days.length) { step[name] = days; }
      } else if (kind === "int") { var n = intOf(el.value); if (n !== null) { step[name] = n; } }
      else if (el.value !== "") { step[name] = el.value; }
    });
    var branches = $$(li, "[data-branch]").map(function (item) {
      return {when_value: whenOf(item, type), "goto": $(item, "[data-b=goto]").value};
    });
    if (branches.length) { step.branches = branches; }
    return Object.assign(step, stepOf(li));  // what the editor does not know, kept after
  }

  function whenOf(item, type) {
    var select = $(item, "[data-b=when-select]"), text = $(item, "[data-b=when-text]");
    if (!select.hidden) {
      var v = select.value;
      if (v === "\u0000null") { return null; }
      if (v === "\u0000true") { return true; }
      if (v === "\u0000false") { return false; }
      return v;
    }
    if (type === "number") { var n = intOf(text.value); return n === null ? "" : n; }
    return text.value;
  }

  // -- the whole template ---------------------------------------------------------------------
  function load(template) {
    template = template && typeof template === "object" ? template : {};
    var proc = template.procedure && typeof template.procedure === "object" ? template.procedure : {};
    extras.top = omit(template, ["procedure", "routing"]);
    extras.procedure = omit(proc, PROC_KNOWN);
    extras.routing = template.routing || null;
    var idField = $(editor, "[data-p=id]");
    if (idField) { idField.value = proc.id || ""; }
    $(editor, "[data-p=title]").value = proc.title || "";
    $(editor, "[data-p=confirm]").checked = proc.confirm !== false;
    $(editor, "[data-p=completion_message]").value = proc.completion_message || "";
    $(editor, "[data-p=requires_verification]").checked = proc.requires_verification === true;
    $(editor, "[data-p=verification_max_age_days]").value = proc.verification_max_age_days == null ? "" : proc.verification_max_age_days;
    $(editor, "[data-p=capacity]").value = proc.capacity == null ? "" : proc.capacity;
    $(editor, "[data-p=guide_only]").checked = proc.submits === false;
    $(editor, "[data-p=survey]").checked = !!proc.survey;
    $(editor, "[data-p=survey_named]").checked = !!(proc.survey && proc.survey.named === true);
    list.innerHTML = "";
    (Array.isArray(proc.steps) ? proc.steps : []).forEach(function (s) { addQuestion(s || {}); });
    var routing = template.routing || {};
    var dflt = $(editor, "[data-r=default]");
    choose(dflt, routing["default"] || "");
    $(editor, "[data-r=answer_key]")._value = routing.answer_key || "";
    editor._byValue = routing.by_value || {};
    var fee = proc.fee || {};
    $$(editor, "[data-fee-field]").forEach(function (el) {
      var v = fee[el.getAttribute("data-fee-field")];
      if (el.tagName === "SELECT") { el._value = v || ""; } else { el.value = v == null ? "" : v; }
    });
    refresh();
  }

  function dump() {
    var proc = {};
    var idField = $(editor, "[data-p=id]");
    var original = {};
    try { original = JSON.parse(box.value).procedure || {}; } catch (e) { original = {}; }
    proc.id = idField ? idField.value.trim() : (original.id || "");
    proc.title = $(editor, "[data-p=title]").value.trim();
    proc.steps = questions().map(dumpQuestion);
    if (!$(editor, "[data-p=confirm]").checked) { proc.confirm = false; }
    var done = $(editor, "[data-p=completion_message]").value;
    if (done.trim() !== "") { proc.completion_message = done; }
    if ($(editor, "[data-p=requires_verification]").checked) { proc.requires_verification = true; }
    ["verification_max_age_days", "capacity"].forEach(function (name) {
      var n = intOf($(editor, "[data-p=" + name + "]").value);
      if (n !== null) { proc[name] = n; }
    });
    if ($(editor, "[data-p=guide_only]").checked) { proc.submits = false; }
    if ($(editor, "[data-p=survey]").checked) {
      proc.survey = {named: $(editor, "[data-p=survey_named]").checked};
    }
    var amount = $(editor, "[data-fee-field=amount]");
    if (amount && amount.value.trim() !== "") {
      var fee = {amount: intOf(amount.value)};
      ["per_answer", "label", "unit"].forEach(function (name) {
        var v = $(editor, "[data-fee-field=" + name + "]").value.trim();
        if (v !== "") { fee[name] = v; }
      });
      proc.fee = fee;
    }
    var out = Object.assign({format: "madoguchi.procedure", version: 1}, extras.top);
    out.procedure = Object.assign(proc, extras.procedure);
    var dflt = $(editor, "[data-r=default]").value;
    if (dflt) {
      var routing = {"default": dflt};
      var key = $(editor, "[data-r=answer_key]").value;
      if (key) {
        routing.answer_key = key;
        var byValue = {};
        $$(editor, "[data-route-value]").forEach(function (item) {
          var chosen = $(item, "[data-route-department]").value;
          if (chosen) { byValue[item.getAttribute("data-route-value")] = chosen; }
        });
        if (Object.keys(byValue).length) { routing.by_value = byValue; }
      }
      out.routing = routing;
    }
    return out;
  }

  // -- what depends on the questions: numbers, places to go, the routing's and fee's choices ---
  function titleOf(li, index) {
    var s = $(li, "[data-s=label]").value || $(li, "[data-s=question]").value || $(li, "[data-s=key]").value;
    return (index + 1) + ". " + s.slice(0, 30);
  }

  function refresh() {
    var all = questions();
    // a question's key renamed: what pointed at the old key follows it (a branch, the routing)
    var renamed = {};
    all.forEach(function (li) {
      var key = $(li, "[data-s=key]").value.trim();
      if (!key) { return; }  // half typed: wait for the new key
      if (li._key && li._key !== key) { renamed[li._key] = key; }
      li._key = key;
    });
    all.forEach(function (li) {  // so does a choice's value renamed (its branches, its routing)
      li._renamedValues = {};
      $$(li, "[data-choice]").forEach(function (item) {
        var value = $(item, "[data-c=value]").value.trim();
        if (!value) { return; }
        if (item._v && item._v !== value) { li._renamedValues[item._v] = value; }
        item._v = value;
      });
    });
    function follow(value) { return Object.prototype.hasOwnProperty.call(renamed, value) ? renamed[value] : value; }
    all.forEach(function (li, index) {
      var type = $(li, "[data-s=answer]").value;
      $(li, "[data-q-title]").textContent = words.question + " " + (index + 1);
      li.setAttribute("data-key", $(li, "[data-s=key]").value.trim());
      $$(li, "[data-types]").forEach(function (el) {
        el.hidden = el.getAttribute("data-types").split(" ").indexOf(type) < 0;
      });
      var later = all.slice(index + 1).map(function (other, n) {
        return [$(other, "[data-s=key]").value.trim(), titleOf(other, index + 1 + n)];
      });
      later.push(["$confirm", words.confirm]);
      $$(li, "[data-branch]").forEach(function (item) {
        var go = $(item, "[data-b=goto]");
        fill(go, later, follow(item._goto !== undefined ? item._goto : go.value));
        item._goto = undefined;
        whenChoices(li, item, type);
      });
      var earlier = all.slice(0, index).map(function (other, n) {
        return [$(other, "[data-s=key]").value.trim(), titleOf(other, n)];
      });
      $$(li, "[data-kind=step]").forEach(function (el) {
        fill(el, earlier, follow(el._value !== undefined ? el._value : el.value)); el._value = undefined;
      });
    });
    var choiceQuestions = all.filter(function (li) { return $(li, "[data-s=answer]").value === "choice"; });
    var keySelect = $(editor, "[data-r=answer_key]");
    fill(keySelect, choiceQuestions.map(function (li) {
      return [$(li, "[data-s=key]").value.trim(), titleOf(li, all.indexOf(li))];
    }), follow(keySelect._value !== undefined ? keySelect._value : keySelect.value));
    keySelect._value = undefined;
    routeValues(all);
    var per = $(editor, "[data-fee-field=per_answer]");
    if (per) {
      fill(per, all.filter(function (li) { return $(li, "[data-s=answer]").value === "number"; })
        .map(function (li) { return [$(li, "[data-s=key]").value.trim(), titleOf(li, all.indexOf(li))]; }),
        follow(per._value !== undefined ? per._value : per.value));
      per._value = undefined;
    }
  }

  function whenChoices(li, item, type) {
    var select = $(item, "[data-b=when-select]"), text = $(item, "[data-b=when-text]");
    var kept = item._when !== undefined ? item._when : whenOf(item, type);
    item._when = undefined;
    if (typeof kept === "string" && li._renamedValues &&
        Object.prototype.hasOwnProperty.call(li._renamedValues, kept)) { kept = li._renamedValues[kept]; }
    var options = null;
    if (type === "choice") {
      options = $$(li, "[data-choice]").map(function (c) {
        var v = $(c, "[data-c=value]").value.trim();
        return [v, $(c, "[data-c=label]").value.trim() || v];
      });
    } else if (type === "yes_no") {
      options = [["\u0000true", words.yes], ["\u0000false", words.no]];
    }
    if (options && !$(li, "[data-s=required]").checked) { options.push(["\u0000null", words.skipped]); }
    select.hidden = options === null;
    text.hidden = options !== null;
    if (options) {
      var value = kept === null ? "\u0000null" : kept === true ? "\u0000true" : kept === false ? "\u0000false" : String(kept);
      if (!select.firstChild) { select.appendChild(option("", words.choose)); }
      fill(select, options, value);
    } else {
      text.value = kept === null || kept === true || kept === false ? "" : kept;
    }
  }

  function routeValues(all) {
    var holder = $(editor, "[data-route-values]");
    var key = $(editor, "[data-r=answer_key]").value;
    var chosen = {};
    $$(holder, "[data-route-value]").forEach(function (item) {
      chosen[item.getAttribute("data-route-value")] = $(item, "[data-route-department]").value;
    });
    if (editor._byValue) { chosen = Object.assign({}, editor._byValue); editor._byValue = null; }
    holder.innerHTML = "";
    var question = all.filter(function (li) { return $(li, "[data-s=key]").value.trim() === key; })[0];
    if (!key || !question) { return; }
    Object.keys(question._renamedValues || {}).forEach(function (before) {
      if (Object.prototype.hasOwnProperty.call(chosen, before)) {
        chosen[question._renamedValues[before]] = chosen[before];
        delete chosen[before];
      }
    });
    var template = $(editor, "[data-route-value-template]").content.firstElementChild;
    $$(question, "[data-choice]").forEach(function (c) {
      var value = $(c, "[data-c=value]").value.trim();
      var item = template.cloneNode(true);
      item.setAttribute("data-route-value", value);
      $(item, "[data-route-label]").textContent = $(c, "[data-c=label]").value.trim() || value;
      choose($(item, "[data-route-department]"), chosen[value] || "");
      holder.appendChild(item);
    });
  }

  // -- keeping the JSON in sync and checking it --------------------------------------------------
  function sync() {
    refresh();
    box.value = JSON.stringify(dump(), null, 2);
    schedule();
  }

  function schedule() {
    clearTimeout(timer);
    timer = setTimeout(check, 400);
  }

  function check() {
    var template;
    try { template = JSON.parse(box.value); } catch (e) {
      show([{section: "procedure", message: live.dataset.unreadable, place: ""}]);
      return;
    }
    var mine = ++asked;
    fetch(form.dataset.checkUrl, {
      method: "POST", credentials: "same-origin",
      headers: {"Content-Type": "application/json", "X-CSRF-Token": form.dataset.csrf,
                "X-Requested-With": "fetch", "Accept": "application/json"},
      body: JSON.stringify({template: template, "new": isNew})
    }).then(function (r) { return r.json(); })
      .then(function (answer) {
        if (mine !== asked) { return; }
        if (answer.error) {  // signed out, or no longer allowed: say so, not "no problems"
          show([{section: "procedure", message: answer.error.message}]);
          return;
        }
        show(answer.problems || []);
      })
      .catch(function () { /* the save checks again */ });
  }

  function show(problems) {
    $$(editor, ".problems").forEach(function (ul) { ul.innerHTML = ""; });
    var all = questions();
    var summary = document.createElement("ul");
    problems.forEach(function (p) {
      var target = null;
      if (p.section === "step") {
        var li = p.step ? all.filter(function (q) { return q.getAttribute("data-key") === p.step; })[0]
          : all[p.step_index];
        target = li ? $(li, "[data-q-problems]") : null;
      } else {
        target = $(editor, "[data-problems-for=" + p.section + "]");
      }
      target = target || $(editor, "[data-problems-for=procedure]");
      var line = document.createElement("li");
      line.textContent = p.message;
      target.appendChild(line);
      var copy = document.createElement("li");
      copy.textContent = p.message;
      summary.appendChild(copy);
    });
    live.innerHTML = "";
    live.className = "live-problems notice " + (problems.length ? "notice--error" : "notice--success");
    if (problems.length) {
      var head = document.createElement("p");
      head.textContent = live.dataset.title + "（" + problems.length + "）";
      live.appendChild(head); live.appendChild(summary);
    } else {
      live.textContent = live.dataset.ok;
    }
  }

  // -- publishing what was not saved would publish the draft before these changes ------------
  var dirty = false;
  function changed() { dirty = true; }
  $$(form, "[data-placing] input").forEach(function (el) { el.addEventListener("input", changed); });
  var publishForm = document.querySelector("[data-publish-form]");
  if (publishForm) {
    publishForm.addEventListener("submit", function (event) {
      if (!dirty) { return; }
      event.preventDefault();
      var unsaved = document.querySelector("[data-unsaved]");
      unsaved.hidden = false;
      unsaved.setAttribute("tabindex", "-1");
      unsaved.focus();
    });
  }

  // -- events -------------------------------------------------------------------------------------
  editor.addEventListener("input", function () { changed(); sync(); });
  editor.addEventListener("change", function () { changed(); sync(); });
  editor.addEventListener("click", function (event) {
    var button = event.target.closest("button");
    if (!button || !editor.contains(button)) { return; }
    changed();
    var li = button.closest("[data-question]");
    if (button.hasAttribute("data-add-question")) {
      var used = questions().map(function (q) { return $(q, "[data-s=key]").value; });
      var n = questions().length + 1;
      while (used.indexOf("q" + n) >= 0) { n += 1; }
      var added = addQuestion({key: "q" + n, question: "", answer: "text"});
      sync();
      $(added, "[data-s=question]").focus();
    } else if (button.hasAttribute("data-remove") && li) {
      li.remove(); sync();
    } else if (button.hasAttribute("data-move") && li) {
      if (button.getAttribute("data-move") === "-1" && li.previousElementSibling) {
        list.insertBefore(li, li.previousElementSibling);
      } else if (button.getAttribute("data-move") === "1" && li.nextElementSibling) {
        list.insertBefore(li.nextElementSibling, li);
      }
      sync(); button.focus();
    } else if (button.hasAttribute("data-add-choice") && li) {
      var count = $$(li, "[data-choice]").length + 1;
      var item = addChoice(li, {value: String(count), label: ""});
      sync(); $(item, "[data-c=label]").focus();
    } else if (button.hasAttribute("data-remove-choice")) {
      button.closest("[data-choice]").remove(); sync();
    } else if (button.hasAttribute("data-add-branch") && li) {
      addBranch(li, {when_value: "", "goto": "$confirm"}); sync();
    } else if (button.hasAttribute("data-remove-branch")) {
      button.closest("[data-branch]").remove(); sync();
    }
  });
  box.addEventListener("input", function () {
    var parsed;
    changed();
    try { parsed = JSON.parse(box.value); } catch (e) {
      show([{section: "procedure", message: live.dataset.unreadable}]);
      return;
    }
    load(parsed);
    schedule();
  });

  var start;
  try { start = JSON.parse(box.value); } catch (e) { start = {}; }
  editor.hidden = false;
  $(form, "[data-raw-json]").open = false;
  load(start);
  schedule();
})();
