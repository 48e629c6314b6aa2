/* policykg query page: plain JavaScript, no dependencies, works offline. */
(function () {
  "use strict";

  const config = JSON.parse(document.getElementById("page-config").textContent);
  const examples = JSON.parse(document.getElementById("examples-data").textContent);
  const editor = document.getElementById("query");
  const form = document.getElementById("query-form");
  const inference = document.getElementById("inference");
  const results = document.getElementById("results");
  const status = document.getElementById("status");
  const downloads = document.getElementById("downloads");
  const downloadLinks = document.getElementById("download-links");
  const share = document.getElementById("share");
  const RDF_LABELS = ["rdfs:label", "skos:prefLabel", "eli:title", "foaf:name"];

  const prefixes = [];
  config.prologue.replace(/PREFIX\s+([\w-]*):\s*<([^>]*)>/gi, function (_, name, iri) {
    prefixes.push([name, iri]);
  });
  prefixes.sort(function (a, b) { return b[1].length - a[1].length; });

  function compact(iri) {
    for (const [name, ns] of prefixes) {
      if (iri.startsWith(ns) && iri.length > ns.length) return name + ":" + iri.slice(ns.length);
    }
    return iri;
  }

  function localHref(iri) {
    if (iri.startsWith(config.iriBase)) return config.page + iri.slice(config.iriBase.length);
    return iri;
  }

  function el(tag, attrs, text) {
    const node = document.createElement(tag);
    for (const key in attrs || {}) node.setAttribute(key, attrs[key]);
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function formBody(extra) {
    const params = new URLSearchParams();
    params.set("query", editor.value);
    if (inference.checked) params.set("inference", "true");
    for (const key in extra || {}) params.set(key, extra[key]);
    return params;
  }

  function shareUrl() {
    const params = new URLSearchParams();
    params.set("query", editor.value);
    if (inference.checked) params.set("inference", "true");
    return config.page + "?" + params.toString();
  }

  let lastKind = null;

  async function run() {
    const started = performance.now();
    status.textContent = "运行中 running…";
    status.className = "";
    results.setAttribute("aria-busy", "true");
    history.replaceState(null, "", shareUrl());
    let response;
    try {
      response = await fetch(config.endpoint, {
        method: "POST",
        headers: {
          "Content-Type": "application/x-www-form-urlencoded",
          "Accept": "application/sparql-results+json, text/turtle;q=0.9",
        },
        body: formBody(),
      });
    } catch (error) {
      showError("Network error: " + error);
      return;
    }
    const seconds = ((performance.now() - started) / 1000).toFixed(2);
    const serverTiming = /dur=([\d.]+)/.exec(response.headers.get("Server-Timing") || "");
    const timing = seconds + " s" + (serverTiming ? " (server " + (serverTiming[1] / 1000).toFixed(2) + " s)" : "");
    const body = await response.text();
    results.removeAttribute("aria-busy");
    if (!response.ok) {
      showError(body, response.status + " · " + timing);
      return;
    }
    const type = response.headers.get("Content-Type") || "";
    if (type.indexOf("sparql-results+json") >= 0) {
      const data = JSON.parse(body);
      if ("boolean" in data) {
        lastKind = "results";
        results.replaceChildren(el("p", { class: "boolean " + data.boolean }, data.boolean ? "true ✓" : "false ✗"));
        status.textContent = "ASK · " + timing;
      } else {
        lastKind = "results";
        renderTable(data);
        status.textContent = data.results.bindings.length + " 行 rows · " + timing;
      }
    } else {
      lastKind = "graph";
      results.replaceChildren(el("pre", { class: "code" }, body));
      status.textContent = "RDF graph · " + timing;
    }
    offerDownloads();
  }

  function showError(message, heading) {
    lastKind = null;
    downloads.hidden = true;
    status.textContent = heading || "error";
    status.className = "error";
    results.replaceChildren(el("pre", { class: "message error" }, message));
  }

  function renderTable(data) {
    const vars = data.head.vars;
    const table = el("table", { class: "results" });
    const head = el("tr");
    head.appendChild(el("th", {}, "#"));
    for (const name of vars) head.appendChild(el("th", {}, "?" + name));
    table.appendChild(el("thead")).appendChild(head);
    const tbody = table.appendChild(el("tbody"));
    const iris = new Set();
    data.results.bindings.forEach(function (binding, index) {
      const row = tbody.appendChild(el("tr"));
      row.appendChild(el("td", { class: "num" }, String(index + 1)));
      for (const name of vars) row.appendChild(renderTerm(binding[name], iris));
    });
    results.replaceChildren(table);
    fetchLabels(Array.from(iris).slice(0, 400));
  }

  function renderTerm(term, iris) {
    const cell = el("td");
    if (!term) return cell;
    if (term.type === "uri") {
      iris.add(term.value);
      cell.appendChild(el("a", { class: "iri", href: localHref(term.value), title: term.value }, compact(term.value)));
      cell.appendChild(el("span", { class: "label", "data-iri": term.value }));
    } else if (term.type === "literal" || term.type === "typed-literal") {
      const attrs = { class: "literal" };
      if (term["xml:lang"]) attrs.lang = term["xml:lang"];
      cell.appendChild(el("span", attrs, term.value));
      if (term["xml:lang"]) cell.appendChild(el("span", { class: "tag" }, "@" + term["xml:lang"]));
      else if (term.datatype && !term.datatype.endsWith("#string")) cell.appendChild(el("span", { class: "tag" }, compact(term.datatype)));
    } else if (term.type === "bnode") {
      cell.appendChild(el("span", { class: "bnode" }, "_:" + term.value));
    } else {
      cell.appendChild(el("span", {}, JSON.stringify(term.value)));
    }
    return cell;
  }

  async function fetchLabels(iris) {
    if (!iris.length) return;
    const values = iris.map(function (iri) { return "<" + iri + ">"; }).join(" ");
    const query = config.prologue + "SELECT ?s ?label WHERE { VALUES ?s { " + values + " } ?s " +
      RDF_LABELS.join("|") + " ?label }";
    const params = new URLSearchParams();
    params.set("query", query);
    let data;
    try {
      const response = await fetch(config.endpoint, {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded", "Accept": "application/sparql-results+json" },
        body: params,
      });
      if (!response.ok) return;
      data = await response.json();
    } catch (error) {
      return;
    }
    const labels = {};
    for (const binding of data.results.bindings) {
      const lang = binding.label["xml:lang"] || "";
      const entry = labels[binding.s.value] = labels[binding.s.value] || {};
      if (!entry[lang]) entry[lang] = binding.label.value;
    }
    for (const span of results.querySelectorAll("span.label[data-iri]")) {
      const entry = labels[span.getAttribute("data-iri")];
      if (!entry) continue;
      const zh = entry.zh || "";
      const en = entry.en || entry[""] || "";
      span.textContent = [zh, en].filter(Boolean).join(" · ");
      if (zh) span.setAttribute("lang", "zh");
    }
  }

  function offerDownloads() {
    const names = lastKind === "graph" ? config.graphFormats : config.resultFormats;
    const labels = lastKind === "graph" ? config.graphLabels : config.resultLabels;
    const extensions = lastKind === "graph" ? config.graphExtensions : config.resultExtensions;
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
    const response = await fetch(config.endpoint, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: formBody({ format: format }),
    });
    if (!response.ok) {
      showError(await response.text(), "download failed: " + response.status);
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
    editor.value = example.query;
    for (const button of document.querySelectorAll("button.example")) {
      button.classList.toggle("active", button.getAttribute("data-name") === name);
    }
    if (runIt) run();
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    run();
  });
  editor.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      run();
    } else if (event.key === "Tab" && !event.shiftKey) {
      event.preventDefault();
      const start = editor.selectionStart;
      editor.setRangeText("  ", start, editor.selectionEnd, "end");
    }
  });
  for (const button of document.querySelectorAll("button.example")) {
    button.addEventListener("click", function () { loadExample(button.getAttribute("data-name"), true); });
  }
  share.addEventListener("click", function (event) {
    share.href = shareUrl();
    if (navigator.clipboard && window.isSecureContext) {
      event.preventDefault();
      navigator.clipboard.writeText(new URL(share.href, location.href).toString());
      share.textContent = "✓ 已复制 copied";
      setTimeout(function () { share.textContent = "🔗 分享链接 Share link"; }, 2000);
    }
  });

  const params = new URLSearchParams(location.search);
  if (params.get("inference") === "true") inference.checked = true;
  if (params.get("query")) {
    editor.value = params.get("query");
    run();
  } else if (params.get("example")) {
    loadExample(params.get("example"), true);
  }
})();
