// careergraph explorer: a small page over the JSON API. Every piece of data is put in the page as
// text (textContent, never innerHTML): labels come from imported data and are untrusted.
"use strict";

const $main = () => document.getElementById("main");

function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === "class") el.className = v;
    else if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
    else if (k === "href") el.setAttribute("href", safeHref(v));
    else el.setAttribute(k, v === true ? "" : String(v));
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

function put(el, ...kids) {  // replace an element's content; null/false children are left out
  el.replaceChildren(...kids.flat().filter(k => k !== null && k !== undefined && k !== false));
}

function shortSource(s) {  // a source IRI (a seed section, a file) shown by its last part
  const m = /^https?:\/\/\S*\/([^/#]+)$/.exec(String(s));
  return m ? m[1].replace(/-/g, " ") : String(s);
}

function safeHref(v) {  // only our own hash routes, same-origin paths and http(s) links
  const s = String(v);
  return /^(#|\/(?!\/)|https?:\/\/)/i.test(s) ? s : "#";
}

function qs(params) {
  const u = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (Array.isArray(v)) v.forEach(x => u.append(k, x));
    else if (v !== undefined && v !== null && v !== "") u.append(k, v);
  }
  return u.toString();
}

async function api(path, params) {
  const res = await fetch(path + (params ? "?" + qs(params) : ""), { headers: { Accept: "application/json" } });
  let body = null;
  try { body = await res.json(); } catch (e) { body = { error: `HTTP ${res.status}` }; }
  if (!res.ok) { const err = new Error(body.error || `HTTP ${res.status}`); err.body = body; throw err; }
  return body;
}

function errorBox(err, onPick) {
  const box = h("div", { class: "error", role: "alert" }, err.message);
  const sugg = (err.body && err.body.suggestions) || [];
  if (sugg.length && onPick) {
    box.append(h("div", {}, "Did you mean: ", sugg.map(s => h("button", { class: "secondary", type: "button", onclick: () => onPick(s) }, s))));
  }
  return box;
}

function route() {
  const raw = location.hash.replace(/^#\/?/, "");
  const [view, query] = raw.split("?");
  return { view: view || "home", params: Object.fromEntries(new URLSearchParams(query || "")) };
}

function go(view, params) { location.hash = "#/" + view + (params ? "?" + qs(params) : ""); }

// -- autocomplete -------------------------------------------------------------------------------

function autocomplete({ name, kind = "roles", placeholder = "", value = "", onPick }) {
  const input = h("input", { type: "text", name, placeholder, autocomplete: "off", "aria-autocomplete": "list", value });
  const list = h("ul", { role: "listbox", hidden: true });
  const wrap = h("span", { class: "ac" }, input, list);
  let items = [], active = -1, timer = null, seq = 0;

  function close() { list.hidden = true; put(list); items = []; active = -1; }
  function pick(i) {
    const it = items[i]; if (!it) return;
    input.value = it.label; input.dataset.iri = it.iri; close();
    if (onPick) onPick(it);
  }
  function show() {
    put(list, ...items.map((it, i) => h("li", {
      role: "option", class: i === active ? "active" : null, "data-iri": it.iri,
      onmousedown: (e) => { e.preventDefault(); pick(i); },
    }, h("span", {}, it.label, it.match && it.match !== it.label ? h("span", { class: "muted" }, ` (${it.match})`) : null),
       it.dataset ? h("span", { class: "badge" }, it.dataset) : null)));
    list.hidden = items.length === 0;
  }
  input.addEventListener("input", () => {
    delete input.dataset.iri;
    clearTimeout(timer);
    const q = input.value.trim();
    if (!q) { close(); return; }
    timer = setTimeout(async () => {
      const mine = ++seq;
      try {
        const res = await api(`/api/${kind}`, { q, limit: 12 });
        if (mine !== seq) return;
        items = res.results; active = items.length ? 0 : -1; show();
      } catch (e) { close(); }
    }, 90);
  });
  input.addEventListener("keydown", (e) => {
    if (list.hidden) return;
    if (e.key === "ArrowDown") { active = Math.min(items.length - 1, active + 1); show(); e.preventDefault(); }
    else if (e.key === "ArrowUp") { active = Math.max(0, active - 1); show(); e.preventDefault(); }
    else if (e.key === "Enter" && active >= 0) { pick(active); e.preventDefault(); }
    else if (e.key === "Escape") close();
  });
  input.addEventListener("blur", () => setTimeout(close, 150));
  wrap.input = input;
  wrap.value = () => input.dataset.iri || input.value.trim();
  return wrap;
}

// -- small renderers ----------------------------------------------------------------------------

const money = (x) => (x === null || x === undefined) ? "?" : Number(x).toLocaleString("en-US", { maximumFractionDigits: 0 });

function chips(items, cls, limit = 40) {
  const shown = items.slice(0, limit);
  const el = h("div", { class: "chips " + (cls || "") }, shown.map(s => h("span", {}, s)));
  if (items.length > limit) {
    const more = h("details", {}, h("summary", {}, `and ${items.length - limit} more`), h("div", { class: "chips" }, items.slice(limit).map(s => h("span", {}, s))));
    el.append(more);
  }
  return el;
}

function table(rows, columns, render = {}) {
  if (!rows.length) return h("p", { class: "muted" }, "none recorded");
  return h("table", {}, h("thead", {}, h("tr", {}, columns.map(c => h("th", {}, c[1])))),
    h("tbody", {}, rows.map(r => h("tr", {}, columns.map(([key]) => h("td", {}, render[key] ? render[key](r) : (r[key] ?? "")))))));
}

const roleLink = (label, iri) => h("a", { href: "#/role?" + qs({ iri }) }, label);

function picture(src, alt) {
  const box = h("div", {});
  const img = h("img", { class: "picture", src, alt });
  img.addEventListener("error", async () => {
    try { await api(src.split("?")[0], Object.fromEntries(new URL(src, location.href).searchParams)); }
    catch (e) { put(box, errorBox(e)); }
  });
  box.append(img);
  return box;
}

function loading(text) { return h("p", { class: "muted", "aria-busy": "true" }, text || "loading…"); }

// -- views --------------------------------------------------------------------------------------

function viewHome() {
  const out = h("div", {});
  const ac = autocomplete({ name: "role", placeholder: "type a role, e.g. data scientist", onPick: (it) => go("role", { iri: it.iri }) });
  put($main(), h("h1", {}, "Find a role"),
    h("form", { class: "row", onsubmit: (e) => { e.preventDefault(); go("role", { iri: ac.value() }); } },
      h("label", {}, "Role", ac), h("button", { type: "submit" }, "Show profile")),
    h("p", { class: "muted" }, "Pick a role to see its skills, education, salaries, industries and the moves in and out of it."), out);
  ac.input.focus();
}

async function viewRole({ iri }) {
  const main = $main();
  put(main, loading());
  let p;
  try { p = await api("/api/profile", { role: iri }); } catch (e) { put(main, errorBox(e, (s) => go("role", { iri: s }))); return; }
  const a = p.about || {};
  const skills = p.skills || [];
  const by = (kind) => skills.filter(s => s.requirement === kind).map(s => s.label);
  const sims = h("div", {}, h("button", { class: "secondary", type: "button", onclick: async () => {
    put(sims, loading());
    try {
      const r = await api("/api/similar", { role: p.iri, top: 8 });
      put(sims, table(r.results, [["role", "Role"], ["score", "Score"], ["shared", "Shared skills"]], { role: (x) => roleLink(x.role, x.iri) }));
    } catch (e) { put(sims, errorBox(e)); }
  } }, "Show similar roles"));
  put(main, 
    h("h1", {}, p.role), h("p", {}, a.dataset ? h("span", { class: "badge" }, a.dataset) : null, " ", a.codes ? h("span", { class: "muted" }, a.codes) : null),
    a.description ? h("p", {}, a.description) : null,
    a.altLabels ? h("p", { class: "muted" }, "Also called: " + a.altLabels) : null,
    h("p", {}, h("a", { href: "#/route?" + qs({ from: p.iri }) }, "Find a route from this role"), " · ",
      h("a", { href: "#/gap?" + qs({ target: p.iri }) }, "Check my skills against it")),
    h("div", { class: "card", id: "skills" }, h("h2", {}, `Skills (${skills.length})`),
      h("h3", {}, "Essential"), chips(by("essential")), h("h3", {}, "Optional"), chips(by("optional")),
      by("unspecified").length ? [h("h3", {}, "Not split by the source"), chips(by("unspecified"))] : null),
    h("div", { class: "card", id: "education" }, h("h2", {}, "Education"),
      table(p.education, [["requirement", "Requirement"], ["degreeName", "Degree"], ["field", "Field of study"]])),
    h("div", { class: "card", id: "salaries" }, h("h2", {}, "Salaries by source and statistic"),
      table(p.salaries, [["source", "Source"], ["statistic", "Statistic"], ["percentile", "Percentile"], ["amount", "Amount"], ["currency", "Currency"], ["year", "Year"], ["region", "Region"]],
        { amount: (r) => (r.comparator ? r.comparator + " " : "") + money(r.amount) })),
    h("div", { class: "card", id: "industries" }, h("h2", {}, "Industries"),
      table(p.industries, [["kind", "Kind"], ["name", "Name"], ["industry", "Industry"]])),
    h("div", { class: "cols" },
      h("div", { class: "card", id: "moves-in" }, h("h2", {}, `Moves in (${p.moves_in.length})`),
        table(p.moves_in, [["otherName", "From"], ["kind", "Kind"], ["years", "Years"], ["source", "Source"]], { otherName: (r) => roleLink(r.otherName, r.other) })),
      h("div", { class: "card", id: "moves-out" }, h("h2", {}, `Moves out (${p.moves_out.length})`),
        table(p.moves_out, [["otherName", "To"], ["kind", "Kind"], ["years", "Years"], ["source", "Source"]], { otherName: (r) => roleLink(r.otherName, r.other) }))),
    h("div", { class: "card" }, h("h2", {}, "Similar roles"), sims));
}

function eduText(e) {
  if (!e || (e.from == null && e.to == null)) return "not stated";
  if (e.from === e.to) return `${e.to} (same)`;
  return `${e.from || "not stated"} → ${e.to || "not stated"}` + (e.change === "higher" || e.change === "lower" ? ` (${e.change})` : "");
}

function salaryList(rows) {
  if (!rows || !rows.length) return h("span", { class: "muted" }, "no figures");
  return h("ul", {}, rows.map(r => h("li", {}, `${r.source} ${r.statistic}: ${money(r.from)} → ${money(r.to)} ${r.currency || ""}`,
    r.change !== null && r.change !== undefined ? ` (${r.change >= 0 ? "+" : ""}${money(r.change)})` : "")));
}

function renderRoute(res) {
  return h("div", { class: "card route" },
    h("h2", {}, res.path.join(" → ")),
    h("p", { class: "muted" }, `by ${res.by}, cost ${res.cost}; ${res.steps.length} step(s)`),
    h("ol", { class: "steps" }, res.steps.map((s) => h("li", { class: "step" },
      h("div", { class: "step-head" }, roleLink(s.from, s.from_iri), " → ", roleLink(s.to, s.to_iri), " ",
        h("span", { class: "badge kind " + (s.inferred ? "inferred" : "") }, s.inferred ? "inferred (not stated by a source)" : s.kind), " ",
        s.evidence === "interpreted" ? h("span", { class: "badge inferred", title: "the graph interprets this move; no source states it" }, "interpreted") : null, " ",
        h("span", { class: "muted" }, s.years === null ? "years unknown" : `${s.years} years`),
        s.source ? h("span", { class: "muted source", title: s.source }, " · source: ", shortSource(s.source)) : null),
      h("div", { class: "new-skills" }, h("strong", {}, "New skills: "), s.new_skills.length ? chips(marked(s.new_skills, s.skill_evidence), "", 15) : "none"),
      s.new_technology.length ? h("div", {}, h("strong", {}, "Technology to learn: "), chips(marked(s.new_technology, s.skill_evidence), "", 15)) : null,
      h("div", { class: "education" }, h("strong", {}, "Education: "), eduText(s.education)),
      h("div", { class: "salary" }, h("strong", {}, "Salary: "), salaryList(s.salary))))),
    res.notes.length ? h("ul", { class: "muted" }, res.notes.map(n => h("li", {}, n))) : null,
    res.steps.some(s => Object.values(s.skill_evidence || {}).includes("interpreted"))
      ? h("p", { class: "muted evidence-note" }, "† interpreted by careergraph from its source, not stated there; evidence=stated keeps only what the source states") : null);
}

function marked(labels, evidence) {  // the CLI's † mark of an interpreted requirement
  return labels.map(x => (evidence && evidence[x] === "interpreted") ? x + " †" : x);
}

function viewRoute(params) {
  const from = autocomplete({ name: "from", placeholder: "from role", value: params.from_label || "" });
  const to = autocomplete({ name: "to", placeholder: "to role", value: params.to_label || "" });
  if (params.from) from.input.dataset.iri = params.from;
  if (params.to) to.input.dataset.iri = params.to;
  const by = h("select", { name: "by" }, ["steps", "years", "skills"].map(b => h("option", { value: b, selected: b === (params.by || "steps") }, b)));
  const have = h("input", { type: "text", name: "have", placeholder: "Python, SQL", value: params.have || "" });
  const lateral = h("input", { type: "checkbox", name: "lateral", checked: params.lateral === "true" });
  const out = h("div", { id: "route-result" });
  async function run(e) {
    if (e) e.preventDefault();
    put(out, loading("finding a route…"));
    const q = { from: from.value(), to: to.value(), by: by.value, have: have.value.trim() || undefined, lateral: lateral.checked ? "true" : undefined };
    try {
      const res = await api("/api/path", q);
      const first = res.alternatives ? res.alternatives[0] : res;
      from.input.value = first.path[0]; to.input.value = first.path[first.path.length - 1];  // names, not IRIs
      put(out, renderRoute(res), h("div", { class: "card" }, h("h2", {}, "On the career map"),
        picture("/api/plot/career-map?" + qs({ from: q.from, to: q.to, by: q.by, lateral: q.lateral, max_roles: 20 }), "career map with the route highlighted")));
    } catch (err) {
      put(out, errorBox(err), err.body && err.body.closest && err.body.closest.length ? h("p", {}, "Closest reachable: " + err.body.closest.join(", ")) : null);
    }
  }
  put($main(), h("h1", {}, "Route finder"),
    h("form", { class: "row", id: "route-form", onsubmit: run },
      h("label", {}, "From", from), h("label", {}, "To", to), h("label", {}, "By", by),
      h("label", {}, "Skills you have", have), h("label", {}, h("span", {}, "Lateral moves"), lateral),
      h("button", { type: "submit" }, "Find route")), out);
  if (params.from && params.to) run();
}

function viewOverlap(params) {
  const a = autocomplete({ name: "a", placeholder: "first role" });
  const b = autocomplete({ name: "b", placeholder: "second role" });
  if (params.a) { a.input.value = params.a; } if (params.b) { b.input.value = params.b; }
  const out = h("div", {});
  async function run(e) {
    if (e) e.preventDefault();
    put(out, loading());
    try {
      const r = await api("/api/overlap", { a: a.value(), b: b.value() });
      put(out, h("div", { class: "card" },
        h("h2", {}, `${r.a} vs ${r.b}`),
        h("p", {}, `Jaccard ${r.jaccard.toFixed(3)} · weighted ${r.weighted.toFixed(3)}`),
        h("div", { class: "cols" },
          h("div", {}, h("h3", {}, `Shared (${r.shared.length})`), chips(r.shared)),
          h("div", {}, h("h3", {}, `Only ${r.a} (${r.only_a.length})`), chips(r.only_a)),
          h("div", {}, h("h3", {}, `Only ${r.b} (${r.only_b.length})`), chips(r.only_b)))),
        h("div", { class: "card" }, picture("/api/plot/skills?" + qs({ roles: [r.a_iri, r.b_iri], max_skills: 30 }), "skills of both roles")));
    } catch (err) { put(out, errorBox(err)); }
  }
  put($main(), h("h1", {}, "Skill overlap"),
    h("form", { class: "row", onsubmit: run }, h("label", {}, "Role A", a), h("label", {}, "Role B", b), h("button", { type: "submit" }, "Compare")), out);
  if (params.a && params.b) run();
}

function viewGap(params) {
  const target = autocomplete({ name: "target", placeholder: "target role" });
  if (params.target) target.input.dataset.iri = params.target;
  const have = h("input", { type: "text", name: "have", placeholder: "Python, SQL, Statistics", value: params.have || "" });
  const add = autocomplete({ name: "skill", kind: "skills", placeholder: "add a skill", onPick: (it) => {
    have.value = (have.value.trim() ? have.value.trim().replace(/,\s*$/, "") + ", " : "") + it.label; add.input.value = "";
  } });
  const out = h("div", {});
  async function run(e) {
    if (e) e.preventDefault();
    put(out, loading());
    try {
      const r = await api("/api/gap", { have: have.value, target: target.value() });
      const meter = h("div", {}); meter.style.width = Math.round(r.coverage * 100) + "%";
      put(out, h("div", { class: "card" },
        h("h2", {}, r.target), h("p", {}, "Coverage ", h("span", { class: "meter" }, meter), ` ${Math.round(r.coverage * 100)}%`),
        h("p", {}, "You have: ", r.have.length ? r.have.join(", ") : "none of its skills"),
        h("h3", {}, `Missing (${r.missing.length})`),
        table(r.missing, [["skill", "Skill"], ["essential", "Essential"], ["weight", "Weight"], ["related_held", "Partly covered by"]],
          { essential: (m) => m.essential ? "yes" : "no", weight: (m) => Number(m.weight).toFixed(2), related_held: (m) => (m.related_held || []).join(", ") }),
        r.missing_technology.length ? [h("h3", {}, `Missing technology (${r.missing_technology.length})`), chips(r.missing_technology.map(m => m.skill), "missing")] : null),
        h("div", { class: "card" }, picture("/api/plot/gap?" + qs({ have: have.value, target: r.target_iri, max_skills: 30 }), "skills had and missed")));
    } catch (err) { put(out, errorBox(err)); }
  }
  put($main(), h("h1", {}, "Skill gap"),
    h("form", { class: "row", onsubmit: run }, h("label", {}, "Skills you have", have), h("label", {}, "Add a skill", add),
      h("label", {}, "Target role", target), h("button", { type: "submit" }, "Check")), out);
}

function viewPictures(params) {
  const kind = h("select", { name: "picture" }, [["career-map", "Career map"], ["overlap", "Skill overlap heatmap"], ["salaries", "Salaries"]].map(([v, t]) => h("option", { value: v, selected: v === params.picture }, t)));
  const roles = h("input", { type: "text", name: "roles", placeholder: "roles, comma-separated (optional)" });
  // matplotlib's arrows cost ~40 ms each: 30 roles draw in ~5 s on ESCO + O*NET, 60 in ~25 s
  const maxRoles = h("input", { type: "text", name: "max_roles", value: params.max_roles || "30", size: 4 });
  const out = h("div", {});
  function run(e) {
    if (e) e.preventDefault();
    const names = roles.value.split(",").map(s => s.trim()).filter(Boolean);
    const src = kind.value === "career-map" ? "/api/plot/career-map?" + qs({ max_roles: maxRoles.value.trim() || "30" })
      : `/api/plot/${kind.value}?` + qs({ roles: names });
    put(out, h("div", { class: "card" }, picture(src, kind.options[kind.selectedIndex].text)));
  }
  put($main(), h("h1", {}, "Pictures"),
    h("form", { class: "row", onsubmit: run }, h("label", {}, "Picture", kind), h("label", {}, "Roles", roles), h("label", {}, "Roles on the map", maxRoles), h("button", { type: "submit" }, "Draw")),
    h("p", { class: "muted" }, "Drawn on the server from careergraph.viz (SVG)."), out);
  run();
}

const ACCEPT = { table: "application/sparql-results+json", json: "application/sparql-results+json", xml: "application/sparql-results+xml",
  csv: "text/csv", tsv: "text/tab-separated-values", turtle: "text/turtle", ntriples: "application/n-triples" };

function termText(t) {
  if (!t) return "";
  if (t.type === "literal") return t.value + (t["xml:lang"] ? "@" + t["xml:lang"] : "");
  if (t.type === "bnode") return "_:" + t.value;
  return t.value;
}

async function viewSparql() {
  const text = h("textarea", { name: "query", spellcheck: "false" }, "SELECT ?role ?label WHERE {\n  ?role a <https://w3id.org/careergraph/ontology#Role> ;\n        <http://www.w3.org/2000/01/rdf-schema#label> ?label .\n} LIMIT 20");
  const examples = h("select", { name: "example" }, h("option", { value: "" }, "— the query library —"));
  const about = h("p", { class: "muted" });
  const fmt = h("select", { name: "format" }, Object.keys(ACCEPT).map(k => h("option", { value: k }, k)));
  const out = h("div", { id: "sparql-result" });
  examples.addEventListener("change", async () => {
    if (!examples.value) return;
    try {
      const q = await api("/api/queries/" + encodeURIComponent(examples.value));
      text.value = q.text;
      put(about, q.summary, q.parameters.length ? h("span", {}, " — parameters (unbound here; bind them with VALUES, or use ",
        h("a", { href: "/api/query/" + encodeURIComponent(q.name) }, "/api/query/" + q.name), "): ", q.parameters.map(p => p.name).join(", ")) : null);
    } catch (e) { put(about, errorBox(e)); }
  });
  async function run(e) {
    if (e) e.preventDefault();
    put(out, loading("running…"));
    const started = performance.now();
    try {
      const res = await fetch("/sparql", { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded", Accept: ACCEPT[fmt.value] + ", text/turtle;q=0.5" }, body: qs({ query: text.value }) });
      const ms = Math.round(performance.now() - started);
      const ctype = res.headers.get("content-type") || "";
      if (!res.ok) { put(out, h("div", { class: "error" }, `HTTP ${res.status}: ` + await res.text())); return; }
      if (fmt.value === "table" && ctype.startsWith("application/sparql-results+json")) {
        const data = await res.json();
        if ("boolean" in data) { put(out, h("p", {}, `ASK: ${data.boolean} (${ms} ms)`)); return; }
        const vars = data.head.vars;
        const rows = data.results.bindings;
        put(out, h("p", { class: "muted" }, `${rows.length} row(s) in ${ms} ms`),
          table(rows.slice(0, 1000).map(b => Object.fromEntries(vars.map(v => [v, termText(b[v])]))), vars.map(v => [v, v])),
          rows.length > 1000 ? h("p", { class: "muted" }, "first 1000 rows shown") : null);
      } else {
        put(out, h("p", { class: "muted" }, `${ctype} in ${ms} ms`), h("pre", { class: "raw" }, await res.text()));
      }
    } catch (err) { put(out, errorBox(err)); }
  }
  put($main(), h("h1", {}, "SPARQL"),
    h("p", { class: "muted" }, "Read-only SPARQL 1.1 at /sparql: SELECT, ASK, CONSTRUCT and DESCRIBE; updates and SERVICE are refused."),
    h("form", { onsubmit: run }, h("div", { class: "row" }, h("label", {}, "Examples", examples), h("label", {}, "Result", fmt), h("button", { type: "submit" }, "Run")), about, text), out);
  try {
    const lib = await api("/api/queries");
    examples.append(...lib.map(q => h("option", { value: q.name }, `${q.name} — ${q.summary}`)));
  } catch (e) { put(about, errorBox(e)); }
}

const VIEWS = { home: viewHome, role: viewRole, route: viewRoute, overlap: viewOverlap, gap: viewGap, pictures: viewPictures, sparql: viewSparql };

function render() {
  const { view, params } = route();
  document.querySelectorAll("nav a[data-view]").forEach(a => a.classList.toggle("active", a.dataset.view === view));
  (VIEWS[view] || viewHome)(params);
}

window.addEventListener("hashchange", render);
window.addEventListener("DOMContentLoaded", async () => {
  render();
  try {
    const s = await api("/api/status");
    document.getElementById("status").textContent = `${s.location}: ${s.roles.toLocaleString()} roles, ${s.skills.toLocaleString()} skills`;
  } catch (e) { /* the status line is optional */ }
});
