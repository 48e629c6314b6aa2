/* policykg query page: the vendored YASGUI editor (Yasqe) and results view (Yasr), configured for this
 * endpoint. Works offline and under the server's Content-Security-Policy (no inline script, no eval).
 * - autocompletion of prefixes, classes and properties from this graph (no prefix.cc, no LOV);
 * - the endpoint's predeclared prefixes count as declared in the editor;
 * - result links only to http(s) IRIs (a `javascript:` IRI is shown as text, never as a link);
 * - IRIs shown so that they can be pasted back into a query (same rules as server/views.py `compact`);
 * - a chart view drawn as SVG; downloads in every format the endpoint serves; a shareable link. */
(function () {
  "use strict";

  const config = JSON.parse(document.getElementById("page-config").textContent);
  const examples = JSON.parse(document.getElementById("examples-data").textContent);
  const Yasqe = window.Yasgui.Yasqe;
  const Yasr = window.Yasgui.Yasr;
  const form = document.getElementById("query-form");
  const inference = document.getElementById("inference");
  const statusLine = document.getElementById("status");
  const downloads = document.getElementById("downloads");
  const downloadLinks = document.getElementById("download-links");
  const share = document.getElementById("share");
  const resultsEl = document.getElementById("results");
  const yasrEl = document.getElementById("yasr");
  const PREFIXES = config.prefixes;
  const NAMESPACES = Object.keys(PREFIXES).map(function (p) { return [p, PREFIXES[p]]; })
    .sort(function (a, b) { return b[1].length - a[1].length; });
  const XSD = "http://www.w3.org/2001/XMLSchema#";
  const RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type";
  const NUMERIC = new Set(["integer", "decimal", "double", "float", "long", "int", "short", "nonNegativeInteger",
    "positiveInteger", "nonPositiveInteger", "negativeInteger", "unsignedLong", "unsignedInt"].map(function (t) { return XSD + t; }));
  const LABEL_PROPERTIES = ["rdfs:label", "skos:prefLabel", "eli:title", "foaf:name"];

  // -- IRIs as text that parses, and links that are safe ---------------------------------------------

  const LOCAL_ESCAPES = "_~.-!$&'()*+,;=/?#@%";
  const PN_RANGES = [[0xC0, 0xD6], [0xD8, 0xF6], [0xF8, 0x2FF], [0x300, 0x36F], [0x370, 0x37D], [0x37F, 0x1FFF],
    [0x200C, 0x200D], [0x203F, 0x2040], [0x2070, 0x218F], [0x2C00, 0x2FEF], [0x3001, 0xD7FF], [0xF900, 0xFDCF],
    [0xFDF0, 0xFFFD], [0x10000, 0xEFFFF]];

  function isPnChars(ch) {
    const code = ch.codePointAt(0);
    if (/^[A-Za-z0-9_-]$/.test(ch) || code === 0xB7) return true;
    return PN_RANGES.some(function (r) { return r[0] <= code && code <= r[1]; });
  }

  function isCombining(ch) {
    const code = ch.codePointAt(0);
    return (code >= 0x300 && code <= 0x36F) || (code >= 0x203F && code <= 0x2040);
  }

  /** `local` as a SPARQL PN_LOCAL with backslash escapes, or null when no escape can carry it. */
  function localName(local) {
    const chars = Array.from(local);
    let out = "";
    for (let i = 0; i < chars.length; i++) {
      const ch = chars[i];
      if (ch === "%" && /^[0-9A-Fa-f]{2}$/.test(chars.slice(i + 1, i + 3).join(""))) {
        out += chars.slice(i, i + 3).join("");
        i += 2;
        continue;
      }
      const first = i === 0, last = i === chars.length - 1;
      if (isPnChars(ch) && !(first && (ch === "-" || isCombining(ch)))) out += ch;
      else if (ch === ":" || (ch === "." && !first && !last)) out += ch;
      else if (LOCAL_ESCAPES.indexOf(ch) >= 0) out += "\\" + ch;
      else return null;
    }
    return out;
  }

  function compact(iri) {
    for (const [prefix, ns] of NAMESPACES) {
      if (iri.startsWith(ns) && iri.length > ns.length) {
        const local = localName(iri.slice(ns.length));
        if (local !== null) return prefix + ":" + local;
      }
    }
    return "<" + iri + ">";
  }

  /** Where a result IRI may link: this server for the project's IRIs, else the IRI if it is http(s). */
  function safeHref(iri) {
    let url;
    try { url = new URL(iri); } catch (error) { return null; }
    if (url.protocol !== "http:" && url.protocol !== "https:") return null;
    if (iri.startsWith(config.iriBase)) return config.page + iri.slice(config.iriBase.length);
    return url.href;
  }

  function escapeHtml(text) {
    return String(text).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }

  function el(tag, attrs, text) {
    const node = document.createElement(tag);
    for (const key in attrs || {}) node.setAttribute(key, attrs[key]);
    if (text !== undefined) node.textContent = text;
    return node;
  }

  // -- the editor ----------------------------------------------------------------------------------

  // The endpoint predeclares these prefixes: the editor treats them as declared (no "unknown prefix",
  // no PREFIX line added on typing `pkg:`), and completes IRIs within them.
  const prefixesInQuery = Yasqe.prototype.getPrefixesFromQuery;
  Yasqe.prototype.getPrefixesFromQuery = function () {
    return Object.assign({}, PREFIXES, prefixesInQuery.call(this));
  };

  const termLists = {};
  function graphTerms(kind) {
    if (!termLists[kind]) {
      const pattern = kind === "class"
        ? "{ ?s a ?t } UNION { ?t a owl:Class }"
        : "{ ?s ?t ?o } UNION { ?t a owl:ObjectProperty } UNION { ?t a owl:DatatypeProperty }";
      termLists[kind] = sparqlJson("SELECT DISTINCT ?t WHERE { " + pattern + " FILTER(isIRI(?t)) }")
        .then(function (data) { return data.results.bindings.map(function (b) { return b.t.value; }).sort(); })
        .catch(function () { return []; });
    }
    return termLists[kind];
  }

  function completeIri(yasqe, token, suggestion) {
    return compact(suggestion);
  }

  Yasqe.registerAutocompleter(Object.assign({}, Yasqe.Autocompleters.prefixes, {
    get: function () {
      return NAMESPACES.map(function (pair) { return pair[0] + ": <" + pair[1] + ">"; }).sort();
    },
    persistenceId: null,
  }));
  // Yasqe's grammar state is stale after the first triple of a group: also take a term that follows a
  // variable or `;` as a predicate.
  const propertyPosition = Yasqe.Autocompleters.property.isValidCompletionPosition;
  function isPropertyPosition(yasqe) {
    const token = yasqe.getCompleteToken();
    if (isClassPosition(yasqe)) return false;
    if (propertyPosition(yasqe)) return true;
    if (!token.string || token.string[0] === "?" || token.string[0] === "$" || token.string[0] === "<") return false;
    const previous = yasqe.getPreviousNonWsToken(yasqe.getDoc().getCursor().line, token);
    return !!previous && (previous.string === ";" || /^[?$]/.test(previous.string));
  }
  // and a class only right after `a` / rdf:type (Yasqe runs every completer that says yes, and a stale
  // "last property a" would replace the property hints with an empty class list)
  function isClassPosition(yasqe) {
    const token = yasqe.getCompleteToken();
    if (!token.string || token.string[0] === "?" || token.string[0] === "$") return false;
    const previous = yasqe.getPreviousNonWsToken(yasqe.getDoc().getCursor().line, token);
    return !!previous && ["a", "rdf:type", "rdfs:domain", "rdfs:range", "<" + RDF_TYPE + ">"].indexOf(previous.string) >= 0;
  }
  for (const kind of ["class", "property"]) {
    Yasqe.registerAutocompleter(Object.assign({}, Yasqe.Autocompleters[kind], {
      isValidCompletionPosition: kind === "property" ? isPropertyPosition : isClassPosition,
      get: function () { return graphTerms(kind); },
      bulk: true,
      autoShow: true,
      persistenceId: null,
      postProcessSuggestion: completeIri,
    }));
  }

  const params = new URLSearchParams(location.search);
  if (params.get("inference") === "true") inference.checked = true;

  const yasqe = new Yasqe(document.getElementById("editor"), {
    value: params.get("query") || config.starter,
    persistenceId: null,
    editorHeight: "300px",
    resizeable: true,
    showQueryButton: false,
    createShareableLink: null,
    requestConfig: {
      endpoint: config.endpoint,
      method: "POST",
      acceptHeaderSelect: "application/sparql-results+json",
      acceptHeaderGraph: "text/turtle",
      args: function () { return inference.checked ? [{ name: "inference", value: "true" }] : []; },
    },
  });
  window.policykgEditor = yasqe; // for the browser test and the console

  // -- the results view ----------------------------------------------------------------------------

  const BaseTable = Yasr.plugins.table;
  class SafeTable extends BaseTable {
    getUriLinkFromBinding(binding) {
      // a line may break after a slash (<wbr> adds nothing to what is copied), never inside a word
      const shown = escapeHtml(compact(binding.value)).replace(/\//g, "/<wbr>");
      const target = safeHref(binding.value);
      if (target === null) return "<span class='iri unsafe' title='not an http(s) IRI: no link'>" + shown + "</span>";
      return "<a class='iri' href='" + escapeHtml(target) + "' title='" + escapeHtml(binding.value) + "'>" + shown +
        "</a><span class='label' data-iri='" + escapeHtml(binding.value) + "'></span>";
    }

    formatLiteral(binding, prefixes) {
      if (binding.datatype && NUMERIC.has(binding.datatype) && binding.value.trim() !== "" && isFinite(Number(binding.value))) {
        const grouped = Number(binding.value).toLocaleString("en-US", { maximumFractionDigits: 10 });
        return "<span class='number' title='" + escapeHtml(binding.value + " " + compact(binding.datatype)) + "'>" +
          escapeHtml(grouped) + "</span>";
      }
      return super.formatLiteral(binding, prefixes);
    }
  }
  Yasr.registerPlugin("table", SafeTable);
  Yasr.registerPlugin("chart", ChartPlugin);

  const yasr = new Yasr(yasrEl, {
    persistenceId: null,
    prefixes: PREFIXES,
    pluginOrder: ["table", "chart", "response"],
    defaultPlugin: "table",
  });
  // whole cells (no ellipsis), pages of 20 rows
  yasr.config.plugins.table.dynamicConfig = Object.assign({ isEllipsed: false, pageSize: 20 },
    yasr.config.plugins.table.dynamicConfig || {});
  window.policykgResults = yasr;

  /** A bar chart (SVG, no library) of the first numeric column against the first other column. */
  function ChartPlugin(results) {
    this.yasr = results;
    this.priority = 5;
    this.label = "图表 Chart";
  }
  ChartPlugin.prototype.columns = function () {
    const res = this.yasr.results;
    if (!res || !res.getVariables || !res.getBindings || !res.getBindings()) return null;
    const vars = res.getVariables();
    const rows = res.getBindings();
    const isNumber = function (name) {
      return rows.length > 0 && rows.every(function (row) {
        return !row[name] || (row[name].datatype && NUMERIC.has(row[name].datatype));
      }) && rows.some(function (row) { return row[name]; });
    };
    const value = vars.find(isNumber);
    if (!value) return null;
    const label = vars.find(function (name) { return name !== value && !isNumber(name); }) || null;
    return { value: value, label: label, rows: rows };
  };
  ChartPlugin.prototype.canHandleResults = function () { return this.columns() !== null; };
  ChartPlugin.prototype.getIcon = function () {
    const span = el("span", { class: "chart-icon" }, "▥");
    return span;
  };
  ChartPlugin.prototype.draw = function () {
    const cols = this.columns();
    const container = el("div", { class: "chart" });
    this.yasr.resultsEl.appendChild(container);
    if (!cols) return;
    const rows = cols.rows.filter(function (row) { return row[cols.value]; }).slice(0, 60);
    const values = rows.map(function (row) { return Number(row[cols.value].value); });
    const labels = rows.map(function (row, i) {
      const term = cols.label && row[cols.label];
      if (!term) return String(i + 1);
      return term.type === "uri" ? compact(term.value) : term.value;
    });
    const max = Math.max.apply(null, values.map(Math.abs).concat([1]));
    const rowHeight = 24, labelWidth = 320, barWidth = 520, width = labelWidth + barWidth + 140;
    const svgNs = "http://www.w3.org/2000/svg";
    const svg = document.createElementNS(svgNs, "svg");
    svg.setAttribute("viewBox", "0 0 " + width + " " + (rows.length * rowHeight + 30));
    svg.setAttribute("width", String(width));
    svg.setAttribute("role", "img");
    svg.setAttribute("aria-label", "?" + cols.value + (cols.label ? " by ?" + cols.label : ""));
    const title = document.createElementNS(svgNs, "text");
    title.setAttribute("x", "0");
    title.setAttribute("y", "16");
    title.setAttribute("class", "chart-title");
    title.textContent = "?" + cols.value + (cols.label ? " · ?" + cols.label : "");
    svg.appendChild(title);
    rows.forEach(function (row, i) {
      const y = 30 + i * rowHeight;
      const text = document.createElementNS(svgNs, "text");
      text.setAttribute("x", String(labelWidth - 8));
      text.setAttribute("y", String(y + 16));
      text.setAttribute("text-anchor", "end");
      text.textContent = labels[i].length > 40 ? labels[i].slice(0, 39) + "…" : labels[i];
      const tip = document.createElementNS(svgNs, "title");
      tip.textContent = labels[i];
      text.appendChild(tip);
      const bar = document.createElementNS(svgNs, "rect");
      bar.setAttribute("x", String(labelWidth));
      bar.setAttribute("y", String(y + 4));
      bar.setAttribute("height", String(rowHeight - 8));
      bar.setAttribute("width", String(Math.max(1, Math.abs(values[i]) / max * barWidth)));
      bar.setAttribute("class", "bar");
      const figure = document.createElementNS(svgNs, "text");
      figure.setAttribute("x", String(labelWidth + Math.abs(values[i]) / max * barWidth + 6));
      figure.setAttribute("y", String(y + 16));
      figure.setAttribute("class", "figure");
      figure.textContent = values[i].toLocaleString("en-US", { maximumFractionDigits: 10 });
      svg.appendChild(text);
      svg.appendChild(bar);
      svg.appendChild(figure);
    });
    container.appendChild(svg);
    if (cols.rows.length > rows.length) {
      container.appendChild(el("p", { class: "note" }, "the first " + rows.length + " of " + cols.rows.length + " rows"));
    }
  };

  // -- labels beside IRIs (zh · en), fetched once per IRI ------------------------------------------

  const labelCache = {};
  let labelTimer = null;
  function scheduleLabels() {
    clearTimeout(labelTimer);
    labelTimer = setTimeout(fillLabels, 50);
  }
  async function fillLabels() {
    const spans = Array.from(resultsEl.querySelectorAll("span.label[data-iri]:not([data-done])"));
    const missing = Array.from(new Set(spans.map(function (s) { return s.getAttribute("data-iri"); })))
      .filter(function (iri) { return !(iri in labelCache); }).slice(0, 300);
    if (missing.length) {
      missing.forEach(function (iri) { labelCache[iri] = null; });
      const values = missing.map(function (iri) { return "<" + iri + ">"; }).join(" ");
      try {
        const data = await sparqlJson("SELECT ?s ?label WHERE { VALUES ?s { " + values + " } ?s " +
          LABEL_PROPERTIES.join("|") + " ?label }");
        for (const b of data.results.bindings) {
          const entry = labelCache[b.s.value] = labelCache[b.s.value] || {};
          const lang = b.label["xml:lang"] || "";
          if (!entry[lang]) entry[lang] = b.label.value;
        }
      } catch (error) { /* labels are a nicety */ }
    }
    for (const span of spans) {
      const entry = labelCache[span.getAttribute("data-iri")];
      if (entry === undefined) continue;
      span.setAttribute("data-done", "1");
      if (!entry) continue;
      const zh = entry.zh || "", en = entry.en || entry[""] || "";
      span.textContent = [zh, en].filter(Boolean).join(" · ");
      if (zh) span.setAttribute("lang", "zh");
    }
  }
  new MutationObserver(scheduleLabels).observe(resultsEl, { childList: true, subtree: true });

  // -- running, status, errors ---------------------------------------------------------------------

  async function sparqlJson(query) {
    const body = new URLSearchParams();
    body.set("query", query);
    const response = await fetch(config.endpoint, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", "Accept": "application/sparql-results+json" },
      body: body,
    });
    if (!response.ok) throw new Error(String(response.status));
    return response.json();
  }

  let started = 0;
  yasqe.on("query", function () {
    started = performance.now();
    statusLine.textContent = "运行中 running…";
    statusLine.className = "";
    clearServerError();
    history.replaceState(null, "", shareUrl());
  });
  yasqe.on("queryResponse", function (_instance, response, duration) {
    const note = document.getElementById("results-note");
    if (note) note.remove();
    yasrEl.hidden = false;
    yasr.setResponse(response, duration);
    const seconds = ((performance.now() - started) / 1000).toFixed(2) + " s";
    const status = response && (response.status || (response.response && response.response.status));
    if (status && status >= 400) {
      const text = (response.response && response.response.text) || response.text || "";
      statusLine.textContent = status + " · " + seconds;
      statusLine.className = "error";
      markServerError(text);
      downloads.hidden = true;
      return;
    }
    const res = yasr.results;
    if (res && res.getBoolean && (res.getBoolean() === true || res.getBoolean() === false)) {
      statusLine.textContent = "ASK " + res.getBoolean() + " · " + seconds;
      offerDownloads(config.resultFormats, config.resultLabels, config.resultExtensions);
    } else if (res && res.getBindings && res.getBindings()) {
      statusLine.textContent = res.getBindings().length.toLocaleString("en-US") + " 行 rows · " + seconds;
      offerDownloads(config.resultFormats, config.resultLabels, config.resultExtensions);
    } else {
      statusLine.textContent = "RDF graph · " + seconds;
      offerDownloads(config.graphFormats, config.graphLabels, config.graphExtensions);
    }
  });

  let errorMark = null;
  function clearServerError() {
    if (errorMark) errorMark.clear();
    errorMark = null;
    yasqe.clearGutter("gutterErrorBar");
  }
  /** The server names the line and column of a syntax error: mark them in the editor. */
  function markServerError(text) {
    const match = /line (\d+), column (\d+)/.exec(text);
    if (!match) return;
    const line = Number(match[1]) - 1, column = Math.max(0, Number(match[2]) - 2);
    const length = yasqe.getDoc().getLine(line) !== undefined ? yasqe.getDoc().getLine(line).length : 0;
    errorMark = yasqe.getDoc().markText({ line: line, ch: Math.min(column, length) },
      { line: line, ch: Math.min(column + 1, length) }, { className: "server-error", title: text });
    const marker = el("span", { class: "server-error-marker", title: text }, "✖");
    yasqe.setGutterMarker(line, "gutterErrorBar", marker);
  }

  function run() {
    yasqe.query().catch(function () { /* shown through queryResponse */ });
  }

  function shareUrl() {
    const query = new URLSearchParams();
    query.set("query", yasqe.getValue());
    if (inference.checked) query.set("inference", "true");
    return config.page + "?" + query.toString();
  }

  function offerDownloads(names, labels, extensions) {
    downloadLinks.replaceChildren();
    names.forEach(function (name, index) {
      const link = el("a", { href: "#", "data-format": name, class: "download" }, labels[index]);
      link.addEventListener("click", function (event) {
        event.preventDefault();
        download(name, extensions[index]);
      });
      downloadLinks.appendChild(link);
    });
    share.href = shareUrl();
    downloads.hidden = false;
  }

  async function download(format, extension) {
    const body = new URLSearchParams();
    body.set("query", yasqe.getValue());
    body.set("format", format);
    if (inference.checked) body.set("inference", "true");
    const response = await fetch(config.endpoint, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: body,
    });
    if (!response.ok) {
      statusLine.textContent = "download failed: " + response.status;
      statusLine.className = "error";
      return;
    }
    const url = URL.createObjectURL(await response.blob());
    const link = el("a", { href: url, download: "results." + extension });
    document.body.appendChild(link);
    link.click();
    link.remove();
    setTimeout(function () { URL.revokeObjectURL(url); }, 10000);
  }

  function loadExample(name, runIt) {
    const example = examples.find(function (e) { return e.name === name; });
    if (!example) return;
    // the title and description lines are shown in the list: the editor opens on the query itself
    yasqe.setValue(example.query.replace(/^(\s*#\s*(title|description)(@[\w-]+)?\s*:.*\n)+\s*/i, ""));
    yasqe.collapsePrefixes(true);
    for (const button of document.querySelectorAll("button.example")) {
      button.classList.toggle("active", button.getAttribute("data-name") === name);
    }
    if (runIt) run();
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    run();
  });
  for (const button of document.querySelectorAll("button.example")) {
    button.addEventListener("click", function () { loadExample(button.getAttribute("data-name"), true); });
  }
  share.addEventListener("click", function (event) {
    share.href = shareUrl();
    if (navigator.clipboard && window.isSecureContext) {
      event.preventDefault();
      navigator.clipboard.writeText(new URL(share.href, location.href).toString());
      share.textContent = "已复制 copied ✓";
      setTimeout(function () { share.textContent = "分享链接 Share link"; }, 2000);
    }
  });

  if (params.get("query")) run();
  else if (params.get("example")) loadExample(params.get("example"), true);
})();
