// LINEのリッチメニュー: show each tile's fields for what it does, hide the second row of a 1×3
// menu, count the label's characters, and redraw the preview (the server draws it with the code
// that draws LINE's image) a moment after each change. The page works without it.
(function () {
  "use strict";
  const form = document.querySelector("[data-rich-menu-form]");
  if (!form) return;
  const image = document.getElementById("rich-menu-preview");
  const problems = document.getElementById("rich-menu-preview-problems");
  let timer = null;
  let sent = 0;

  function rows() {
    const checked = form.querySelector("input[name=rows]:checked");
    return checked ? Number(checked.value) : 2;
  }

  function showFields() {
    form.querySelectorAll("[data-tile]").forEach((tile) => {
      const kind = tile.querySelector("[data-kind]").value;
      tile.querySelectorAll("[data-for-kind]").forEach((field) => {
        field.hidden = field.dataset.forKind !== kind;
      });
      tile.querySelectorAll("[data-not-empty]").forEach((field) => {
        field.hidden = kind === "empty";
      });
      if (tile.hasAttribute("data-second-row")) tile.hidden = rows() === 1;
      const label = tile.querySelector("input[name^=label]");
      const count = tile.querySelector("[data-count]");
      const limit = Number(count.dataset.count);
      const length = [...label.value.trim()].length;
      count.textContent = `${length}/${limit}`;
      count.classList.toggle("over", length > limit);
    });
  }

  async function redraw() {
    const mine = ++sent;
    const data = new FormData(form);
    const response = await fetch(form.dataset.previewUrl, { method: "POST", body: data,
                                                            credentials: "same-origin" });
    if (mine !== sent) return;  // a newer change is on its way
    let answer = {};
    try { answer = await response.json(); } catch (error) { answer = {}; }
    if (answer.image) {
      image.src = answer.image;
      image.hidden = false;
      problems.hidden = true;
      problems.replaceChildren();
      return;
    }
    const list = document.createElement("ul");
    (answer.problems || [{ tile: null, message: "プレビューを描けませんでした。" }]).forEach((problem) => {
      const item = document.createElement("li");
      item.textContent = problem.tile === null ? problem.message
        : `${problem.tile + 1}番目のタイル: ${problem.message}`;
      list.appendChild(item);
    });
    problems.replaceChildren(list);
    problems.hidden = false;
  }

  function changed() {
    showFields();
    clearTimeout(timer);
    timer = setTimeout(() => redraw().catch(() => {}), 400);
  }

  form.addEventListener("input", changed);
  form.addEventListener("change", changed);
  showFields();
  if (image.hidden) changed();  // a refused layout: its problems beside the form too
})();
