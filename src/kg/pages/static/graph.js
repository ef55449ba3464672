/* county-kg: a resource's neighbourhood, drawn as `kg viz --focus` draws it (vis-network,
   the same colours and options); labels follow the page's language; a click opens a node's page. */
(function () {
  "use strict";
  var holder = document.getElementById("graph"), source = document.getElementById("graph-data");
  if (!holder || !source || typeof vis === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  var nodes = new vis.DataSet(), edges = new vis.DataSet();

  function titled(text) {
    var tip = document.createElement("div");
    tip.textContent = text;  // a label is text, never markup
    return tip;
  }
  function fill(lang) {
    // update() keeps each node where the layout put it; only the words change
    nodes.update(data.nodes.map(function (n) {
      return {id: n.id, label: n.label[lang], title: titled(n.title[lang]), color: n.color, size: n.size,
              shape: n.shape, borderWidth: n.id === data.centre ? 3 : 1};
    }));
    edges.update(data.edges.map(function (e) {
      return {id: e.id, from: e.from, to: e.to, label: e.label[lang], title: e.label[lang]};
    }));
  }
  fill(window.kgLanguage());
  var network = new vis.Network(holder, {nodes: nodes, edges: edges}, data.options);
  network.once("stabilizationIterationsDone", function () {
    network.setOptions({physics: false});
    holder.setAttribute("data-stabilized", "true");
  });
  network.on("click", function (event) {
    if (event.nodes.length) {
      var node = data.nodes.filter(function (n) { return n.id === event.nodes[0]; })[0];
      if (node && node.href && node.id !== data.centre) { window.location.href = node.href; }
    }
  });
  document.addEventListener("kg:lang", function (event) { fill(event.detail); });
  window.kgGraph = network;
})();
