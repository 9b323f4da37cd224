// The first view: every sweep with its jobs by state, and every cell of the sweeps with its status,
// seeds grokked and censored, and the analysis' T_mem, T_grok, delay and L (cell medians, docs/study.md §6).
// Refreshes every few seconds and when a job finishes. Ticking cells picks them for the compare view.
// Reads /api/sweeps and /api/cells only.

import { h, getJSON, fmtSteps, fmtNum, fmtAge, shortId, cellText, progressBar, errorBox, isNum } from "./util.js";

const REFRESH_MS = 3000;

function sweepsTable(st) {
  if (st.sweeps.length === 0) return h("p", { class: "muted" }, "This store holds no sweeps yet. Run one with grokscale sweep.");
  const cols = ["sweep", "cells", "jobs", "progress", "grokked", "censored", "diverged", "running", "pending", "failed", "updated", "code"];
  return h(
    "table",
    { class: "grid", id: "sweeps-table" },
    h("thead", {}, h("tr", {}, cols.map((c) => h("th", { class: ["sweep", "progress", "updated", "code"].includes(c) ? "" : "num" }, c)))),
    h(
      "tbody",
      {},
      st.sweeps.map((s) =>
        h(
          "tr",
          { dataset: { sweep: s.name } },
          h("td", {}, h("a", { href: "#/", onclick: (e) => (e.preventDefault(), filterSweep(s.name)) }, s.name)),
          h("td", { class: "num", dataset: { col: "cells" } }, s.cells),
          h("td", { class: "num", dataset: { col: "total" } }, s.total),
          h("td", {}, progressBar(s.done, s.total, s.running), ` ${s.done}/${s.total}`),
          h("td", { class: "num", dataset: { col: "grokked" } }, s.grokked),
          h("td", { class: "num", dataset: { col: "censored" } }, s.censored),
          h("td", { class: "num", dataset: { col: "diverged" } }, s.diverged),
          h("td", { class: "num", dataset: { col: "running" } }, s.running),
          h("td", { class: "num", dataset: { col: "pending" } }, s.pending),
          h("td", { class: `num${s.failed ? " bad" : ""}`, dataset: { col: "failed" } }, s.failed),
          h("td", { title: s.updated_at }, fmtAge(s.updated_at)),
          h("td", { class: "muted small" }, s.code_version),
        ),
      ),
    ),
  );
}

let filterSweep = () => {};

const COLS = [
  { key: "pick", title: "", sort: null },
  { key: "cell", title: "cell", sort: (c) => c.label },
  { key: "sweep", title: "sweep", sort: (c) => c.sweep },
  { key: "arm", title: "experiment/arm", sort: (c) => `${c.experiment}/${c.arm}` },
  { key: "p", title: "p", num: true, sort: (c) => c.config.p },
  { key: "loss", title: "loss", sort: (c) => c.config.loss },
  { key: "rho", title: "ρ", num: true, sort: (c) => c.config.rho_eff },
  { key: "tau", title: "τ", num: true, sort: (c) => c.config.tau },
  { key: "dtype", title: "dtype", sort: (c) => c.config.dtype },
  { key: "jobs", title: "jobs", sort: (c) => c.jobs.done / Math.max(1, c.jobs.total) },
  { key: "grokked", title: "grokked", num: true, sort: (c) => c.stats?.grokked ?? -1 },
  { key: "censored", title: "censored", num: true, sort: (c) => c.stats?.censored ?? -1 },
  { key: "T_mem", title: "T_mem", num: true, sort: (c) => c.stats?.T_mem ?? Infinity },
  { key: "T_grok", title: "T_grok", num: true, sort: (c) => c.stats?.T_grok ?? Infinity },
  { key: "delay", title: "delay", num: true, sort: (c) => c.stats?.delay ?? Infinity },
  { key: "L", title: "L", num: true, sort: (c) => c.stats?.L ?? Infinity },
  { key: "norm", title: "‖W‖ at grok", num: true, sort: (c) => c.stats?.norm ?? Infinity },
];

function statusOf(c) {
  if (c.jobs.running > 0) return ["running", "run"];
  if (c.jobs.failed > 0) return ["failed", "bad"];
  if (c.jobs.pending > 0) return [c.jobs.done > 0 ? "partial" : "pending", "muted"];
  if (!c.stats) return ["no results", "muted"];
  return c.stats.counts ? ["counts", "ok"] : ["does not count", "warn"];
}

function cellRow(c, ctx) {
  const s = c.stats;
  const num = (key, v, f) => h("td", { class: "num", dataset: { col: key, value: isNum(v) ? v : "" } }, f(v));
  const [status, cls] = statusOf(c);
  const box = h("input", {
    type: "checkbox",
    title: "compare this cell",
    checked: ctx.state.compare.has(c.cell_id),
    onclick: (e) => e.stopPropagation(),
    onchange: (e) => (e.target.checked ? ctx.state.compare.add(c.cell_id) : ctx.state.compare.delete(c.cell_id), updateCompareLink(ctx)),
  });
  return h(
    "tr",
    { class: "link", dataset: { cellId: c.cell_id, sweep: c.sweep }, onclick: () => ctx.go(`#/cell/${c.cell_id}`), title: s?.dropped ?? "" },
    h("td", {}, box),
    h("td", { dataset: { col: "cell" } }, h("a", { href: `#/cell/${c.cell_id}` }, c.label || "base"), h("span", { class: "id" }, shortId(c.cell_id))),
    h("td", { dataset: { col: "sweep" } }, c.sweep),
    h("td", { dataset: { col: "arm" } }, `${c.experiment}/${c.arm || "-"}`),
    h("td", { class: "num", dataset: { col: "p" } }, c.config.p),
    h("td", { dataset: { col: "loss" } }, c.config.loss),
    h("td", { class: "num", dataset: { col: "rho" } }, c.config.rho_eff),
    h("td", { class: "num", dataset: { col: "tau" } }, c.config.tau),
    h("td", { dataset: { col: "dtype" } }, c.config.dtype),
    h("td", { dataset: { col: "jobs", done: c.jobs.done, total: c.jobs.total } }, progressBar(c.jobs.done, c.jobs.total, c.jobs.running), ` ${c.jobs.done}/${c.jobs.total} `, h("span", { class: `tag ${cls}` }, status)),
    h("td", { class: "num", dataset: { col: "grokked", value: s ? s.grokked : "" } }, s ? `${s.grokked}/${s.S}` : "—"),
    num("censored", s?.censored, (v) => (isNum(v) ? String(v) : "—")),
    num("T_mem", s?.T_mem, fmtSteps),
    num("T_grok", s?.T_grok, fmtSteps),
    num("delay", s?.delay, fmtSteps),
    num("L", s?.L, (v) => fmtNum(v, 3)),
    num("norm", s?.norm, (v) => fmtNum(v, 2)),
  );
}

function updateCompareLink(ctx) {
  const a = document.getElementById("compare-link");
  if (!a) return;
  const n = ctx.state.compare.size;
  a.textContent = n ? `Compare ${n} cell${n === 1 ? "" : "s"} →` : "Tick cells to compare them";
  a.href = `#/compare/${[...ctx.state.compare].join(",")}`;
  a.classList.toggle("disabled", n === 0);
}

export async function render(root, ctx) {
  const sweepsBox = h("div", { class: "card" }, h("h2", {}, "Sweeps"), h("div", { id: "sweeps" }, h("p", { class: "muted" }, "loading…")));
  const select = h("select", { id: "sweep-filter", title: "show the cells of one sweep" }, h("option", { value: "" }, "all sweeps"));
  const search = h("input", { type: "search", id: "cell-search", placeholder: "filter cells (label, experiment, id)…" });
  const compareLink = h("a", { id: "compare-link", class: "button disabled", href: "#/compare" });
  const cellsBox = h(
    "div",
    { class: "card" },
    h("div", { class: "toolbar" }, h("h2", {}, "Cells"), select, search, compareLink),
    h("p", { class: "muted small" }, "T_mem, T_grok: medians over the seeds that reached them; a cell counts when at least half its seeds grok. Delay = T_grok − T_mem. L: seed-mean logit scale at the logged step nearest T_grok. Click a row for its curves."),
    h("p", { id: "cells-warning", class: "warn small" }),
    h("div", { id: "cells" }, h("p", { class: "muted" }, "loading…")),
  );
  root.append(sweepsBox, cellsBox);
  updateCompareLink(ctx);

  let cells = [];
  let sort = { key: null, dir: 1 };
  const draw = () => {
    const q = search.value.trim().toLowerCase();
    const sw = select.value;
    let shown = cells.filter((c) => (!sw || c.sweep === sw) && (!q || `${c.label} ${c.experiment}/${c.arm} ${c.cell_id} ${cellText(c)}`.toLowerCase().includes(q)));
    const col = COLS.find((c) => c.key === sort.key);
    if (col?.sort) shown = [...shown].sort((a, b) => (col.sort(a) < col.sort(b) ? -sort.dir : col.sort(a) > col.sort(b) ? sort.dir : 0));
    const head = h(
      "tr",
      {},
      COLS.map((c) =>
        h(
          "th",
          { class: `${c.num ? "num" : ""} ${c.sort ? "sortable" : ""}`, dataset: { col: c.key }, onclick: c.sort ? () => ((sort = { key: c.key, dir: sort.key === c.key ? -sort.dir : 1 }), draw()) : null },
          c.title,
          sort.key === c.key ? (sort.dir > 0 ? " ▲" : " ▼") : "",
        ),
      ),
    );
    const table = shown.length
      ? h("table", { class: "grid", id: "cells-table" }, h("thead", {}, head), h("tbody", {}, shown.map((c) => cellRow(c, ctx))))
      : h("p", { class: "muted" }, cells.length ? "No cell matches the filter." : "No cells yet.");
    document.getElementById("cells")?.replaceChildren(table);
  };
  filterSweep = (name) => {
    select.value = name;
    draw();
  };
  select.addEventListener("change", draw);
  search.addEventListener("input", draw);

  const load = async () => {
    try {
      const [st, cs] = await Promise.all([getJSON("/api/sweeps"), getJSON("/api/cells")]);
      document.getElementById("sweeps")?.replaceChildren(sweepsTable(st));
      const names = st.sweeps.map((s) => s.name);
      const keep = select.value;
      select.replaceChildren(h("option", { value: "" }, "all sweeps"), ...names.map((n) => h("option", { value: n }, n)));
      select.value = names.includes(keep) ? keep : "";
      cells = cs.cells;
      const warn = document.getElementById("cells-warning");
      if (warn) warn.textContent = cs.analysis_error ? `Statistics unavailable (the analysis failed on this store): ${cs.analysis_error}` : "";
      draw();
      root.dataset.loaded = String(Date.now());
    } catch (err) {
      document.getElementById("cells")?.replaceChildren(errorBox(err));
    }
  };
  await load();
  const timer = setInterval(() => void load(), REFRESH_MS);
  const unsub = ctx.live.subscribe((ev) => {
    if (ev === "done") void load();
  });
  return () => {
    clearInterval(timer);
    unsub();
  };
}
