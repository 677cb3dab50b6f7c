/* Case forms: "use my location" fills the latitude and longitude inputs (optional, no JS needed
   to send the form). The button only appears where the browser can locate. */
(function () {
  "use strict";
  function init() {
    var button = document.getElementById("use-location");
    if (!button || !("geolocation" in navigator)) return;
    var lat = document.getElementById(button.dataset.lat);
    var lon = document.getElementById(button.dataset.lon);
    var status = document.getElementById("locate-status");
    if (!lat || !lon) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      if (status) status.textContent = button.dataset.busy || "";
      navigator.geolocation.getCurrentPosition(
        function (pos) {
          lat.value = pos.coords.latitude.toFixed(6);
          lon.value = pos.coords.longitude.toFixed(6);
          if (status) status.textContent = button.dataset.done || "";
        },
        function () {
          if (status) status.textContent = button.dataset.failed || "";
        },
        { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 }
      );
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
