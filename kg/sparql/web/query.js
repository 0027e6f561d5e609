// The kg query page: examples from /library.json, queries POSTed to /sparql, answers drawn
// with textContent only (text from the documents is never parsed as HTML). No external scripts.
"use strict";

const PREFIXES = {
  "kg:": "https://w3id.org/fjkg/ontology#",
  "kgr:": "https://w3id.org/fjkg/id/",
  "div:": "https://w3id.org/fjkg/id/division/",
  "region:": "https://w3id.org/fjkg/id/region/",
  "park:": "https://w3id.org/fjkg/id/park/",
  "corridor:": "https://w3id.org/fjkg/id/corridor/",
  "project:": "https://w3id.org/fjkg/id/project/",
  "agency:": "https://w3id.org/fjkg/id/agency/",
  "doc:": "https://w3id.org/fjkg/id/doc/",
  "stmt:": "https://w3id.org/fjkg/id/statement/",
  "rule:": "https://w3id.org/fjkg/id/rule/",
  "source:": "https://w3id.org/fjkg/id/source/",
  "rdf:": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
  "rdfs:": "http://www.w3.org/2000/01/rdf-schema#",
  "owl:": "http://www.w3.org/2002/07/owl#",
  "skos:": "http://www.w3.org/2004/02/skos/core#",
  "dcterms:": "http://purl.org/dc/terms/",
  "prov:": "http://www.w3.org/ns/prov#",
  "nif:": "http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#",
  "itsrdf:": "http://www.w3.org/2005/11/its/rdf#",
  "geo:": "http://www.w3.org/2003/01/geo/wgs84_pos#",
  "xsd:": "http://www.w3.org/2001/XMLSchema#",
};
const NUMERIC = /#(integer|decimal|double|float|int|long|nonNegativeInteger)$/;
const $ = (id) => document.getElementById(id);

function element(tag, text, className) {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  if (className) node.className = className;
  return node;
}

function compact(iri) {
  let best = null;
  for (const [prefix, ns] of Object.entries(PREFIXES)) {
    if (iri.startsWith(ns) && iri.length > ns.length && (!best || ns.length > best[1].length)) best = [prefix, ns];
  }
  // Escaped as SPARQL wants, so a name copied from the table can be pasted into a query.
  return best ? best[0] + iri.slice(best[1].length).replace(/[~!$&'()*+,;=\/?#@%]/g, "\\$&") : iri;
}

function isConstruct(query) {
  const body = query.split("\n").filter((line) => !line.trim().startsWith("#")).join("\n");
  const match = body.match(/\b(SELECT|CONSTRUCT|ASK|DESCRIBE)\b/i);
  return match && /^(CONSTRUCT|DESCRIBE)$/i.test(match[1]);
}

async function post(query, accept) {
  return fetch("/sparql", {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded", Accept: accept },
    body: new URLSearchParams({ query }),
  });
}

function cell(term) {
  const td = element("td");
  if (!term) return td;
  if (term.type === "uri") {
    td.textContent = compact(term.value);
    td.title = term.value;
    td.className = "iri";
  } else if (term.type === "bnode") {
    td.textContent = "_:" + term.value;
  } else {
    td.textContent = term.value;
    if (term.value.length > 30) td.classList.add("long");
    if (term["xml:lang"]) {
      td.lang = term["xml:lang"];
      td.title = "@" + term["xml:lang"];
    }
    if (term.datatype) {
      td.title = compact(term.datatype);
      if (NUMERIC.test(term.datatype)) td.classList.add("number");
    }
  }
  return td;
}

function drawSolutions(data) {
  const results = $("results");
  if (data.boolean !== undefined) {
    results.replaceChildren(element("p", data.boolean ? "true" : "false"));
    return "ASK";
  }
  const variables = data.head.vars;
  const table = element("table");
  const head = element("tr");
  variables.forEach((v) => head.appendChild(element("th", v)));
  table.appendChild(element("thead")).appendChild(head);
  const body = table.appendChild(element("tbody"));
  for (const row of data.results.bindings) {
    const tr = element("tr");
    variables.forEach((v) => tr.appendChild(cell(row[v])));
    body.appendChild(tr);
  }
  results.replaceChildren(table);
  return `${data.results.bindings.length} rows`;
}

async function run() {
  const query = $("query").value;
  const construct = isConstruct(query);
  $("error").hidden = true;
  $("status").textContent = "运行中 running…";
  const started = performance.now();
  let response;
  try {
    response = await post(query, construct ? "text/turtle" : "application/sparql-results+json");
  } catch (err) {
    showError(`cannot reach the endpoint: ${err}`);
    return;
  }
  const elapsed = `${Math.round(performance.now() - started)} ms`;
  if (!response.ok) {
    showError(`HTTP ${response.status}\n${await response.text()}`);
    $("status").textContent = elapsed;
    return;
  }
  if (construct) {
    const turtle = await response.text();
    $("results").replaceChildren(element("pre", turtle, "rdf"));
    $("status").textContent = `${turtle.split("\n").filter((l) => l.trim().endsWith(".")).length} statements · ${elapsed}`;
  } else {
    $("status").textContent = `${drawSolutions(await response.json())} · ${elapsed}`;
  }
}

function showError(message) {
  $("error").textContent = message;
  $("error").hidden = false;
  $("results").replaceChildren();
  $("status").textContent = "";
}

async function download() {
  const accept = $("download-format").value;
  const response = await post($("query").value, accept);
  if (!response.ok) {
    showError(`HTTP ${response.status}\n${await response.text()}`);
    return;
  }
  const extension = { "text/csv": "csv", "text/tab-separated-values": "tsv", "application/sparql-results+json": "srj",
    "application/sparql-results+xml": "srx", "text/turtle": "ttl", "application/n-triples": "nt",
    "application/ld+json": "jsonld" }[accept];
  const link = element("a");
  link.href = URL.createObjectURL(await response.blob());
  link.download = `kg-answer.${extension}`;
  link.click();
  URL.revokeObjectURL(link.href);
}

function showExample(example, button) {
  document.querySelectorAll("nav li button").forEach((b) => b.classList.remove("active"));
  button.classList.add("active");
  $("query").value = example.query;
  const about = $("about");
  about.replaceChildren(element("strong", example.title), element("p", example.zh), element("p", example.en));
  if (example.params.length) {
    const list = element("ul", undefined, "params");
    for (const p of example.params) {
      list.appendChild(element("li", `?${p.name}${p.optional ? " (可选 optional)" : ""} — ${p.description}`));
    }
    about.appendChild(element("p", "参数在 WHERE 开头的 VALUES 中（每个都要改），可改写；删去 VALUES 即查询全部。" +
      " Parameters are in the VALUES block opening each WHERE: edit each, or delete them to ask about every value."));
    about.appendChild(list);
  }
}

async function loadExamples() {
  const response = await fetch("/library.json");
  if (!response.ok) return;
  const list = $("example-list");
  for (const example of await response.json()) {
    const [zh, en] = example.title.split(" / ");
    const button = element("button", zh);
    button.type = "button";
    button.dataset.name = example.name;
    button.appendChild(element("span", en || example.name, "en"));
    button.addEventListener("click", () => showExample(example, button));
    list.appendChild(element("li")).appendChild(button);
  }
}

$("endpoint").textContent = new URL("/sparql", window.location.href).href;
$("run").addEventListener("click", run);
$("download").addEventListener("click", download);
$("query").addEventListener("keydown", (event) => {
  if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
    event.preventDefault();
    run();
  }
});
loadExamples();
