/* Each staff table scrolls inside its own box (.table-scroll in staff.css) rather than
   widening the page on a narrow screen; the box takes focus so the keyboard can scroll it. */
document.querySelectorAll("table.table").forEach(function (table) {
  if (table.parentElement.classList.contains("table-scroll")) { return; }
  var box = document.createElement("div");
  box.className = "table-scroll";
  box.tabIndex = 0;
  table.parentNode.insertBefore(box, table);
  box.appendChild(table);
});
