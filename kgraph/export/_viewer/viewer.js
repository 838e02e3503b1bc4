/* kgraph viewer: search, filters, side panel and highlight over vis-network.
 *
 * Safety rule for this file: feed text (titles, tags, authors, summaries,
 * evidence) is only ever put into the page with textContent / createTextNode,
 * never innerHTML; links are made only for http(s) URLs; vis tooltips are
 * plain strings (vis-network 9 shows string titles with innerText).
 */
(function () {
  "use strict";

  var DATA = JSON.parse(document.getElementById("kgraph-data").textContent);
  var META = DATA.meta;
  var NODES = DATA.nodes;
  var EDGES = DATA.edges;
  var SMALL = NODES.length <= 1000;
  var MAP = META.map || null;  // a laid-out concept map (kgraph map): its clusters and counts
  var HAS_ARTICLES = (META.counts.article || 0) > 0;
  // the concept-map view (this page's only view for a concept map, the opening
  // view of a graph's page): labels placed best first where they overlap nothing
  var LABEL_PX = { top: 13, other: 11.5, cluster: 13 };
  var KIND_ORDER = { concept: 0, tag: 1, author: 2, feed: 3, article: 4, other: 5 };
  var KIND_NAMES = { article: "Articles", concept: "Concepts", author: "Authors", tag: "Tags", feed: "Feeds", other: "Other" };
  var EDGE_STYLES = {
    mentions: { color: "#8fb3d9", width: 1, dashes: false, arrows: "" },
    co_occurs: { color: "#a9b3bd", width: 1, dashes: false, arrows: "" },
    broader: { color: "#57606a", width: 2, dashes: false, arrows: "to" },
    wrote: { color: "#8cc084", width: 1, dashes: false, arrows: "" },
    published: { color: "#c8b6a6", width: 1, dashes: [2, 4], arrows: "" },
    tagged: { color: "#d3b5cc", width: 1, dashes: [4, 4], arrows: "" },
    links_to: { color: "#4e79a7", width: 1.5, dashes: [6, 3], arrows: "to" },
    related: { color: "#9467bd", width: 1, dashes: [1, 3], arrows: "" },
    other: { color: "#bab0ac", width: 1, dashes: false, arrows: "" }
  };
  var DIM = { background: "#eceff2", border: "#d8dee4" };

  // ---- indexes ---------------------------------------------------------------
  var byId = new Map();
  var outEdges = new Map();
  var inEdges = new Map();
  NODES.forEach(function (n) { byId.set(n.id, n); outEdges.set(n.id, []); inEdges.set(n.id, []); });
  EDGES.forEach(function (e, i) {
    e.id = "e" + i;
    if (!byId.has(e.from) || !byId.has(e.to)) { return; }
    outEdges.get(e.from).push(e);
    inEdges.get(e.to).push(e);
  });
  function edgesOf(id) { return outEdges.get(id).concat(inEdges.get(id)); }
  function neighbours(id) {
    var set = new Set();
    edgesOf(id).forEach(function (e) { set.add(e.from === id ? e.to : e.from); });
    return set;
  }
  function linked(id, kind, direction) {
    var list = direction === "in" ? inEdges.get(id) : outEdges.get(id);
    return list.filter(function (e) { return e.kind === kind; });
  }

  // ---- small DOM helpers (text only) ------------------------------------------
  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) { node.className = cls; }
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    return node;
  }
  function append(parent) {
    for (var i = 1; i < arguments.length; i++) {
      var child = arguments[i];
      if (child === null || child === undefined) { continue; }
      parent.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    }
    return parent;
  }
  function clear(node) { while (node.firstChild) { node.removeChild(node.firstChild); } }
  function safeUrl(url) {
    if (typeof url !== "string" || !url) { return null; }
    try {
      var parsed = new URL(url);
      if (parsed.protocol === "http:" || parsed.protocol === "https:") { return parsed.href; }
    } catch (err) { /* not a URL: shown as text */ }
    return null;
  }
  function linkOrText(url, text) {
    var href = safeUrl(url);
    if (!href) { return el("span", url && !text ? "plain-url" : "", text || url || ""); }
    var a = el("a", "", text || url);
    a.href = href;
    a.target = "_blank";
    a.rel = "noopener noreferrer";
    return a;
  }
  function nodeButton(id, text) {
    var b = el("button", "linklike", text);
    b.type = "button";
    b.addEventListener("click", function () { focusNode(id); });
    return b;
  }
  function shorten(text, max) {
    text = String(text || "");
    return text.length > max ? text.slice(0, max - 1) + "…" : text;
  }
  function day(iso) { return String(iso || "").slice(0, 10); }
  function nameOf(n) { return n.name || n.title || n.label || n.id; }

  // ---- vis data ----------------------------------------------------------------
  function darker(hex) {
    var v = parseInt(hex.slice(1), 16);
    var r = Math.round(((v >> 16) & 255) * 0.7);
    var g = Math.round(((v >> 8) & 255) * 0.7);
    var b = Math.round((v & 255) * 0.7);
    return "#" + ((1 << 24) + (r << 16) + (g << 8) + b).toString(16).slice(1);
  }
  function tooltip(n) {
    var lines = [KIND_NAMES[n.kind] ? n.kind + ": " + nameOf(n) : nameOf(n)];
    if (n.kind === "concept") {
      lines.push((n.type || "concept") + " · " + n.articles + " article(s)");
      if (n.curated === "false") { lines.push("discovered: not in the catalogue yet"); }
      if (n.aliases) { lines.push("aliases: " + n.aliases.split("|").join(", ")); }
    } else if (n.kind === "article") {
      if (n.published) { lines.push(day(n.published)); }
      if (n.summary) { lines.push(shorten(n.summary, 200)); }
    } else {
      lines.push(n.articles + " article(s)");
    }
    return lines.join("\n");  // plain text: vis-network sets it with innerText
  }
  function baseColour(n) {
    return { background: n.color, border: darker(n.color),
             highlight: { background: n.color, border: "#24292f" },
             hover: { background: n.color, border: "#24292f" } };
  }
  var fontNow = new Map();  // node id -> the label's font size now (the label placement sets it)
  function font(id, colour) {
    var n = byId.get(id);
    return { size: fontNow.has(id) ? fontNow.get(id) : fontSize(n), color: colour || "#1f2328" };
  }
  function fontSize(n) {
    if (n.kind !== "concept") { return 11; }
    // Big graphs open zoomed far out: big concepts get big labels so they stay readable.
    return SMALL ? 15 : Math.min(48, Math.round(12 + 0.6 * n.size));
  }
  function visNode(n) {
    var node = {
      id: n.id,
      label: shorten(n.label, n.kind === "article" ? 32 : 40),
      title: tooltip(n),
      shape: n.shape,
      size: n.size,
      color: baseColour(n),
      font: { size: fontSize(n), color: "#1f2328" }
    };
    if (n.curated === "false") {  // a discovered term: dashed border, muted label
      node.shapeProperties = { borderDashes: [4, 3] };
      node.borderWidth = 2;
      node.font.color = "#57606a";
    }
    if (typeof n.x === "number") { node.x = n.x; node.y = n.y; }
    return node;
  }
  function visEdge(e) {
    var style = EDGE_STYLES[e.kind] || EDGE_STYLES.other;
    if (MAP) {
      var a = byId.get(e.from), b = byId.get(e.to);
      var across = a && b && a.cluster !== b.cluster;
      style = { color: across ? "#c3cad1" : "#97a1ab", width: 1, dashes: across ? [4, 4] : false, arrows: "" };
      return { id: e.id, from: e.from, to: e.to, arrows: "", dashes: style.dashes,
               width: 0.8 + 1.5 * (Number(e.weight) || 0),
               color: { color: style.color, highlight: "#24292f", hover: "#24292f", opacity: 1 },
               title: (e.articles ? e.articles + " shared article(s)" : "co-occur") + (across ? " · between clusters" : "") };
    }
    var width = style.width;
    if (e.kind === "mentions" || e.kind === "co_occurs") { width = 1 + 3 * (Number(e.weight) || 0); }
    if (e.kind === "related") { width = 1 + 3 * (Number(e.score) || 0); }
    return { id: e.id, from: e.from, to: e.to, arrows: style.arrows, dashes: style.dashes,
             width: width, color: { color: style.color, highlight: "#24292f", hover: "#24292f", opacity: 0.8 },
             title: e.kind + (e.alias ? " (as “" + e.alias + "”)" : "") };
  }

  var nodeSet = new vis.DataSet(NODES.map(visNode));
  // A big graph laid out in Python carries a second set of positions for its
  // concept view ("mx", "my": the top concepts laid out on their own pairs); in
  // the whole graph's layout they would crowd its middle.
  var VIEW_POSITIONS = NODES.filter(function (n) { return typeof n.mx === "number"; });
  var positionsOf = "full";
  function placeFor(mode) {
    var want = mode === "map" ? "map" : "full";
    if (!VIEW_POSITIONS.length || want === positionsOf) { return false; }
    positionsOf = want;
    nodeSet.update(VIEW_POSITIONS.map(function (n) {
      return want === "map" ? { id: n.id, x: n.mx, y: n.my } : { id: n.id, x: n.x, y: n.y };
    }));
    return true;
  }
  var edgeSet = new vis.DataSet(EDGES.filter(function (e) { return byId.has(e.from) && byId.has(e.to); }).map(visEdge));
  var byEdgeId = new Map();
  EDGES.forEach(function (e) { byEdgeId.set(e.id, e); });
  var visible = new Set();
  var edgeKindsShown = null;  // null = all kinds
  var nodeView = new vis.DataView(nodeSet, { filter: function (item) { return visible.has(item.id); } });
  var edgeView = new vis.DataView(edgeSet, { filter: function (item) {
    if (!visible.has(item.from) || !visible.has(item.to)) { return false; }
    return edgeKindsShown === null || edgeKindsShown.has(byEdgeId.get(item.id).kind);
  } });

  // ---- controls -------------------------------------------------------------------
  var $ = function (id) { return document.getElementById(id); };
  var kindBoxes = new Map();
  var typeBoxes = new Map();
  var pinned = new Set();
  var topConcepts = new Set(
    NODES.filter(function (n) { return n.kind === "concept"; })
      .sort(function (a, b) { return b.articles - a.articles || (a.id < b.id ? -1 : 1); })
      .slice(0, META.top_concepts)
      .map(function (n) { return n.id; })
  );

  function checkbox(parent, label, colour, shape, map, key) {
    var row = el("label");
    var box = el("input");
    box.type = "checkbox";
    box.checked = true;
    box.addEventListener("change", applyFilters);
    map.set(key, box);
    append(row, box, " ", colour ? el("span", "swatch " + (shape || "dot")) : null, " ", label);
    if (colour) { row.querySelector(".swatch").style.background = colour; }
    parent.appendChild(row);
  }

  function buildControls() {
    var counts = META.counts;
    var bar = $("counts");
    if (MAP) {  // a concept map has only concepts: its own counts
      append(bar, append(el("span"), el("b", "", String(counts.concept || 0)), " concepts"));
      append(bar, append(el("span"), el("b", "", String(counts.edges || 0)), " links"));
      append(bar, append(el("span"), el("b", "", String(MAP.clusters.length)), " clusters"));
      append(bar, append(el("span"), "from ", el("b", "", String(MAP.articles)), " articles"));
      if (MAP.since || MAP.until) {
        append(bar, el("span", "", (MAP.since || "…") + " – " + (MAP.until || "…")));
      }
    } else {
      ["article", "concept", "author", "tag", "feed"].forEach(function (k) {
        append(bar, append(el("span"), el("b", "", String(counts[k] || 0)), " " + KIND_NAMES[k].toLowerCase()));
      });
      append(bar, append(el("span"), el("b", "", String(counts.edges || 0)), " edges"));
    }
    if (META.articles_left_out) {
      var note = append(el("span"), "(most recent; ",
        el("b", "", String(META.articles_left_out)), " older articles only in GraphML/JSON)");
      note.id = "left-out";
      append(bar, note);
    }
    append(bar, append(el("span", "", ""), el("b", "", ""), ""));
    bar.lastChild.id = "shown";
    if (META.built) { $("built").textContent = "Built " + META.built.replace("T", " ").replace(/\.\d+/, ""); }
    var foot = ["vis-network " + META.vis_version];
    if (META.kgraph_version) { foot.unshift("kgraph " + META.kgraph_version); }
    if (META.catalogue_version) { foot.push("catalogue " + META.catalogue_version); }
    $("footer").textContent = foot.join(" · ");

    var kinds = Object.keys(DATA.kind_colours).filter(function (k) { return counts[k] > 0; });
    kinds.forEach(function (k) {
      checkbox($("kind-filter"), KIND_NAMES[k], DATA.kind_colours[k], DATA.kind_shapes[k], kindBoxes, k);
    });
    var types = Object.keys(DATA.type_colours).sort();
    var groups = Object.keys(DATA.groups);
    if (groups.length === 0) { $("type-filter").hidden = true; }
    groups.forEach(function (g) {  // one box per colour: the palette groups the types
      var members = types.filter(function (t) { return DATA.type_groups[t] === g; });
      checkbox($("type-filter"), g, DATA.groups[g], "dot", typeBoxes, g);
      var row = $("type-filter").lastChild;
      if (members.length) { row.appendChild(el("span", "types", members.join(", "))); }
    });

    var feeds = new Map();
    NODES.forEach(function (n) {
      if (n.kind === "feed") { feeds.set(n.id, n.title || n.label); }
    });
    NODES.forEach(function (n) {
      if (n.kind === "article" && n.feed && !feeds.has("feed:" + n.feed)) { feeds.set("feed:" + n.feed, n.feed); }
    });
    fillSelect($("feed-filter"), feeds);
    var authors = new Map();
    NODES.forEach(function (n) { if (n.kind === "author") { authors.set(n.id, n.name || n.label); } });
    fillSelect($("author-filter"), authors);
    // only the filters that can change something are shown
    var dated = NODES.some(function (n) { return n.kind === "article" && n.published; });
    $("feed-row").hidden = feeds.size === 0;
    $("author-row").hidden = authors.size === 0;
    $("date-row").hidden = !dated;
    $("hubs-row").hidden = !HAS_ARTICLES;
    $("view-section").hidden = !HAS_ARTICLES;
    $("kind-filter").hidden = kinds.length < 2;

    document.querySelector("input[name=mode][value=" + startMode() + "]").checked = true;
    $("top-only").checked = startsOnTop();
    $("top-row").hidden = !!MAP || (!META.large && (counts.concept || 0) <= META.top_concepts);
    $("top-row").lastChild.textContent = " Top " + META.top_concepts + " concepts only";
    ["feed-filter", "author-filter", "date-from", "date-to", "min-articles", "hide-hubs", "top-only"].forEach(function (id) {
      $(id).addEventListener("change", applyFilters);
    });
    $("min-articles").addEventListener("input", applyFilters);
    document.querySelectorAll("input[name=mode]").forEach(function (r) {
      r.addEventListener("change", function () {
        // the full graph of a graph that is not large: every node, not the top concepts
        if (r.checked && r.value === "full" && !META.large) { $("top-only").checked = false; }
        applyFilters();
      });
    });
    $("reset").addEventListener("click", resetFilters);
    $("search").addEventListener("input", function () { runSearch($("search").value); });
    $("search").addEventListener("keydown", function (ev) {
      if (ev.key === "Enter") {
        var first = runSearch($("search").value)[0];
        if (first) { focusNode(first.id); }
      }
    });
    buildLegend(kinds, types);
  }

  // A graph of more than OPEN_ON_MAP nodes opens on its labelled concept map (the
  // top concepts): the full graph is one click away.
  var OPEN_ON_MAP = 150;
  function startMode() { return MAP || NODES.length > OPEN_ON_MAP ? "map" : "full"; }
  function startsOnTop() {
    if (MAP) { return false; }  // a concept map is already cut to what reads
    return !!META.large || (startMode() === "map" && (META.counts.concept || 0) > META.top_concepts);
  }

  function fillSelect(select, entries) {
    Array.from(entries.entries())
      .sort(function (a, b) { return a[1].localeCompare(b[1]); })
      .forEach(function (entry) {
        var option = el("option", "", shorten(entry[1], 60));
        option.value = entry[0];
        select.appendChild(option);
      });
    if (entries.size === 0) { select.disabled = true; }
  }

  function buildLegend(kinds, types) {
    var legend = $("legend");
    function item(cls, colour, text, borderColour) {
      var sw = el("span", "swatch " + cls);
      if (borderColour) { sw.style.borderTopColor = borderColour; } else { sw.style.background = colour; }
      legend.appendChild(append(el("li"), sw, text));
    }
    if (MAP && MAP.clusters.length) {
      legend.appendChild(el("li", "sub", "Clusters (named by their most specific central concepts)"));
      MAP.clusters.forEach(function (c) {
        var b = el("button", "linklike", c.name + " (" + c.size + ")");
        b.type = "button";
        b.addEventListener("click", function () { showCluster(c); });
        legend.appendChild(append(el("li", "cluster"), b));
      });
    }
    if (kinds.length > 1) {
      legend.appendChild(el("li", "sub", "Node kinds (shape)"));
      kinds.forEach(function (k) { item(DATA.kind_shapes[k], DATA.kind_colours[k], KIND_NAMES[k]); });
    }
    var groups = Object.keys(DATA.groups);
    if (groups.length) {
      legend.appendChild(el("li", "sub", "Colour: concept type"));
      groups.forEach(function (g) {
        var members = types.filter(function (t) { return DATA.type_groups[t] === g; });
        item("dot", DATA.groups[g], g + (members.length ? " (" + members.join(", ") + ")" : ""));
      });
      if (types.indexOf("term") >= 0) { item("dot term", "#ffffff", "dashed: discovered, not in the catalogue"); }
    }
    var edgeKinds = Array.from(new Set(EDGES.map(function (e) { return e.kind; }))).sort();
    if (edgeKinds.length) {
      legend.appendChild(el("li", "sub", "Edges"));
      edgeKinds.forEach(function (k) {
        var style = EDGE_STYLES[k] || EDGE_STYLES.other;
        item("line" + (style.dashes ? " dashed" : ""), null, k + (style.arrows ? " →" : ""), style.color);
      });
    }
    legend.appendChild(el("li", "sub", MAP ? "Size: articles" : "Size: concepts by article count, others by links"));
  }

  function resetFilters() {
    kindBoxes.forEach(function (b) { b.checked = true; });
    typeBoxes.forEach(function (b) { b.checked = true; });
    $("feed-filter").value = "";
    $("author-filter").value = "";
    $("date-from").value = "";
    $("date-to").value = "";
    $("min-articles").value = "0";
    $("hide-hubs").checked = false;
    $("top-only").checked = startsOnTop();
    document.querySelector("input[name=mode][value=" + startMode() + "]").checked = true;
    pinned.clear();
    applyFilters();
  }

  // ---- filtering -----------------------------------------------------------------
  function readFilters() {
    var mode = document.querySelector("input[name=mode]:checked");
    return {
      mode: mode ? mode.value : "full",
      feed: $("feed-filter").value,
      author: $("author-filter").value,
      from: $("date-from").value,
      to: $("date-to").value,
      minArticles: Number($("min-articles").value) || 0,
      hideHubs: $("hide-hubs").checked,
      topOnly: $("top-only").checked
    };
  }

  function articlePasses(a, f) {
    if (f.feed && "feed:" + a.feed !== f.feed &&
        !linked(a.id, "published", "in").some(function (e) { return e.from === f.feed; })) { return false; }
    if (f.author && !linked(a.id, "wrote", "in").some(function (e) { return e.from === f.author; })) { return false; }
    var d = day(a.published);
    if ((f.from || f.to) && !d) { return false; }
    if (f.from && d < f.from) { return false; }
    if (f.to && d > f.to) { return false; }
    return true;
  }

  function computeVisible(f) {
    var result = new Set();
    var articleFilter = !!(f.feed || f.author || f.from || f.to);
    var okArticles = new Set();
    NODES.forEach(function (n) { if (n.kind === "article" && articlePasses(n, f)) { okArticles.add(n.id); } });
    function touchesOkArticle(id) {
      if (!articleFilter) { return true; }
      return edgesOf(id).some(function (e) { return okArticles.has(e.from === id ? e.to : e.from); });
    }
    function kindOn(k) { var box = kindBoxes.get(k); return box ? box.checked : true; }
    NODES.forEach(function (n) {
      if (f.mode === "map" && n.kind !== "concept") { return; }
      if (f.mode !== "map" && !kindOn(n.kind)) { return; }
      if (n.kind === "article") { if (okArticles.has(n.id)) { result.add(n.id); } return; }
      if (f.hideHubs && n.hub) { return; }
      if (n.kind === "concept") {
        var typeBox = typeBoxes.get(DATA.type_groups[n.type]);
        if (typeBox && !typeBox.checked) { return; }
        if (n.articles < f.minArticles) { return; }
      }
      if (n.kind === "tag" && n.articles < f.minArticles) { return; }
      if (touchesOkArticle(n.id)) { result.add(n.id); }
    });
    if (f.topOnly) {
      var keep = new Set(topConcepts);
      pinned.forEach(function (id) { neighbours(id).forEach(function (m) { keep.add(m); }); });
      result.forEach(function (id) { if (!keep.has(id)) { result.delete(id); } });
    }
    pinned.forEach(function (id) { result.add(id); });
    return result;
  }

  function applyFilters() {
    var f = readFilters();
    visible = computeVisible(f);
    edgeKindsShown = f.mode === "map" ? new Set(["co_occurs"]) : null;
    var moved = placeFor(f.mode);
    nodeView.refresh();
    edgeView.refresh();
    if (network) {
      relayout();
      if (moved) { fitView(); }
    }
    var shown = $("shown");
    if (shown) {
      clear(shown);
      append(shown, "showing ", el("b", "", String(visible.size)), " nodes");
    }
  }

  // ---- highlight -------------------------------------------------------------------
  var dimmed = new Set();
  var selected = null;
  function highlight(id) {
    var keep = neighbours(id);
    keep.add(id);
    var updates = [];
    visible.forEach(function (v) {
      if (!keep.has(v) && !dimmed.has(v)) {
        dimmed.add(v);
        updates.push({ id: v, color: { background: DIM.background, border: DIM.border }, font: font(v, "#aab2bb") });
      } else if (keep.has(v) && dimmed.has(v)) {
        dimmed.delete(v);
        updates.push(restore(v));
      }
    });
    nodeSet.update(updates);
  }
  function restore(id) {
    var n = byId.get(id);
    return { id: id, color: baseColour(n), font: font(id, n.curated === "false" ? "#57606a" : "#1f2328") };
  }
  function unhighlight() {
    var updates = [];
    dimmed.forEach(function (id) { updates.push(restore(id)); });
    dimmed.clear();
    nodeSet.update(updates);
  }

  // ---- side panel ------------------------------------------------------------------
  function section(panel, heading, items) {
    panel.appendChild(el("h4", "", heading + " (" + items.length + ")"));
    var list = el("ul");
    items.forEach(function (li) { list.appendChild(li); });
    panel.appendChild(list);
  }
  function byDateDesc(a, b) {
    return String(b.published).localeCompare(String(a.published)) || String(a.label).localeCompare(String(b.label));
  }
  function articleItem(a, evidence) {
    var li = el("li");
    append(li, linkOrText(a.url, a.title || a.label));
    if (a.published) { li.appendChild(el("span", "date", day(a.published))); }
    li.appendChild(document.createTextNode(" "));
    var show = nodeButton(a.id, "◎");
    show.title = "Show in graph";
    li.appendChild(show);
    if (evidence) { li.appendChild(el("span", "evidence", "“" + evidence + "”")); }
    return li;
  }
  function articlesVia(id, kind) {
    return linked(id, kind, "in")
      .map(function (e) { return { a: byId.get(e.from), e: e }; })
      .filter(function (x) { return x.a && x.a.kind === "article"; })
      .sort(function (x, y) { return byDateDesc(x.a, y.a); });
  }

  // ---- articles over time (the side panel's sparkline) ------------------------------
  function monthsOf(n) {
    var counts = new Map();
    if (n.months) {
      String(n.months).split("|").forEach(function (part) {
        var kv = part.split(":");
        if (/^\d{4}-\d{2}$/.test(kv[0])) { counts.set(kv[0], Number(kv[1]) || 0); }
      });
    } else {
      articlesVia(n.id, "mentions").forEach(function (x) {
        var m = day(x.a.published).slice(0, 7);
        if (/^\d{4}-\d{2}$/.test(m)) { counts.set(m, (counts.get(m) || 0) + 1); }
      });
    }
    return counts;
  }
  function sparkline(counts) {
    if (counts.size === 0) { return null; }
    var months = Array.from(counts.keys()).sort();
    var first = months[0], last = months[months.length - 1];
    var all = [];
    var y = Number(first.slice(0, 4)), m = Number(first.slice(5, 7));
    while (all.length < 600) {
      var key = y + "-" + (m < 10 ? "0" : "") + m;
      all.push(counts.get(key) || 0);
      if (key >= last) { break; }
      m += 1;
      if (m > 12) { m = 1; y += 1; }
    }
    var top = Math.max.apply(null, all) || 1;
    var W = 300, H = 36, NS = "http://www.w3.org/2000/svg";
    var svg = document.createElementNS(NS, "svg");
    svg.setAttribute("viewBox", "0 0 " + W + " " + H);
    svg.setAttribute("width", String(W));
    svg.setAttribute("height", String(H));
    svg.setAttribute("class", "spark");
    svg.setAttribute("role", "img");
    var bw = W / all.length;
    all.forEach(function (k, i) {
      if (!k) { return; }
      var r = document.createElementNS(NS, "rect");
      var h = Math.max(2, (H - 2) * k / top);
      r.setAttribute("x", String(i * bw + bw * 0.1));
      r.setAttribute("y", String(H - h));
      r.setAttribute("width", String(Math.max(1, bw * 0.8)));
      r.setAttribute("height", String(h));
      svg.appendChild(r);
    });
    var caption = first === last ? first : first + " – " + last;
    var title = document.createElementNS(NS, "title");
    title.textContent = "Articles per month, " + caption + " (most: " + top + ")";
    svg.appendChild(title);
    var box = el("div", "sparkline");
    append(box, svg, el("span", "meta", "Articles per month, " + caption + " · most " + top));
    return box;
  }

  function showDetails(id) {
    var n = byId.get(id);
    var panel = $("details");
    clear(panel);
    if (!n) {
      delete panel.dataset.node;
      panel.appendChild(el("p", "hint", "Click a node to see its articles, concepts and evidence. Esc or a click on empty space clears it."));
      return;
    }
    panel.appendChild(el("h3", "", nameOf(n)));
    panel.dataset.node = n.id;
    if (n.kind === "concept") {
      panel.appendChild(el("p", "meta", (n.type || "concept") + " · " + n.articles + " article(s)"));
      var spark = sparkline(monthsOf(n));
      if (spark) { panel.appendChild(spark); }
      if (n.aliases) { panel.appendChild(el("p", "meta", "Aliases: " + n.aliases.split("|").join(", "))); }
      if (n.url) { panel.appendChild(append(el("p", "meta"), "Docs: ", linkOrText(n.url))); }
      var broader = linked(id, "broader", "out").map(function (e) { return e.to; });
      if (broader.length) {
        var p = append(el("p", "meta"), "Broader: ");
        broader.forEach(function (b, i) {
          if (i) { p.appendChild(document.createTextNode(", ")); }
          p.appendChild(nodeButton(b, nameOf(byId.get(b))));
        });
        panel.appendChild(p);
      }
      var co = linked(id, "co_occurs", "out").concat(linked(id, "co_occurs", "in"))
        .sort(function (a, b) { return (Number(b.weight) || 0) - (Number(a.weight) || 0); }).slice(0, 10);
      if (co.length) {
        section(panel, "Often with", co.map(function (e) {
          var other = e.from === id ? e.to : e.from;
          return append(el("li"), nodeButton(other, nameOf(byId.get(other))), el("span", "date", e.articles ? e.articles + " shared article(s)" : ""));
        }));
      }
      if (HAS_ARTICLES) {
        section(panel, "Articles", articlesVia(id, "mentions").map(function (x) { return articleItem(x.a, x.e.evidence); }));
      } else {  // a concept map: its articles are in the graph's own page
        panel.appendChild(el("p", "hint", "Its " + n.articles + " article(s) are listed in the graph's page (graph.html)."));
      }
    } else if (n.kind === "article") {
      var meta = el("p", "meta");
      if (n.published) { meta.appendChild(document.createTextNode(day(n.published) + " · ")); }
      var authors = linked(id, "wrote", "in");
      authors.forEach(function (e, i) {
        if (i) { meta.appendChild(document.createTextNode(", ")); }
        meta.appendChild(nodeButton(e.from, nameOf(byId.get(e.from))));
      });
      if (n.word_count) { meta.appendChild(document.createTextNode((authors.length ? " · " : "") + n.word_count + " words")); }
      panel.appendChild(meta);
      panel.appendChild(append(el("p", "meta"), "Link: ", linkOrText(n.url)));
      if (n.summary) { panel.appendChild(el("p", "", n.summary)); }
      var tags = linked(id, "tagged", "out");
      if (tags.length) {
        var tp = append(el("p", "meta"), "Tags: ");
        tags.forEach(function (e, i) {
          if (i) { tp.appendChild(document.createTextNode(", ")); }
          tp.appendChild(nodeButton(e.to, nameOf(byId.get(e.to))));
        });
        panel.appendChild(tp);
      }
      var concepts = linked(id, "mentions", "out")
        .sort(function (a, b) { return (Number(b.weight) || 0) - (Number(a.weight) || 0); });
      section(panel, "Concepts", concepts.map(function (e) {
        var c = byId.get(e.to);
        var li = append(el("li"), nodeButton(e.to, nameOf(c)));
        if (e.alias && e.alias !== nameOf(c)) { li.appendChild(el("span", "date", "as “" + e.alias + "”")); }
        if (e.evidence) { li.appendChild(el("span", "evidence", "“" + e.evidence + "”")); }
        return li;
      }));
      var links = linked(id, "links_to", "out").concat(linked(id, "related", "out"));
      if (links.length) {
        section(panel, "Linked and related articles", links.map(function (e) { return articleItem(byId.get(e.to)); }));
      }
    } else {
      if (n.kind === "feed" && n.url) { panel.appendChild(append(el("p", "meta"), "Site: ", linkOrText(n.url))); }
      if (n.kind === "tag" && n.concept && byId.has("concept:" + n.concept)) {
        panel.appendChild(append(el("p", "meta"), "Concept: ", nodeButton("concept:" + n.concept, nameOf(byId.get("concept:" + n.concept)))));
      }
      var items = [];
      edgesOf(id).forEach(function (e) {
        var other = byId.get(e.from === id ? e.to : e.from);
        if (other && other.kind === "article") { items.push(other); }
      });
      items.sort(byDateDesc);
      section(panel, "Articles", items.map(function (a) { return articleItem(a); }));
    }
  }

  // ---- search ----------------------------------------------------------------------
  var searchIndex = NODES.map(function (n) {
    var terms = [n.label, n.name, n.title];
    if (n.aliases) { terms = terms.concat(n.aliases.split("|")); }
    return { node: n, terms: terms.filter(Boolean).map(function (t) { return String(t).toLowerCase(); }) };
  });
  function runSearch(query) {
    var q = String(query || "").trim().toLowerCase();
    var list = $("search-results");
    clear(list);
    if (!q) { return []; }
    var hits = [];
    searchIndex.forEach(function (entry) {
      var best = 9;
      var via = "";
      entry.terms.forEach(function (t) {
        var score = t === q ? 0 : t.indexOf(q) === 0 ? 1 : t.indexOf(q) > 0 ? 2 : 9;
        if (score < best) { best = score; via = t; }
      });
      if (best < 9) { hits.push({ node: entry.node, score: best, via: via }); }
    });
    hits.sort(function (a, b) {
      return a.score - b.score || KIND_ORDER[a.node.kind] - KIND_ORDER[b.node.kind] ||
        b.node.articles - a.node.articles || (a.node.id < b.node.id ? -1 : 1);
    });
    hits = hits.slice(0, 12);
    hits.forEach(function (h) {
      var b = el("button", "", shorten(nameOf(h.node), 60));
      b.type = "button";
      b.appendChild(el("span", "kind", h.node.kind));
      if (h.via && h.via !== String(nameOf(h.node)).toLowerCase()) { b.appendChild(el("span", "kind", "· " + shorten(h.via, 30))); }
      b.addEventListener("click", function () { focusNode(h.node.id); });
      list.appendChild(append(el("li"), b));
    });
    return hits.map(function (h) { return h.node; });
  }

  // ---- network ------------------------------------------------------------------------
  var container = $("network");
  var options = {
    autoResize: true,
    nodes: { borderWidth: 1, font: { face: "system-ui, sans-serif", strokeWidth: 3, strokeColor: "#ffffff" } },
    edges: { smooth: false, selectionWidth: 1.5 },
    interaction: { hover: SMALL, tooltipDelay: 150, hideEdgesOnDrag: !SMALL, hideEdgesOnZoom: !SMALL, keyboard: false },
    layout: { improvedLayout: !META.positions && NODES.length <= 300, randomSeed: 7 },
    physics: META.positions ? false : {
      solver: "forceAtlas2Based",
      forceAtlas2Based: { gravitationalConstant: -60, springLength: 90, avoidOverlap: 0.3 },
      stabilization: { iterations: 250, fit: true }
    }
  };
  var network = null;
  var relayout = function () {};
  buildControls();
  applyFilters();
  network = new vis.Network(container, { nodes: nodeView, edges: edgeView }, options);

  // ---- labels and clusters of the concept-map view ----------------------------------
  // Labels keep one size on screen (LABEL_PX) at any zoom, so zooming in makes
  // room for more: they are placed best first (a cluster's best-ranked concepts,
  // then by articles) wherever they overlap no label or cluster name placed before.
  var measure = document.createElement("canvas").getContext("2d");
  function textWidth(text, px, bold) {
    measure.font = (bold ? "bold " : "") + px + "px system-ui, sans-serif";
    return measure.measureText(text).width;
  }
  function nameWidth(c) {
    return Math.max.apply(null, c.lines.map(function (line) { return textWidth(line, LABEL_PX.cluster, true); }));
  }
  function overlaps(a, b) { return a[0] < b[2] && b[0] < a[2] && a[1] < b[3] && b[1] < a[3]; }
  var namesShown = [];
  var labelled = new Set();
  var labelsOn = false;
  function labelMode() { return !!MAP || readFilters().mode === "map"; }
  function updateLabels() {
    if (!network) { return; }
    var updates = [];
    if (!labelMode()) {
      if (labelsOn) {  // back to the full graph's plain labels
        NODES.forEach(function (n) {
          if (fontNow.has(n.id)) {
            fontNow.delete(n.id);
            updates.push({ id: n.id, label: shorten(n.label, n.kind === "article" ? 32 : 40), font: font(n.id, dimmed.has(n.id) ? "#aab2bb" : null) });
          }
        });
        nodeSet.update(updates);
      }
      labelsOn = false;
      labelled.clear();
      namesShown = [];
      return;
    }
    labelsOn = true;
    var scale = network.getScale() || 1;
    var taken = [];
    namesShown = [];
    if (MAP) {
      MAP.clusters.forEach(function (c) {
        var px = LABEL_PX.cluster / scale;
        var w = (nameWidth(c) + 8) / scale;
        var box = [c.x - w / 2, c.y - c.r - 6 / scale - px * 1.3 * c.lines.length, c.x + w / 2, c.y - c.r];
        if (!taken.some(function (b) { return overlaps(b, box); })) { taken.push(box); namesShown.push(c); }
      });
    }
    var ids = [];
    visible.forEach(function (id) { if (byId.get(id).kind === "concept") { ids.push(id); } });
    ids.sort(function (a, b) {
      var x = byId.get(a), y = byId.get(b);
      return (MAP ? x.rank - y.rank : 0) || y.articles - x.articles || (a < b ? -1 : 1);
    });
    var pos = network.getPositions(ids);
    var now = new Set();
    ids.forEach(function (id, i) {
      var n = byId.get(id);
      var p = pos[id];
      if (!p) { return; }
      var top = MAP ? n.rank < 3 : i < 40;
      var px = top ? LABEL_PX.top : LABEL_PX.other;
      var text = shorten(n.label, 40);
      var w = (textWidth(text, px, false) + 8) / scale;
      var y0 = p.y + n.size + 2;
      var box = [p.x - w / 2, y0, p.x + w / 2, y0 + (px * 1.35 + 4) / scale];
      var show = !taken.some(function (b) { return overlaps(b, box); });
      var size = show ? px / scale : 1;
      if (show) { taken.push(box); now.add(id); }
      if (fontNow.get(id) !== size || labelled.has(id) !== show) {
        fontNow.set(id, size);
        var colour = dimmed.has(id) ? "#aab2bb" : (n.curated === "false" ? "#57606a" : null);
        updates.push({ id: id, label: show ? text : "", font: font(id, colour) });
      }
    });
    labelled = now;
    if (updates.length) { nodeSet.update(updates); }
  }
  var labelTimer = null;
  function labelsSoon() {
    if (labelTimer) { clearTimeout(labelTimer); }
    labelTimer = setTimeout(function () { labelTimer = null; updateLabels(); }, 120);
  }
  network.on("zoom", labelsSoon);
  network.on("animationFinished", updateLabels);
  network.on("dragEnd", function (params) { if (params.nodes.length) { labelsSoon(); } });
  if (MAP) {
    network.on("beforeDrawing", function (ctx) {
      var scale = network.getScale() || 1;
      ctx.save();
      ctx.lineWidth = 1 / scale;
      MAP.clusters.forEach(function (c) {
        ctx.beginPath();
        ctx.arc(c.x, c.y, c.r, 0, 2 * Math.PI);
        ctx.fillStyle = "#f3f4f6";
        ctx.strokeStyle = "#d0d7de";
        ctx.fill();
        ctx.stroke();
      });
      ctx.restore();
    });
    network.on("afterDrawing", function (ctx) {
      var scale = network.getScale() || 1;
      ctx.save();
      ctx.font = "bold " + (LABEL_PX.cluster / scale) + "px system-ui, sans-serif";
      ctx.textAlign = "center";
      ctx.textBaseline = "bottom";
      ctx.lineJoin = "round";
      ctx.lineWidth = 4 / scale;
      ctx.strokeStyle = "#ffffff";
      ctx.fillStyle = "#24292f";
      var lineHeight = LABEL_PX.cluster * 1.25 / scale;
      namesShown.forEach(function (c) {  // canvas text: never parsed as HTML
        c.lines.forEach(function (line, k) {
          var y = c.y - c.r - 6 / scale - (c.lines.length - 1 - k) * lineHeight;
          ctx.strokeText(line, c.x, y);
          ctx.fillText(line, c.x, y);
        });
      });
      ctx.restore();
    });
  }
  function fitView() {
    if (MAP && MAP.clusters.length) {  // the discs and the names above them, whole
      var w = container.clientWidth || 800, h = container.clientHeight || 600;
      var scale = 1, x0, y0, x1, y1;
      for (var round = 0; round < 3; round++) {  // names keep their size on screen: iterate
        x0 = Infinity; y0 = Infinity; x1 = -Infinity; y1 = -Infinity;
        MAP.clusters.forEach(function (c) {
          var half = Math.max(c.r, (nameWidth(c) + 8) / scale / 2);
          x0 = Math.min(x0, c.x - half); x1 = Math.max(x1, c.x + half);
          y0 = Math.min(y0, c.y - c.r - (12 + 20 * c.lines.length) / scale);
          y1 = Math.max(y1, c.y + c.r + 20 / scale);
        });
        scale = Math.min((w - 24) / (x1 - x0), (h - 24) / (y1 - y0));
      }
      network.moveTo({ position: { x: (x0 + x1) / 2, y: (y0 + y1) / 2 }, scale: scale, animation: false });
    } else {
      network.fit({ animation: false });
    }
    updateLabels();
  }
  function showCluster(c) {
    var ids = NODES.filter(function (n) { return n.cluster === c.id && visible.has(n.id); })
      .map(function (n) { return n.id; });
    if (ids.length) { network.fit({ nodes: ids, animation: { duration: 300 } }); }
  }

  // ---- selection: a click selects, Esc or a click on empty space clears ------------
  function clearSelection() {
    selected = null;
    network.unselectAll();
    unhighlight();
    showDetails(null);
  }
  network.on("click", function (params) {
    if (params.nodes.length === 0 && params.edges.length === 0) { clearSelection(); }
  });
  document.addEventListener("keydown", function (ev) {
    if (ev.key === "Escape" || ev.key === "Esc") { clearSelection(); }
  });

  function focusNode(id) {
    if (!byId.has(id)) { return; }
    if (!visible.has(id)) { pinned.add(id); applyFilters(); }
    selected = id;
    network.selectNodes([id]);
    network.focus(id, { scale: Math.max(network.getScale(), 1.0), animation: { duration: 300 } });
    highlight(id);
    showDetails(id);
  }
  network.on("selectNode", function (params) {
    selected = params.nodes[0];
    highlight(selected);
    showDetails(selected);
  });
  network.on("deselectNode", function (params) {
    if (params.nodes.length === 0) { selected = null; unhighlight(); }
  });
  if (SMALL) {
    network.on("hoverNode", function (params) { if (!selected) { highlight(params.node); } });
    network.on("blurNode", function () { if (!selected) { unhighlight(); } });
  }

  // Ready = the first frame drawn after the initial layout: at once when positions
  // come with the page (physics off), else once the stabilisation iterations are done.
  // window.kgraphReady and window.kgraphTimings (ms since navigation start) let tests,
  // benchmarks and screenshot scripts wait for it; kgraphStable follows when physics rests.
  var layoutDone = !options.physics || visible.size === 0;  // nothing to lay out
  var timings = { script: Math.round(performance.now()) };
  window.kgraphTimings = timings;
  var placed = new Set();
  network.on("stabilizationIterationsDone", function () {
    visible.forEach(function (id) { placed.add(id); });
    if (layoutDone) {
      network.setOptions({ physics: false });
      updateLabels();
      return;
    }
    fitView();
    layoutDone = true;
    // the layout has settled enough to read: stop the slow drift that would go on
    // for half a minute (dragging a node still works)
    network.setOptions({ physics: false });
    if (!window.kgraphStable) { timings.stable = Math.round(performance.now()); }
    window.kgraphStable = true;
    network.redraw();
  });
  network.on("afterDrawing", function onDraw() {
    if (!layoutDone) { return; }
    network.off("afterDrawing", onDraw);
    timings.ready = Math.round(performance.now());
    window.kgraphReady = true;
  });
  network.on("stabilized", function () {
    if (!window.kgraphStable) { timings.stable = Math.round(performance.now()); }
    window.kgraphStable = true;
  });
  if (layoutDone) {
    window.kgraphStable = true;
    visible.forEach(function (id) { placed.add(id); });
    fitView();
  }
  relayout = function () {  // a filter showed nodes the layout never placed
    if (!options.physics || !layoutDone) { updateLabels(); return; }
    var fresh = false;
    visible.forEach(function (id) { if (!placed.has(id)) { fresh = true; } });
    if (!fresh) { updateLabels(); return; }
    network.setOptions({ physics: options.physics });
    network.stabilize(200);
  };

  window.kgraphViewer = {
    network: network, nodes: nodeSet, edges: edgeSet, nodeView: nodeView, edgeView: edgeView,
    visibleIds: function () { return Array.from(visible).sort(); },
    focusNode: focusNode, search: runSearch, showDetails: showDetails, clearSelection: clearSelection,
    labelled: function () { return Array.from(labelled).sort(); },
    clusterNames: function () { return namesShown.map(function (c) { return c.name; }); },
    selected: function () { return selected; }
  };
}());
