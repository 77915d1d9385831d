// Progress bars for long work: each .job-progress polls its job's status (same origin, no
// external calls) and, when the job is done, shows its result report.
(function () {
  "use strict";
  function start(section) {
    var url = section.getAttribute("data-job-status-url");
    var bar = section.querySelector(".progress__bar");
    var meter = section.querySelector("[role=progressbar]");
    var label = section.querySelector("[data-job-label]");
    var count = section.querySelector("[data-job-count]");
    var report = section.querySelector("[data-job-report]");
    var delay = 400;
    function show(status) {
      bar.style.width = status.percent + "%";
      meter.setAttribute("aria-valuenow", String(status.percent));
      label.textContent = status.label;
      count.textContent = status.total
        ? status.done + " / " + status.total + (status.unit ? " " + status.unit : "") : "";
      section.setAttribute("data-job-state", status.status);
    }
    function finish(status) {
      section.classList.add(status.failed ? "job-progress--failed"
        : status.refused ? "job-progress--refused" : "job-progress--done");
      fetch(status.report_url, {credentials: "same-origin", headers: {"X-Requested-With": "fetch"}})
        .then(function (r) { return r.text(); })
        .then(function (html) { report.innerHTML = html; report.hidden = false; });
    }
    function poll() {
      fetch(url, {credentials: "same-origin", headers: {"Accept": "application/json"}})
        .then(function (r) { if (!r.ok) { throw new Error(String(r.status)); } return r.json(); })
        .then(function (status) {
          show(status);
          if (status.finished) { finish(status); return; }
          delay = Math.min(delay * 1.2, 3000);
          setTimeout(poll, delay);
        })
        .catch(function () { setTimeout(poll, 3000); });
    }
    poll();
  }
  function init() {
    var sections = document.querySelectorAll(".job-progress[data-job-status-url]");
    for (var i = 0; i < sections.length; i++) {
      if (!sections[i].hasAttribute("data-started")) {
        sections[i].setAttribute("data-started", "");
        start(sections[i]);
      }
    }
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); }
  else { init(); }
})();
