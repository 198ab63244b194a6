"use strict";
// Filters of report.html: each select names a data attribute (data-api, data-check,
// data-severity); an element that has the attribute with another value is hidden. A block of
// class fc (a failure, a table of violations) is hidden when a check or severity filter leaves
// none of its rows (class v) shown. Everything is read from the page: no data, no request.
(function () {
  var selects = document.querySelectorAll("select[data-filter]");
  var counter = document.getElementById("shown");
  var keys = ["api", "check", "severity"];
  function apply() {
    var f = {};
    selects.forEach(function (s) { f[s.getAttribute("data-filter")] = s.value; });
    var byRow = f.check !== "" || f.severity !== "";
    document.querySelectorAll("[data-api],[data-check],[data-severity]").forEach(function (el) {
      el.hidden = keys.some(function (k) {
        var v = el.getAttribute("data-" + k);
        return f[k] && v !== null && v !== f[k];
      });
    });
    document.querySelectorAll(".fc").forEach(function (el) {
      var own = el.matches("[data-api],[data-check],[data-severity]") && el.hidden;
      el.hidden = own || (byRow && !el.querySelector(".v:not([hidden])"));
    });
    var rows = document.querySelectorAll("tr.v"), shown = 0;
    rows.forEach(function (r) { if (!r.closest("[hidden]")) shown++; });
    counter.textContent = shown + " of " + rows.length + " violation and drift rows shown";
  }
  selects.forEach(function (s) { s.addEventListener("change", apply); });
  document.getElementById("reset").addEventListener("click", function () {
    selects.forEach(function (s) { s.value = ""; });
    apply();
  });
  apply();
})();
