/* 配信対象の編集: a structured editor over the condition's JSON (domain/segments.py), which
   the form's textarea holds. Groups すべて / いずれか / 除く nest; each condition is picked from
   a list and edited in place; every change writes the JSON back and asks the server for the
   count (debounced). Without JavaScript the textarea is edited as it is. */
(function () {
  "use strict";
  var form = document.querySelector("[data-segment-form]");
  var words = document.querySelector("[data-segment-words]");
  if (!form || !words) { return; }
  var box = form.querySelector("textarea[name=condition]");
  var editor = form.querySelector("[data-segment-editor]");
  var live = form.querySelector("[data-live-count]");
  var w = words.dataset;
  var choices = JSON.parse(w.choices);
  var KINDS = ["area", "age", "sex", "household_size", "household_member", "verified",
               "channel", "eligible", "applied", "interest", "association"];
  var LABEL = {area: w.area, age: w.age, sex: w.sex, household_size: w.householdSize,
               household_member: w.householdMember, verified: w.verified, channel: w.channel,
               eligible: w.eligible, applied: w.applied, interest: w.interest,
               association: w.association};
  var root;
  try { root = JSON.parse(box.value); } catch (e) { return; }  // the textarea stays the editor
  if (!root || typeof root !== "object" || !(root.all || root.any)) { root = {all: [root]}; }

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === "text") { node.textContent = attrs[k]; } else { node.setAttribute(k, attrs[k]); }
    });
    (children || []).forEach(function (c) { if (c) { node.appendChild(c); } });
    return node;
  }

  function select(options, value, label, onchange) {
    var s = el("select", {"aria-label": label});
    options.forEach(function (o) {
      var opt = el("option", {value: o.value, text: o.label});
      if (String(o.value) === String(value)) { opt.selected = true; }
      s.appendChild(opt);
    });
    s.addEventListener("change", function () { onchange(s.value); });
    return s;
  }

  function number(value, label, onchange) {
    var input = el("input", {type: "number", min: "0", max: "130", "aria-label": label,
                             inputmode: "numeric", "class": "input--short"});
    input.value = value === undefined || value === null ? "" : value;
    input.addEventListener("input", function () {
      onchange(input.value === "" ? undefined : parseInt(input.value, 10));
    });
    return input;
  }

  function fresh(kind) {
    var first = function (list) { return list.length ? list[0].value : ""; };
    switch (kind) {
      case "area": return {area: choices.areas.length ? [choices.areas[0].value] : []};
      case "age": return {age: {min: 65, month: choices.month}};
      case "household_member": return {household_member: {max: 5, month: choices.month}};
      case "household_size": return {household_size: {min: 2}};
      case "sex": return {sex: "2"};
      case "verified": return {verified: true};
      case "channel": return {channel: "line"};
      case "eligible": return {eligible: first(choices.programs)};
      case "applied": return {applied: first(choices.programs)};
      case "interest": return {interest: first(choices.interests)};
      case "association": return {association: first(choices.associations)};
    }
    return {all: [{verified: true}]};
  }

  function kindOf(node) { return Object.keys(node)[0]; }

  function range(node, kind, unit, withMonth) {
    var body = node[kind];
    var parts = [];
    if (withMonth) {
      var month = el("input", {type: "month", "aria-label": w.month, value: body.month || ""});
      month.addEventListener("change", function () { body.month = month.value; changed(); });
      parts.push(el("span", {text: w.month + " "}), month);
    }
    parts.push(number(body.min, LABEL[kind] + w.min, function (v) {
      if (v === undefined) { delete body.min; } else { body.min = v; }
      changed();
    }), el("span", {text: unit + w.min + " "}));
    parts.push(number(body.max, LABEL[kind] + w.max, function (v) {
      if (v === undefined) { delete body.max; } else { body.max = v; }
      changed();
    }), el("span", {text: unit + w.max}));
    return parts;
  }

  function leaf(node) {
    var kind = kindOf(node);
    var set = function (v) { node[kind] = v; changed(); };
    switch (kind) {
      case "area": {
        var list = el("span", {"class": "segment-areas"});
        choices.areas.forEach(function (a) {
          var box = el("input", {type: "checkbox", value: a.value});
          box.checked = node.area.indexOf(a.value) >= 0;
          box.addEventListener("change", function () {
            node.area = choices.areas.map(function (x) { return x.value; }).filter(function (v) {
              return list.querySelector("input[value='" + v.replace(/'/g, "\\'") + "']").checked;
            });
            changed();
          });
          list.appendChild(el("label", {}, [box, el("span", {text: a.value + "（" + a.count + "）"})]));
        });
        return [list];
      }
      case "age": return range(node, kind, "", true);
      case "household_member": return range(node, kind, "", true);
      case "household_size": return range(node, kind, w.people, false);
      case "sex":
        return [select([{value: "1", label: w.male}, {value: "2", label: w.female}],
                       node.sex, w.sex, set)];
      case "verified":
        return [select([{value: "true", label: w.yes}, {value: "false", label: w.no}],
                       String(node.verified), w.verified,
                       function (v) { set(v === "true"); })];
      case "channel": return [select(choices.channels, node.channel, w.channel, set)];
      case "eligible": case "applied":
        return [select(choices.programs, node[kind], LABEL[kind], set)];
      case "interest":  // a retired interest: shown only in a condition that has it
        return [select(choices.interests.concat((choices.retired_interests || []).filter(
          function (o) { return o.value === node.interest; })), node.interest, w.interest, set)];
      case "association":
        return [select(choices.associations, node.association, w.association, set)];
    }
    return [el("code", {text: JSON.stringify(node)})];
  }

  function group(node, parent, index) {
    var kind = kindOf(node);
    var parts = kind === "not" ? [node.not] : node[kind];
    var box = el("fieldset", {"class": "segment-group segment-group--" + kind});
    var legend = el("legend", {});
    legend.appendChild(select([{value: "all", label: w.all}, {value: "any", label: w.any},
                               {value: "not", label: w.not}], kind, w.pick, function (v) {
      var items = kind === "not" ? [node.not] : node[kind];
      delete node[kind];
      if (v === "not") {
        node.not = items.length === 1 ? items[0] : {all: items};
      } else {
        node[v] = items;
      }
      render();
    }));
    legend.appendChild(el("span", {"class": "muted", text: " " + w[kind + "Hint"]}));
    box.appendChild(legend);
    parts.forEach(function (part, i) {
      var row;
      var sub = kindOf(part);
      if (sub === "all" || sub === "any" || sub === "not") {
        row = group(part, node, i);
      } else {
        row = el("div", {"class": "segment-condition"},
                 [el("strong", {text: (LABEL[sub] || sub) + " "})].concat(leaf(part)));
        if (kind !== "not") { row.appendChild(removeButton(node, kind, i)); }
      }
      box.appendChild(row);
    });
    if (kind !== "not") {
      var adding = el("div", {"class": "segment-adding"});
      var picker = select([{value: "", label: w.add}].concat(KINDS.map(function (k) {
        return {value: k, label: LABEL[k]};
      })), "", w.add, function (v) {
        if (v) { node[kind].push(fresh(v)); render(); }
      });
      var addGroup = el("button", {type: "button", "class": "button button--secondary",
                                   text: w.addGroup});
      addGroup.addEventListener("click", function () {
        node[kind].push({any: [fresh("interest")]});
        render();
      });
      adding.appendChild(picker);
      adding.appendChild(addGroup);
      box.appendChild(adding);
    }
    if (parent) {
      var parentKind = kindOf(parent);
      if (parentKind !== "not") { box.appendChild(removeButton(parent, parentKind, index)); }
    }
    return box;
  }

  function removeButton(owner, kind, index) {
    var b = el("button", {type: "button", "class": "button button--secondary", text: w.remove});
    b.addEventListener("click", function () { owner[kind].splice(index, 1); render(); });
    return b;
  }

  var timer = null;
  var asked = 0;
  function changed() {
    box.value = JSON.stringify(root, null, 1);
    clearTimeout(timer);
    timer = setTimeout(count, 400);
  }

  function count() {
    var mine = ++asked;
    live.hidden = false;
    live.textContent = w.counting;
    fetch(form.dataset.countUrl, {
      method: "POST", credentials: "same-origin",
      headers: {"Content-Type": "application/json", "X-CSRF-Token": form.dataset.csrf,
                "X-Requested-With": "fetch", "Accept": "application/json"},
      body: JSON.stringify({condition: root})
    }).then(function (r) { return r.json(); }).then(function (answer) {
      if (mine !== asked) { return; }
      live.textContent = "";
      if (answer.error || answer.problem) {
        live.appendChild(el("span", {"class": "notice notice--error",
                                     text: answer.problem || answer.error.message}));
        return;
      }
      live.appendChild(el("strong", {text: answer.count ? w.count.replace(
        "{n}", answer.count.toLocaleString("ja-JP")) : w.none}));
      live.appendChild(el("br"));
      live.appendChild(el("span", {"class": "muted", text: answer.words}));
    }).catch(function () { live.textContent = ""; });
  }

  function render() {
    editor.innerHTML = "";
    editor.appendChild(group(root, null, 0));
    changed();
  }

  editor.hidden = false;
  var field = form.querySelector("[data-condition-field]");
  var details = el("details", {});
  details.appendChild(el("summary", {text: w.json}));
  field.parentNode.insertBefore(details, field);
  details.appendChild(field);
  box.addEventListener("change", function () {
    try { root = JSON.parse(box.value); } catch (e) { return; }
    if (!root || typeof root !== "object") { return; }
    if (!(root.all || root.any || root.not)) { root = {all: [root]}; }
    render();
  });
  render();
}());
