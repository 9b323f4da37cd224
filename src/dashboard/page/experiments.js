// The experiments view: the study's figures and tables as the report has them (the report's own
// Vega-Lite specs and table data, sent by /api/analysis), drawn interactively with tooltips, headed by
// the dashboard's collapse plot (each counting cell's delay against its logit scale; hover shows the
// cell, a click opens it), the headline numbers and the analysis notes. Reads /api/analysis only.

import { h, getJSON, fmtValue, shortId, errorBox } from "./util.js";
import { mountFigure } from "./charts.js";

/** A report table (columns, rows of text or {ids}) as an HTML table; cellOf maps a record id to the
 *  stored cell it links to (the analysis payload's `cellOf`). */
export function reportTable(t, cellOf = {}) {
  const entry = (e) =>
    typeof e === "string"
      ? e
      : h("span", { class: "ids" }, e.ids.map((id) => h("a", { href: `#/cell/${cellOf[id] ?? id}`, title: id, class: "id" }, shortId(id))));
  return h(
    "div",
    { class: "report-table", id: `table-${t.id}` },
    h("h3", {}, t.title),
    h(
      "table",
      { class: "grid" },
      h("thead", {}, h("tr", {}, t.columns.map((c, j) => h("th", { class: t.numeric?.[j] ? "num" : "" }, c)))),
      h(
        "tbody",
        {},
        t.rows.length
          ? t.rows.map((r) => h("tr", {}, r.map((e, j) => h("td", { class: t.numeric?.[j] ? "num" : "" }, entry(e)))))
          : h("tr", {}, h("td", { colspan: t.columns.length, class: "muted" }, "(no rows)")),
      ),
    ),
    t.notes.length ? h("ul", { class: "notes" }, t.notes.map((n) => h("li", {}, n))) : null,
  );
}

function figure(f, views, mounts, ctx) {
  const box = h("div", { class: "chart", id: f.id });
  const el = h(
    "figure",
    { class: "figure" },
    h("figcaption", {}, h("strong", {}, f.title), " — ", f.caption),
    f.spec ? box : h("p", { class: "muted" }, f.notes[0] ?? "nothing to plot"),
    f.notes.length > (f.spec ? 0 : 1) ? h("details", {}, h("summary", {}, `${f.notes.length} note(s)`), h("ul", { class: "notes" }, f.notes.map((n) => h("li", {}, n)))) : null,
  );
  if (f.spec) {
    mounts.push(async () => {
      try {
        views.push(
          await mountFigure(box, f.spec, {
            onClick: (d) => {
              const id = d?.cell_id ?? d?.datum?.cell_id;
              if (typeof id === "string" && /^[0-9a-f]{64}$/.test(id)) ctx.go(`#/cell/${id}`);
            },
          }),
        );
      } catch (err) {
        box.replaceChildren(errorBox(err));
      }
    });
  }
  return el;
}

export async function render(root, ctx) {
  root.append(h("p", { class: "muted" }, "Analysing the store…"));
  let a;
  try {
    a = await getJSON("/api/analysis");
  } catch (err) {
    root.replaceChildren(errorBox(err));
    return () => {};
  }
  const views = [];
  const mounts = [];
  const headline = Object.entries(a.headline);
  const withCells = a.sections.filter((s) => s.hasCells);
  const without = a.sections.filter((s) => !s.hasCells);
  const blocks = [
    h(
      "div",
      { class: "card" },
      h("h2", {}, "The collapse: delay against the logit scale"),
      figure(a.collapse, views, mounts, ctx),
    ),
    h(
      "div",
      { class: "card" },
      h("h2", {}, `Headline numbers (${a.cells} cell records)`),
      headline.length
        ? h("table", { class: "grid", id: "headline" }, h("tbody", {}, headline.map(([k, v]) => h("tr", {}, h("th", {}, k), h("td", { class: "num" }, fmtValue(v))))))
        : h("p", { class: "muted" }, "No headline number can be computed from these cells yet (see the notes)."),
    ),
  ];
  for (const s of withCells) {
    const figs = s.figures.map((f) => figure(f, views, mounts, ctx));
    blocks.push(
      h(
        "div",
        { class: "card", id: `section-${s.id}` },
        h("h2", {}, s.title),
        h("blockquote", {}, s.beyond ? s.paper : `Paper: ${s.paper}`),
        s.tables.map((t) => reportTable(t, a.cellOf)),
        figs,
        s.findings.length ? h("div", { class: "findings" }, h("h3", {}, "What these numbers say"), h("ul", { class: "notes" }, s.findings.map((f) => h("li", {}, f)))) : null,
      ),
    );
  }
  if (a.summary) blocks.push(h("div", { class: "card" }, h("details", {}, h("summary", {}, "Every published number beside ours"), reportTable(a.summary, a.cellOf))));
  if (without.length) {
    blocks.push(
      h(
        "div",
        { class: "card" },
        h(
          "details",
          {},
          h("summary", {}, `Experiments with no cells in this store (${without.map((s) => s.id.toUpperCase()).join(", ")})`),
          without.map((s) => h("div", {}, h("h3", {}, s.title), h("blockquote", {}, s.paper))),
        ),
      ),
    );
  }
  const notes = [...a.errors.map((e) => `report code failed: ${e}`), ...a.notes];
  blocks.push(h("div", { class: "card" }, h("h2", {}, "Analysis notes"), notes.length ? h("ul", { class: "notes", id: "analysis-notes" }, notes.map((n) => h("li", {}, n))) : h("p", {}, "None.")));
  root.replaceChildren(...blocks);
  await Promise.all(mounts.map((m) => m()));
  return () => views.forEach((v) => v.finalize());
}
