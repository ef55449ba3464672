/* county-kg: the reader's language, chosen before the page is drawn (no flash of another
   language). The choice is kept in localStorage; without one, the browser's language. */
(function () {
  "use strict";
  var languages = ["zh-Hans", "zh-Hant", "en"], chosen = null;
  try { chosen = window.localStorage.getItem("county-kg-lang"); } catch (e) { chosen = null; }
  if (languages.indexOf(chosen) < 0) {
    var browser = (navigator.language || "en").toLowerCase();
    chosen = /^zh-(tw|hk|mo|hant)/.test(browser) ? "zh-Hant" : /^zh/.test(browser) ? "zh-Hans" : "en";
  }
  document.documentElement.setAttribute("data-lang", chosen);
  document.documentElement.setAttribute("lang", chosen);
})();
