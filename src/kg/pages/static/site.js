/* county-kg: the language switch and sortable tables. */
(function () {
  "use strict";
  var root = document.documentElement;

  function setLanguage(lang, remember) {
    root.setAttribute("data-lang", lang);
    root.setAttribute("lang", lang);
    if (remember) {
      try { window.localStorage.setItem("county-kg-lang", lang); } catch (e) { /* private mode: not kept */ }
    }
    document.querySelectorAll("[data-set-lang]").forEach(function (button) {
      button.setAttribute("aria-pressed", String(button.getAttribute("data-set-lang") === lang));
    });
    document.querySelectorAll("[data-aria]").forEach(function (element) {
      var labels = JSON.parse(element.getAttribute("data-aria"));
      if (labels[lang]) { element.setAttribute("aria-label", labels[lang]); }
    });
    document.dispatchEvent(new CustomEvent("kg:lang", {detail: lang}));
  }
  window.kgLanguage = function () { return root.getAttribute("data-lang") || "en"; };
  document.querySelectorAll("[data-set-lang]").forEach(function (button) {
    button.addEventListener("click", function () { setLanguage(button.getAttribute("data-set-lang"), true); });
  });
  setLanguage(window.kgLanguage(), false);

  // Sortable tables: each column heading is a button; the cells' data-sort values decide.
  document.querySelectorAll("table.sortable").forEach(function (table) {
    var headings = table.querySelectorAll("thead th");
    headings.forEach(function (th, column) {
      var button = th.querySelector("button");
      if (!button) { return; }
      button.addEventListener("click", function () {
        var ascending = th.getAttribute("aria-sort") !== "ascending";
        var numeric = th.getAttribute("data-sort-type") === "number";
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var x = cellKey(a.cells[column]), y = cellKey(b.cells[column]);
          var order;
          if (numeric) {
            var nx = x === "" ? -Infinity : parseFloat(x), ny = y === "" ? -Infinity : parseFloat(y);
            order = nx - ny;
          } else {
            order = x.localeCompare(y, window.kgLanguage());
          }
          return ascending ? order : -order;
        });
        rows.forEach(function (row) { body.appendChild(row); });
        headings.forEach(function (other) { other.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
      });
    });
  });

  function cellKey(cell) {
    if (!cell) { return ""; }
    if (cell.hasAttribute("data-sort")) { return cell.getAttribute("data-sort"); }
    var shown = cell.querySelector(".l-" + window.kgLanguage());
    return (shown || cell).textContent.trim();
  }
})();
