/* The page script of `kg viz`: legend and filters, search, neighbourhood highlight, side panel.
 * Every string from the graph reaches the DOM as text (textContent / createTextNode), never as HTML. */
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("kg-data").textContent);
  var SVG = "http://www.w3.org/2000/svg";
  var DIM_NODE = { background: "#e4e7eb", border: "#e4e7eb", highlight: { background: "#e4e7eb", border: "#e4e7eb" },
                   hover: { background: "#e4e7eb", border: "#e4e7eb" } };
  var DIM_EDGE = { color: "#e6e8eb", highlight: "#e6e8eb", hover: "#e6e8eb" };
  var typeInfo = {}, relationInfo = {};
  data.types.forEach(function (t) { typeInfo[t.name] = t; });
  data.relations.forEach(function (r) { relationInfo[r.name] = r; });
  data.nodes.forEach(function (n) { n.baseColor = n.color; });
  data.edges.forEach(function (e) { e.baseColor = e.color; e.baseWidth = e.width; });

  var nodes = new vis.DataSet(data.nodes);
  var edges = new vis.DataSet(data.edges);
  var hiddenTypes = new Set(), hiddenRelations = new Set();
  /* Townships start folded into their county (their edges drawn from the county instead) and
     nodes without any relation start hidden: the legend shows how many and lets them back. */
  var show = { towns: false, isolated: false };
  var nodeView = new vis.DataView(nodes, { filter: function (n) {
    return !hiddenTypes.has(n.type) && (show.towns || !n.town) && (show.isolated || !n.isolated);
  } });
  var edgeView = new vis.DataView(edges, { filter: function (e) {
    return !hiddenRelations.has(e.relation) && (show.towns ? !e.folded : !e.viaTown);
  } });
  var network = new vis.Network(document.getElementById("graph"), { nodes: nodeView, edges: edgeView }, data.options);
  var state = { highlighted: null };
  var api = window.kgViz = { network: network, nodes: nodes, edges: edges, ready: false, firstDrawMs: null,
                             select: selectNode, search: findNodes,
                             visibleNodes: function () { return nodeView.getIds(); },
                             visibleEdges: function () { return edgeView.getIds(); } };
  network.once("afterDrawing", function () { api.firstDrawMs = performance.now(); });

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function swatch(kind, color, dashes) {
    var svg = document.createElementNS(SVG, "svg");
    svg.setAttribute("width", kind === "line" ? "28" : "14");
    svg.setAttribute("height", "14");
    var shape;
    if (kind === "line") {
      shape = document.createElementNS(SVG, "line");
      [["x1", 1], ["y1", 7], ["x2", 24], ["y2", 7]].forEach(function (a) { shape.setAttribute(a[0], a[1]); });
      shape.setAttribute("stroke", color);
      shape.setAttribute("stroke-width", "2");
      if (dashes && dashes.length) shape.setAttribute("stroke-dasharray", dashes.join(" "));
      var head = document.createElementNS(SVG, "path");
      head.setAttribute("d", "M22 3 L28 7 L22 11 Z");
      head.setAttribute("fill", color);
      svg.appendChild(shape);
      svg.appendChild(head);
      return svg;
    }
    var points = { triangle: "7,1 13,13 1,13", diamond: "7,0 14,7 7,14 0,7", hexagon: "3.5,1 10.5,1 14,7 10.5,13 3.5,13 0,7" };
    if (kind === "square") {
      shape = document.createElementNS(SVG, "rect");
      [["x", 1], ["y", 1], ["width", 12], ["height", 12]].forEach(function (a) { shape.setAttribute(a[0], a[1]); });
    } else if (points[kind]) {
      shape = document.createElementNS(SVG, "polygon");
      shape.setAttribute("points", points[kind]);
    } else {
      shape = document.createElementNS(SVG, "circle");
      [["cx", 7], ["cy", 7], ["r", 6]].forEach(function (a) { shape.setAttribute(a[0], a[1]); });
    }
    shape.setAttribute("fill", color);
    svg.appendChild(shape);
    return svg;
  }

  /* Legend and filters */
  function filterItem(list, name, zh, count, icon, hidden, view) {
    var box = el("input", { type: "checkbox", "data-filter": name });
    box.checked = true;
    box.addEventListener("change", function () {
      if (box.checked) hidden.delete(name); else hidden.add(name);
      view.refresh();
    });
    var label = el("label");
    label.appendChild(box);
    label.appendChild(icon);
    label.appendChild(el("span", {}, zh + " "));
    label.appendChild(el("span", { "class": "en" }, name));
    label.appendChild(el("span", { "class": "count" }, count));
    var item = el("li");
    item.appendChild(label);
    list.appendChild(item);
  }
  var typeList = document.getElementById("type-filters");
  data.types.forEach(function (t) {
    filterItem(typeList, t.name, t.zh, t.count, swatch(t.shape, t.color), hiddenTypes, nodeView);
  });
  var relationList = document.getElementById("relation-filters");
  data.relations.forEach(function (r) {
    filterItem(relationList, r.name, r.zh, r.count, swatch("line", r.color, r.dashes), hiddenRelations, edgeView);
  });
  var viewList = document.getElementById("view-filters");
  function viewItem(key, zh, en, count) {
    if (!count) return;
    var box = el("input", { type: "checkbox", "data-view": key });
    box.checked = show[key];
    box.addEventListener("change", function () { setShown(key, box.checked); });
    var label = el("label");
    label.appendChild(box);
    label.appendChild(el("span", {}, zh + " "));
    label.appendChild(el("span", { "class": "en" }, en));
    label.appendChild(el("span", { "class": "count" }, count));
    var item = el("li");
    item.appendChild(label);
    viewList.appendChild(item);
  }
  function setShown(key, on) {
    if (show[key] === on) return;
    show[key] = on;
    viewList.querySelector('input[data-view="' + key + '"]').checked = on;
    nodeView.refresh();
    edgeView.refresh();
  }
  viewItem("towns", "乡镇", "Townships", data.folding.towns);
  viewItem("isolated", "孤立实体", "Unconnected", data.folding.isolated);
  function showType(type) {
    if (!hiddenTypes.has(type)) return;
    hiddenTypes.delete(type);
    typeList.querySelector('input[data-filter="' + type + '"]').checked = true;
    nodeView.refresh();
  }

  /* Neighbourhood highlight */
  function highlight(id) {
    var keep = new Set([id]);
    var incident = new Set(network.getConnectedEdges(id));
    network.getConnectedNodes(id).forEach(function (n) { keep.add(n); });
    var nodeUpdates = [], edgeUpdates = [];
    nodes.forEach(function (n) {
      var dim = !keep.has(n.id);
      if (dim !== !!n.dimmed) {
        nodeUpdates.push({ id: n.id, dimmed: dim, color: dim ? DIM_NODE : n.baseColor,
                           font: { color: dim ? "#c3c9d0" : "#1d2733" } });
      }
    });
    edges.forEach(function (e) {
      var dim = !incident.has(e.id);
      if (dim !== !!e.dimmed || !dim) {
        edgeUpdates.push({ id: e.id, dimmed: dim, color: dim ? DIM_EDGE : e.baseColor,
                           width: dim ? e.baseWidth : e.baseWidth * 2 });
      }
    });
    nodes.update(nodeUpdates);
    edges.update(edgeUpdates);
    state.highlighted = id;
  }
  function clearHighlight() {
    if (state.highlighted === null) return;
    nodes.update(nodes.get({ filter: function (n) { return n.dimmed; } }).map(function (n) {
      return { id: n.id, dimmed: false, color: n.baseColor, font: { color: "#1d2733" } };
    }));
    edges.update(edges.get().map(function (e) {
      return { id: e.id, dimmed: false, color: e.baseColor, width: e.baseWidth };
    }));
    state.highlighted = null;
  }

  /* Side panel */
  var panel = document.getElementById("panel");
  var panelBody = document.getElementById("panel-body");
  document.getElementById("panel-close").addEventListener("click", function () {
    panel.hidden = true;
    network.unselectAll();
    clearHighlight();
  });
  function documentTitle(id) { return data.documents[id] || id; }
  function marked(text, names) {
    /* the sentence with the names in it wrapped in <mark>, built from text nodes */
    var quote = el("blockquote");
    var wanted = names.filter(function (n) { return n && n.length > 1; })
                      .sort(function (a, b) { return b.length - a.length; });
    var i = 0, plain = "";
    while (i < text.length) {
      var hit = null;
      for (var k = 0; k < wanted.length; k++) {
        if (text.substr(i, wanted[k].length) === wanted[k]) { hit = wanted[k]; break; }
      }
      if (hit) {
        if (plain) quote.appendChild(document.createTextNode(plain));
        quote.appendChild(el("mark", {}, hit));
        plain = "";
        i += hit.length;
      } else {
        plain += text.charAt(i);
        i += 1;
      }
    }
    if (plain) quote.appendChild(document.createTextNode(plain));
    return quote;
  }
  function evidenceBlock(ev, names) {
    var block = el("div", { "class": "evidence" });
    block.appendChild(marked(ev.text, names));
    var where = "《" + documentTitle(ev.document) + "》";
    if (ev.begin !== null && ev.begin !== undefined) where += " · 字符 " + ev.begin + "–" + ev.end;
    if (ev.rule) where += " · " + ev.rule;
    if (ev.confidence !== null && ev.confidence !== undefined && ev.confidence < 1) where += " · 置信度 " + ev.confidence;
    block.appendChild(el("cite", {}, where));
    return block;
  }
  function names(node) { return [node.label].concat(node.aliases || []); }
  function nodeButton(node) {
    var b = el("button", { type: "button", "class": "node-link" }, node.label);
    b.addEventListener("click", function () { selectNode(node.id, { focus: true }); });
    return b;
  }
  function edgeEntry(edge, from) {
    var rel = relationInfo[edge.relation] || { zh: edge.relation, color: "#999" };
    var other = nodes.get(edge.from === from ? edge.to : edge.from);
    var box = el("div", { "class": "edge", "data-edge": edge.id });
    var head = el("div", { "class": "edge-head" });
    var outgoing = edge.from === from;
    head.appendChild(el("span", {}, outgoing ? "→" : "←"));
    var tag = el("span", { "class": "rel" }, rel.zh + " " + edge.relation);
    tag.style.background = rel.color;
    head.appendChild(tag);
    if (other) head.appendChild(nodeButton(other));
    box.appendChild(head);
    var evs = edge.evidences || [];
    var both = names(nodes.get(edge.from) || {}).concat(names(nodes.get(edge.to) || {}));
    evs.slice(0, 2).forEach(function (ev) { box.appendChild(evidenceBlock(ev, both)); });
    if (evs.length > 2) {
      var more = el("details");
      more.appendChild(el("summary", {}, "另有 " + (evs.length - 2) + " 处出处 more evidence"));
      evs.slice(2).forEach(function (ev) { more.appendChild(evidenceBlock(ev, both)); });
      box.appendChild(more);
    }
    if (!evs.length) box.appendChild(el("cite", {}, "行政区划表 / 命名 (gazetteer or name)"));
    return box;
  }
  function showNode(id) {
    var node = nodes.get(id);
    if (!node) return;
    var t = typeInfo[node.type] || { zh: node.type, color: "#777" };
    panelBody.replaceChildren();
    panelBody.appendChild(el("h2", {}, node.label));
    if (node.label_en) panelBody.appendChild(el("div", { "class": "en" }, node.label_en));
    var badges = el("div", { "class": "badges" });
    var typeBadge = el("span", { "class": "badge type" }, t.zh + " " + node.type);
    typeBadge.style.background = t.color;
    badges.appendChild(typeBadge);
    if (node.kind && node.kind !== node.type) badges.appendChild(el("span", { "class": "badge" }, node.kind));
    panelBody.appendChild(badges);
    var facts = el("dl");
    function fact(term, value) {
      facts.appendChild(el("dt", {}, term));
      facts.appendChild(el("dd", {}, value));
    }
    if (node.code) fact("代码 Code", node.code);
    if (node.lat !== undefined) fact("坐标 Lat/Lon", node.lat.toFixed(4) + ", " + node.lon.toFixed(4));
    if (node.aliases && node.aliases.length) fact("别名 Aliases", node.aliases.join("、"));
    fact("IRI", node.id);
    panelBody.appendChild(facts);
    if (node.link) {
      var open = el("a", { "class": "open-city", href: node.link }, "打开城市页面 Open city page →");
      panelBody.appendChild(open);
    }
    if (node.mentions && node.mentions.length) {
      panelBody.appendChild(el("h3", {}, "提及文件 Documents mentioning it"));
      var docs = el("ul", { "class": "documents" });
      node.mentions.forEach(function (m) { docs.appendChild(el("li", {}, "《" + documentTitle(m[0]) + "》 " + m[1] + " 次")); });
      panelBody.appendChild(docs);
    }
    var connected = edges.get({ filter: function (e) { return e.from === id || e.to === id; } });
    connected.sort(function (a, b) {
      return (a.from === id ? 0 : 1) - (b.from === id ? 0 : 1) || a.relation.localeCompare(b.relation) ||
        ((nodes.get(a.from === id ? a.to : a.from) || {}).label || "").localeCompare((nodes.get(b.from === id ? b.to : b.from) || {}).label || "", "zh");
    });
    panelBody.appendChild(el("h3", {}, "关系与出处 Relations and evidence (" + connected.length + ")"));
    var list = el("div", { "class": "edges" });
    connected.forEach(function (e) { list.appendChild(edgeEntry(e, id)); });
    panelBody.appendChild(list);
    panel.hidden = false;
    panel.scrollTop = 0;
  }
  function showEdge(id) {
    var edge = edges.get(id);
    if (!edge) return;
    var from = nodes.get(edge.from), to = nodes.get(edge.to);
    var rel = relationInfo[edge.relation] || { zh: edge.relation, color: "#999" };
    panelBody.replaceChildren();
    var h = el("h2");
    h.appendChild(nodeButton(from));
    h.appendChild(document.createTextNode(" " + rel.zh + " "));
    h.appendChild(nodeButton(to));
    panelBody.appendChild(h);
    panelBody.appendChild(el("div", { "class": "en" }, (from.label_en || from.label) + " " + edge.relation + " " + (to.label_en || to.label)));
    panelBody.appendChild(el("h3", {}, "出处 Evidence (" + (edge.evidences || []).length + ")"));
    var both = names(from).concat(names(to));
    (edge.evidences || []).forEach(function (ev) { panelBody.appendChild(evidenceBlock(ev, both)); });
    panel.hidden = false;
  }

  function selectNode(id, opts) {
    var node = nodes.get(id);
    if (!node) return false;
    showType(node.type);
    if (node.town) setShown("towns", true);
    if (node.isolated) setShown("isolated", true);
    network.selectNodes([id]);
    highlight(id);
    showNode(id);
    if (opts && opts.focus) {
      network.focus(id, { scale: Math.max(network.getScale(), 1.1), animation: { duration: 350, easingFunction: "easeInOutQuad" } });
    }
    return true;
  }

  network.on("click", function (params) {
    if (params.nodes.length) {
      selectNode(params.nodes[0]);
    } else if (params.edges.length) {
      clearHighlight();
      showEdge(params.edges[0]);
    } else {
      clearHighlight();
      panel.hidden = true;
    }
  });
  /* The browser's own dblclick, not vis-network's double tap: that one is timed in script and
     misses when highlighting a large graph after the first click takes a while. */
  document.getElementById("graph").addEventListener("dblclick", function (ev) {
    var box = ev.currentTarget.getBoundingClientRect();
    var id = network.getNodeAt({ x: ev.clientX - box.left, y: ev.clientY - box.top });
    var node = id === undefined ? null : nodes.get(id);
    if (node && node.link) window.location.href = node.link;
  });
  document.getElementById("fit").addEventListener("click", function () { network.fit({ animation: { duration: 300 } }); });

  /* Search: Chinese, pinyin (full or initials), English, aliases */
  var input = document.getElementById("search-input");
  var results = document.getElementById("search-results");
  var active = -1, shown = [];
  function normalize(text) { return text.trim().toLowerCase().replace(/\s+/g, ""); }
  function findNodes(query, limit) {
    var q = normalize(query);
    if (!q) return [];
    var scored = [];
    nodes.forEach(function (n) {
      var best = 9;
      (n.search || []).forEach(function (key) {
        var k = key.replace(/\s+/g, "");
        if (k === q) best = Math.min(best, 0);
        else if (k.indexOf(q) === 0) best = Math.min(best, 1);
        else if (k.indexOf(q) > 0) best = Math.min(best, 2);
      });
      if (best < 9) scored.push([best, -(n.value || 0), n.label.length, n.label, n.id]);
    });
    scored.sort(function (a, b) {
      return a[0] - b[0] || a[1] - b[1] || a[2] - b[2] || (a[3] < b[3] ? -1 : a[3] > b[3] ? 1 : 0);
    });
    return scored.slice(0, limit || 20).map(function (s) { return s[4]; });
  }
  function closeResults() {
    results.hidden = true;
    input.setAttribute("aria-expanded", "false");
    active = -1;
  }
  function renderResults() {
    results.replaceChildren();
    shown = findNodes(input.value, 20);
    active = shown.length ? 0 : -1;
    if (!normalize(input.value)) { closeResults(); return; }
    if (!shown.length) results.appendChild(el("li", { "class": "none" }, "无结果 No match"));
    shown.forEach(function (id, i) {
      var n = nodes.get(id), t = typeInfo[n.type] || { zh: n.type };
      var item = el("li", { role: "option", "data-id": id, "aria-selected": i === active ? "true" : "false" });
      item.appendChild(el("span", { "class": "zh" }, n.label));
      if (n.label_en) item.appendChild(el("span", { "class": "en" }, n.label_en));
      item.appendChild(el("span", { "class": "kind" }, t.zh));
      item.addEventListener("mousedown", function (ev) { ev.preventDefault(); pick(id); });
      results.appendChild(item);
    });
    results.hidden = false;
    input.setAttribute("aria-expanded", "true");
  }
  function pick(id) {
    closeResults();
    input.value = nodes.get(id).label;
    selectNode(id, { focus: true });
  }
  input.addEventListener("input", renderResults);
  input.addEventListener("keydown", function (ev) {
    if (ev.key === "ArrowDown" || ev.key === "ArrowUp") {
      if (!shown.length) return;
      active = (active + (ev.key === "ArrowDown" ? 1 : shown.length - 1)) % shown.length;
      Array.prototype.forEach.call(results.children, function (li, i) {
        li.setAttribute("aria-selected", i === active ? "true" : "false");
      });
      ev.preventDefault();
    } else if (ev.key === "Enter") {
      if (results.hidden) renderResults();
      if (shown.length) pick(shown[Math.max(active, 0)]);
      ev.preventDefault();
    } else if (ev.key === "Escape") {
      closeResults();
    }
  });
  input.addEventListener("blur", closeResults);

  /* A link such as page.html#350104 or page.html#<IRI> opens with that node selected */
  function fromHash() {
    var key = decodeURIComponent(window.location.hash.slice(1));
    if (!key) return;
    var hit = nodes.get({ filter: function (n) { return n.id === key || n.code === key; } })[0];
    if (hit) selectNode(hit.id, { focus: true });
  }
  window.addEventListener("hashchange", fromHash);
  fromHash();
  api.ready = true;
  api.readyMs = performance.now();
})();
