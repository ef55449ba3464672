/* county-kg search: labels in Simplified, Traditional, English and pinyin, matched in the
   browser against the index (search-index.js, window.KG_SEARCH). Results are built with DOM
   methods and textContent only: a label is never markup. */
(function () {
  "use strict";
  var data = window.KG_SEARCH, results = document.getElementById("search-results");
  if (!data || !results) { return; }
  var suffix = results.getAttribute("data-suffix") || "";
  var input = document.getElementById("search-query");
  var status = document.getElementById("search-status");
  var classNames = data.classes || {};

  function fold(text) {
    var out = "";
    var normal = text.normalize("NFKC");
    for (var i = 0; i < normal.length; i++) {
      var ch = normal.charAt(i);
      out += data.fold[ch] || ch;
    }
    return out.toLowerCase().trim();
  }

  function span(text, lang, displays) {
    var element = document.createElement("span");
    element.textContent = text;
    if (lang) { element.setAttribute("lang", lang); }
    if (displays) {
      displays.forEach(function (d) { element.classList.add("l-" + d); });
      element.setAttribute("data-l", "");
    }
    return element;
  }

  function best(labels, display) {
    var order = [display].concat(data.languages, [""]);
    for (var i = 0; i < order.length; i++) {
      if (Object.prototype.hasOwnProperty.call(labels, order[i])) { return [order[i], labels[order[i]]]; }
    }
    var any = Object.keys(labels)[0];
    return [any, labels[any]];
  }

  function multilingual(labels) {
    var holder = document.createElement("span");
    data.languages.forEach(function (display) {
      var chosen = best(labels, display);
      holder.appendChild(span(chosen[1], chosen[0], [display]));
    });
    return holder;
  }

  function search(query) {
    var wanted = fold(query), bare = wanted.replace(/\s+/g, "");
    results.textContent = "";
    if (!wanted) { status.textContent = ""; return []; }
    var found = [];
    data.entries.forEach(function (entry) {
      var keys = entry[4], score = 3;
      for (var i = 0; i < keys.length; i++) {
        var key = keys[i], at = key.indexOf(wanted);
        if (at < 0 && bare !== wanted) { at = key.indexOf(bare); }
        if (at < 0) { continue; }
        var s = key === wanted || key === bare ? 0 : at === 0 ? 1 : 2;
        if (s < score) { score = s; }
      }
      if (score < 3) { found.push([score, (entry[3].en || entry[3]["zh-Hans"] || "").length, entry]); }
    });
    found.sort(function (a, b) { return a[0] - b[0] || a[1] - b[1] || (a[2][0] < b[2][0] ? -1 : 1); });
    found.slice(0, 200).forEach(function (hit) {
      var entry = hit[2], item = document.createElement("li"), link = document.createElement("a");
      link.href = entry[0] + suffix + (entry[1] ? "#" + encodeURIComponent(entry[1]) : "");
      link.appendChild(multilingual(entry[3]));
      item.appendChild(link);
      var kind = document.createElement("span");
      kind.className = "muted";
      kind.appendChild(document.createTextNode(" · "));
      kind.appendChild(classNames[entry[2]] ? multilingual(classNames[entry[2]]) : span(entry[2]));
      kind.appendChild(document.createTextNode(" · "));
      var code = document.createElement("code");
      code.textContent = entry[0] + (entry[1] ? "#" + entry[1] : "");
      kind.appendChild(code);
      item.appendChild(kind);
      results.appendChild(item);
    });
    status.textContent = found.length + " / " + data.entries.length;
    return found;
  }

  var query = new URLSearchParams(window.location.search).get("q") || "";
  input.value = query;
  var header = document.getElementById("site-search");
  if (header) { header.value = query; }
  search(query);
  input.addEventListener("input", function () { search(input.value); });
  window.kgSearch = search;
})();
