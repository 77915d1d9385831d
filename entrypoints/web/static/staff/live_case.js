// A live consultation (相談): the case page reloads itself every 15 seconds to show what the
// resident wrote, unless the staff member is typing (the reply box holds text or has focus).
// Without JavaScript, the page's 更新 button does the same.
(function () {
  "use strict";
  setInterval(function () {
    var box = document.getElementById("f-reply");
    var busy = box && (box.value.trim() !== "" || document.activeElement === box);
    if (!busy) { window.location.reload(); }
  }, 15000);
})();
