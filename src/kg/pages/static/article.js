/* county-kg article view: a highlight opens the facts that cite it; the script switch shows
   the Traditional text, the Simplified one or both. */
(function () {
  "use strict";
  var panel = document.getElementById("facts");
  if (!panel) { return; }
  var intro = document.getElementById("facts-intro");
  var items = panel.querySelectorAll("[data-quote]");
  var texts = document.getElementById("texts");

  function show(keys, scroll) {
    var wanted = {};
    keys.forEach(function (key) { wanted[key] = true; });
    var shown = 0;
    items.forEach(function (item) {
      var on = !!wanted[item.getAttribute("data-quote")];
      item.hidden = !on;
      if (on) { shown++; }
    });
    intro.hidden = shown > 0;
    document.querySelectorAll("a.hl.current").forEach(function (a) { a.classList.remove("current"); });
    document.querySelectorAll("a.hl").forEach(function (a) {
      var covering = (a.getAttribute("data-q") || "").split(" ");
      if (covering.some(function (key) { return wanted[key]; })) { a.classList.add("current"); }
    });
    if (scroll) {
      var first = document.getElementById("q-" + keys[0]);
      if (first) { first.scrollIntoView({block: "center"}); }
    }
    panel.setAttribute("data-open", keys.join(" "));
  }

  document.querySelectorAll("a.hl").forEach(function (a) {
    a.addEventListener("click", function (event) {
      event.preventDefault();
      var keys = a.getAttribute("data-q").split(" ");
      show(keys, false);
      if (window.history && window.history.replaceState) {
        window.history.replaceState(null, "", "#q-" + keys[keys.length - 1]);
      }
      var heading = document.getElementById("facts-heading");
      if (heading) { heading.focus({preventScroll: true}); }
    });
  });

  function fromHash() {
    var match = /^#q-(\d+-\d+)$/.exec(window.location.hash);
    if (match) { show([match[1]], true); }
  }
  window.addEventListener("hashchange", fromHash);
  fromHash();

  document.querySelectorAll("[data-script]").forEach(function (button) {
    button.addEventListener("click", function () {
      var script = button.getAttribute("data-script");
      texts.className = "texts " + script;
      document.querySelectorAll("[data-script]").forEach(function (other) {
        other.setAttribute("aria-pressed", String(other === button));
      });
      try { window.localStorage.setItem("county-kg-script", script); } catch (e) { /* not kept */ }
    });
  });
  var kept = null;
  try { kept = window.localStorage.getItem("county-kg-script"); } catch (e) { kept = null; }
  var start = document.querySelector('[data-script="' + kept + '"]');
  if (start) { start.click(); }
  window.kgArticleReady = true;
  document.documentElement.setAttribute("data-article-ready", "true");
})();
