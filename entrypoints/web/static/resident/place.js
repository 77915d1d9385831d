// The place form of the resident page: a small addition for browsers that know where they are.
// Without JavaScript (or without permission) the form works as it is: an address, and a
// latitude and longitude if the resident types them. Nothing is loaded from elsewhere.
"use strict";

(function () {
  const button = document.getElementById("place-here");
  if (!button || !("geolocation" in navigator)) return;
  const status = document.getElementById("place-status");
  const latitude = document.getElementById("place-latitude");
  const longitude = document.getElementById("place-longitude");
  button.hidden = false;
  button.addEventListener("click", () => {
    status.textContent = button.dataset.busy;
    button.disabled = true;
    navigator.geolocation.getCurrentPosition((position) => {
      latitude.value = position.coords.latitude.toFixed(6);
      longitude.value = position.coords.longitude.toFixed(6);
      status.textContent = "";
      button.disabled = false;
    }, () => {
      status.textContent = button.dataset.failed;
      button.disabled = false;
    }, { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
  });
})();
