(function () {
  "use strict";
  var meta = JSON.parse(document.getElementById("audit-meta").textContent);
  var rows = JSON.parse(document.getElementById("audit-rows").textContent);
  var cols = meta.columns;
  var ci = {};
  cols.forEach(function (c, i) { ci[c.key] = i; });
  var BAND_COLORS = {"high": "#2e7d32", "mixed": "#c79100", "low": "#e65100", "very low": "#b71c1c"};
  var SEV_RANK = {high: 3, medium: 2, low: 1};
  var STEP = 250;
  var state = {key: "path", dir: 1, limit: STEP};
  var filterBox = document.getElementById("filter");
  var statusBox = document.getElementById("status-filter");
  var bandBox = document.getElementById("band-filter");
  var table = document.getElementById("pages-table");
  var tbody = table.querySelector("tbody");
  var headRow = table.querySelector("thead tr");
  var more = document.getElementById("more");
  var count = document.getElementById("count");
  var shown = cols.filter(function (c) { return !c.hidden; });

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }

  shown.forEach(function (c) {
    var th = el("th", c.type === "num" ? "num" : "", c.label);
    th.dataset.key = c.key;
    th.tabIndex = 0;
    th.title = c.pack ? "findings in the " + c.label + " pack" : "sort by " + c.label;
    if (c.key === state.key) th.setAttribute("aria-sort", "ascending");
    th.addEventListener("click", function () { sortBy(c.key); });
    th.addEventListener("keydown", function (ev) { if (ev.key === "Enter") sortBy(c.key); });
    headRow.appendChild(th);
  });

  function sortBy(key) {
    if (state.key === key) state.dir = -state.dir;
    else { state.key = key; state.dir = 1; }
    headRow.querySelectorAll("th").forEach(function (th) {
      if (th.dataset.key === state.key) th.setAttribute("aria-sort", state.dir > 0 ? "ascending" : "descending");
      else th.removeAttribute("aria-sort");
    });
    state.limit = STEP;
    render();
  }

  function parseQuery(text) {
    var q = {words: [], min: null, max: null, cond: []};
    text.toLowerCase().split(/\s+/).forEach(function (tok) {
      if (!tok) return;
      var m = /^score:(\d+)(?:-(\d+))?$/.exec(tok);
      if (m) { q.min = +m[1]; q.max = m[2] === undefined ? +m[1] : +m[2]; return; }
      if (tok.indexOf("cond:") === 0) { q.cond.push(tok.slice(5)); return; }
      q.words.push(tok);
    });
    return q;
  }

  function matches(r, q, status, band) {
    if (status && r[ci.status] !== status) return false;
    if (band && r[ci.band] !== band) return false;
    var score = r[ci.score];
    if (q.min !== null && (score === null || score < q.min || score > q.max)) return false;
    if (q.cond.length) {
      var conds = (r[ci.conds] || "").toLowerCase().split(" ");
      for (var j = 0; j < q.cond.length; j++) if (conds.indexOf(q.cond[j]) < 0) return false;
    }
    if (q.words.length) {
      var hay = [r[ci.path], r[ci.reason], r[ci.band], r[ci.status], r[ci.rules], r[ci.title]].join(" ").toLowerCase();
      for (var i = 0; i < q.words.length; i++) if (hay.indexOf(q.words[i]) < 0) return false;
    }
    return true;
  }

  function compare(a, b) {
    var i = ci[state.key], x = a[i], y = b[i], c;
    if (x === null || x === undefined || x === "") { if (!(y === null || y === undefined || y === "")) return 1; c = 0; }
    else if (y === null || y === undefined || y === "") return -1;
    else if (typeof x === "number") c = x - y;
    else c = String(x).localeCompare(String(y));
    if (c === 0) c = a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0;
    return c * state.dir;
  }

  function render() {
    var q = parseQuery(filterBox.value), status = statusBox.value, band = bandBox.value;
    var idx = [];
    for (var i = 0; i < rows.length; i++) if (matches(rows[i], q, status, band)) idx.push(i);
    idx.sort(function (a, b) { return compare(rows[a], rows[b]); });
    var frag = document.createDocumentFragment();
    idx.slice(0, state.limit).forEach(function (n) { frag.appendChild(rowElement(n)); });
    tbody.replaceChildren(frag);
    count.textContent = "showing " + Math.min(idx.length, state.limit).toLocaleString() + " of " +
      idx.length.toLocaleString() + " matching pages (" + rows.length.toLocaleString() + " in all)";
    more.hidden = idx.length <= state.limit;
  }

  function rowElement(n) {
    var r = rows[n];
    var tr = el("tr");
    tr.dataset.index = n;
    tr.tabIndex = 0;
    shown.forEach(function (c) {
      var v = r[ci[c.key]];
      var td = el("td", c.type === "num" ? "num" : "");
      if (c.key === "path") {
        td.className = "path";
        td.textContent = v;
        td.title = v;
        if (r[ci.reason]) td.appendChild(el("span", "why", r[ci.reason]));
      } else if (c.key === "status") {
        td.appendChild(el("span", "st-" + v, v));
      } else if (c.key === "band" && v) {
        var pill = el("span", "pill", v);
        pill.style.background = BAND_COLORS[v] || "#777";
        td.appendChild(pill);
      } else {
        td.textContent = v === null || v === undefined ? "" : (typeof v === "number" ? v.toLocaleString() : v);
      }
      tr.appendChild(td);
    });
    return tr;
  }

  function openRow(tr) { if (tr && tr.dataset.index !== undefined) location.hash = "page-" + tr.dataset.index; }
  tbody.addEventListener("click", function (ev) { openRow(ev.target.closest("tr")); });
  tbody.addEventListener("keydown", function (ev) { if (ev.key === "Enter") openRow(ev.target.closest("tr")); });
  more.addEventListener("click", function () { state.limit += STEP * 4; render(); });
  var timer = null;
  filterBox.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () { state.limit = STEP; render(); }, 120);
  });
  statusBox.addEventListener("change", function () { state.limit = STEP; render(); });
  bandBox.addEventListener("change", function () { state.limit = STEP; render(); });
  document.querySelectorAll(".chart .bar").forEach(function (g) {
    function go() {
      filterBox.value = g.getAttribute("data-filter");
      state.limit = STEP;
      render();
      if (location.hash.indexOf("#page-") === 0) location.hash = "pages";
      document.getElementById("pages").scrollIntoView({behavior: "smooth"});
    }
    g.addEventListener("click", go);
    g.addEventListener("keydown", function (ev) { if (ev.key === "Enter") go(); });
  });

  // ---- page view ----
  var view = document.getElementById("page-view");
  var firstMark = {};  // finding index -> the first highlight that shows it

  function route() {
    var m = /^#page-(\d+)$/.exec(location.hash);
    if (!m || !rows[+m[1]]) { view.hidden = true; return; }
    showPage(+m[1]);
  }

  // Page details come in compressed blocks of meta.detailBlock pages (JSON, gzip, base64),
  // each decompressed the first time one of its pages is opened.
  var blocks = {};
  var opened = 0;  // the latest page asked for: a slower block must not overwrite it

  function gunzipText(b64) {
    var bin = atob(b64), bytes = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    return new Response(new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"))).text();
  }

  function details(n) {
    var k = Math.floor(n / meta.detailBlock);
    if (!blocks[k]) {
      var node = document.getElementById("z" + k);
      blocks[k] = node ? gunzipText(node.textContent.trim()).then(JSON.parse) : Promise.resolve([]);
    }
    return blocks[k].then(function (list) { return list[n % meta.detailBlock] || null; });
  }

  function showPage(n) {
    var ticket = ++opened;
    details(n).then(function (raw) {
      if (ticket === opened) renderPage(n, raw ? unpack(raw) : null);
    });
  }

  function renderPage(n, d) {
    var r = rows[n];
    document.getElementById("pv-path").textContent = r[ci.path];
    var metaBox = document.getElementById("pv-meta");
    metaBox.replaceChildren();
    if (r[ci.status] !== "ok") {
      metaBox.appendChild(el("span", "st-" + r[ci.status], r[ci.status] + ": " + r[ci.reason]));
    } else {
      var pill = el("span", "pill", r[ci.band]);
      pill.style.background = BAND_COLORS[r[ci.band]] || "#777";
      metaBox.appendChild(el("b", "", "score " + r[ci.score] + "/100 "));
      metaBox.appendChild(pill);
      metaBox.appendChild(document.createTextNode("  " + r[ci.findings] + " findings · " + r[ci.claims] +
        " claims · " + r[ci.cautions] + " cautions · " + r[ci.words].toLocaleString() + " words" +
        (d && d.title ? " · title: " + d.title : "") + (d && d.cc ? " · cautions given: " + d.cc : "") +
        (d && d.notes ? " · " + d.notes : "")));
    }
    var note = document.getElementById("pv-note");
    note.textContent = !d ? "" : d.mode === "excerpt"
      ? "Excerpts around the most severe findings only: the report embeds the full text (and the claims) of the " +
        meta.fullTextPages + " lowest-scoring pages (--report-pages); the tables hold everything."
      : d.mode === "cut" ? "The page's text is cut at " + d.t.length.toLocaleString() + " of " + d.len.toLocaleString() +
        " characters; findings past the cut are listed but not highlighted." : "";
    renderText(d);
    renderFindings(d);
    renderClaims(d);
    view.hidden = false;
    view.scrollIntoView();
  }

  function unpack(raw) {  // a new object: the block keeps its raw details for the next opening
    var d = Object.assign({}, raw);
    d.f = raw.f.map(function (x) {
      var rule = meta.rules[x[0]] || {}, extra = x[11] || {};
      function pick(k) { return extra[k] !== undefined ? extra[k] : rule[k]; }
      return {r: x[0], s: x[1], a: x[2], b: x[3], l: x[4], k: x[5], pts: x[6], m: x[7],
              q: x[8] || (x[2] >= 0 ? d.t.slice(x[2], x[3]) : ""), mod: x[9] || [], sup: !!x[10],
              n: pick("name"), p: pick("pack"), w: pick("why"), src: pick("source")};
    });
    d.c = raw.c ? raw.c.map(function (x) { return {l: x[0], mo: x[1], i: x[2], e: x[3], c: x[4], st: x[5]}; }) : null;
    return d;
  }

  function renderText(d) {
    var box = document.getElementById("pv-text");
    box.replaceChildren();
    if (!d) return;
    var t = d.t, fs = d.f, ps = d.p || [], cuts = {0: 1};
    cuts[t.length] = 1;
    fs.forEach(function (f) { if (f.a >= 0 && f.b > f.a) { cuts[f.a] = 1; cuts[f.b] = 1; } });
    ps.forEach(function (p) { cuts[p[1]] = 1; cuts[p[2]] = 1; });
    var pts = Object.keys(cuts).map(Number).sort(function (a, b) { return a - b; });
    var frag = document.createDocumentFragment();
    firstMark = {};
    for (var k = 0; k + 1 < pts.length; k++) {
      var s = pts[k], e = pts[k + 1], cover = [];
      for (var i = 0; i < fs.length; i++) if (fs[i].a >= 0 && fs[i].a <= s && fs[i].b >= e && fs[i].b > fs[i].a) cover.push(i);
      var piece = t.slice(s, e), kinds = {};
      ps.forEach(function (p) { if (p[1] <= s && p[2] >= e) kinds["pt-" + p[0]] = 1; });
      var partClass = Object.keys(kinds).sort().join(" ");
      if (!cover.length) {
        frag.appendChild(partClass ? el("span", partClass, piece) : document.createTextNode(piece));
        continue;
      }
      var worst = cover.reduce(function (w, i) { return SEV_RANK[fs[i].s] > SEV_RANK[w] ? fs[i].s : w; }, "low");
      var mk = el("mark", "sev-" + worst + (cover.length > 1 ? " multi" : "") + (partClass ? " " + partClass : ""), piece);
      mk.dataset.f = cover.join(" ");
      mk.title = cover.map(function (i) { return fs[i].r + " " + fs[i].n + " (" + fs[i].s + ")"; }).join("\n");
      cover.forEach(function (i) { if (!firstMark[i]) firstMark[i] = mk; });
      frag.appendChild(mk);
    }
    box.appendChild(frag);
  }

  function flash(node) {
    if (!node) return;
    node.classList.remove("flash");
    void node.offsetWidth;
    node.classList.add("flash");
    node.scrollIntoView({block: "center", behavior: "smooth"});
  }

  function renderFindings(d) {
    var list = document.getElementById("pv-findings");
    list.replaceChildren();
    if (!d || !d.f.length) { list.appendChild(el("li", "", "No findings.")); return; }
    d.f.forEach(function (f, i) {
      var li = el("li", "sev-" + f.s + (f.sup ? " sup" : ""));
      li.id = "f-" + i;
      var top = el("div", "f-top");
      top.appendChild(el("span", "sev " + f.s, f.s));
      top.appendChild(el("span", "f-rule", f.r + " " + f.n));
      top.appendChild(el("span", "f-pack", f.p));
      top.appendChild(el("span", "f-pos", "line " + f.l + ":" + f.k));
      top.appendChild(el("span", "f-pts", (f.sup ? "suppressed" : (f.pts > 0 ? "+" : "") + (f.pts === 0 ? 0 : f.pts).toFixed(1) + " pts")));
      li.appendChild(top);
      li.appendChild(el("div", "f-msg", f.m));
      if (f.q) li.appendChild(el("div", "f-q", "“" + f.q.replace(/\s+/g, " ").slice(0, 220) + "”"));
      var why = f.w, source = f.src;
      if (why) li.appendChild(el("div", "f-why", "Why: " + why));
      (f.mod || []).forEach(function (m) { li.appendChild(el("div", "f-mod", m)); });
      if (source) {
        var src = el("div", "f-src");
        if (/^https?:\/\//.test(source)) {
          var a = el("a", "", source);
          a.href = source; a.target = "_blank"; a.rel = "noopener noreferrer";
          src.appendChild(document.createTextNode("Source: "));
          src.appendChild(a);
        } else src.textContent = "Source: " + source;
        li.appendChild(src);
      }
      if (f.a < 0) li.appendChild(el("div", "f-off", "(not highlighted: the whole page, or outside the embedded text)"));
      li.addEventListener("click", function (ev) {
        if (ev.target.tagName === "A") return;
        flash(firstMark[i]);
      });
      list.appendChild(li);
    });
    document.getElementById("pv-text").onclick = function (ev) {
      var mk = ev.target.closest("mark");
      if (mk) flash(document.getElementById("f-" + mk.dataset.f.split(" ")[0]));
    };
  }

  function renderClaims(d) {
    var list = document.getElementById("pv-claims");
    list.replaceChildren();
    var box = document.getElementById("pv-claims-box");
    box.hidden = !d || !d.c || !d.c.length;
    if (box.hidden) return;
    document.querySelector("#pv-claims-box summary").textContent = "Claims (" + d.c.length + ")";
    d.c.forEach(function (c) {
      list.appendChild(el("li", "", "line " + c.l + " · " + c.mo + ": " + (c.i || "—") + " " + c.e + " → " +
        (c.c || "—") + " [" + String(c.st).replace("_", " ") + "]"));
    });
  }

  window.addEventListener("hashchange", route);
  render();
  route();
})();
