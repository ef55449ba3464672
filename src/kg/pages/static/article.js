/* county-kg article view: a highlight opens the facts that cite it (built from the page's
   data with text nodes only); the script switch shows the Traditional text, the Simplified
   one or both. One listener for every highlight. */
(function () {
  "use strict";
  var panel = document.getElementById("facts"), source = document.getElementById("article-data");
  if (!panel || !source) { return; }
  var data = JSON.parse(source.textContent);
  var list = document.getElementById("fact-list"), intro = document.getElementById("facts-intro");
  var texts = document.getElementById("texts");
  var languages = ["zh-Hans", "zh-Hant", "en"];
  var current = [];

  function words(names) {
    var holder = document.createElement("span");
    languages.forEach(function (lang) {
      var span = document.createElement("span");
      span.textContent = names[lang];
      span.className = "l-" + lang;
      span.setAttribute("data-l", "");
      holder.appendChild(span);
    });
    return holder;
  }

  function item(key) {
    var quote = data.quotes[key], li = document.createElement("li");
    li.setAttribute("data-quote", key);
    var text = document.createElement("blockquote");
    text.lang = quote.lang;
    text.textContent = quote.exact;
    li.appendChild(text);
    var where = document.createElement("p");
    where.className = "muted";
    var link = document.createElement("a");
    link.href = quote.href;
    link.appendChild(words(data.words.quote));
    link.appendChild(document.createTextNode(" " + key));
    where.appendChild(link);
    li.appendChild(where);
    var facts = document.createElement("ul");
    quote.facts.forEach(function (n) {
      var fact = data.facts[n], entry = document.createElement("li"), a = document.createElement("a");
      a.href = fact.href;
      a.appendChild(words(fact.name));
      entry.appendChild(a);
      if (fact.inferred) {
        var note = document.createElement("span");
        note.className = "muted";
        note.appendChild(document.createTextNode(" "));
        note.appendChild(words(data.words.inferred));
        entry.appendChild(note);
      }
      facts.appendChild(entry);
    });
    li.appendChild(facts);
    return li;
  }

  function show(keys, scroll) {
    keys = keys.filter(function (key) { return data.quotes[key]; });
    list.textContent = "";
    keys.forEach(function (key) { list.appendChild(item(key)); });
    intro.hidden = keys.length > 0;
    current.forEach(function (a) { a.classList.remove("current"); });
    current = [];
    keys.forEach(function (key) {
      document.querySelectorAll('a.hl[data-q~="' + key + '"]').forEach(function (a) {
        a.classList.add("current");
        current.push(a);
      });
    });
    if (scroll && keys.length) {
      var first = document.getElementById("q-" + keys[0]);
      if (first) { first.scrollIntoView({block: "center"}); }
    }
    panel.setAttribute("data-open", keys.join(" "));
  }

  texts.addEventListener("click", function (event) {
    var a = event.target.closest("a.hl");
    if (!a) { return; }
    event.preventDefault();
    var keys = a.getAttribute("data-q").split(" ");
    show(keys, false);
    if (window.history && window.history.replaceState) {
      window.history.replaceState(null, "", "#q-" + keys[keys.length - 1]);
    }
    document.getElementById("facts-heading").focus({preventScroll: true});
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
  if (start && kept !== "both") { start.click(); }
  document.documentElement.setAttribute("data-article-ready", "true");
})();
