// The compare view: pick cells (ticked here or in the cells table; kept in the URL) and overlay their
// training curves — every seed thin, each cell's seed mean thick, one colour per cell — above a table
// of their statistics side by side. Reads /api/cells and /api/cells/:id/series; draws no live rows
// (a cell's own view does).

import { h, getJSON, fmtSteps, fmtNum, shortId, cellText, errorBox } from "./util.js";
import { mountCurves, chartRow } from "./charts.js";

export async function render(root, ctx, arg) {
  if (arg !== null && arg !== undefined) {
    ctx.state.compare.clear();
    for (const id of arg.split(",")) if (/^[0-9a-f]{64}$/.test(id)) ctx.state.compare.add(id);
  }
  let cells;
  try {
    cells = (await getJSON("/api/cells")).cells;
  } catch (err) {
    root.append(errorBox(err));
    return () => {};
  }
  const byId = new Map();
  for (const c of cells) if (!byId.has(c.cell_id)) byId.set(c.cell_id, c);
  const seeds = h("input", { type: "checkbox", id: "show-seeds", checked: true });
  const picker = h(
    "div",
    { class: "picker", id: "compare-picker" },
    [...byId.values()].map((c) =>
      h(
        "label",
        { title: c.cell_id },
        h("input", { type: "checkbox", value: c.cell_id, checked: ctx.state.compare.has(c.cell_id) }),
        ` ${c.label || "base"} `,
        h("span", { class: "muted small" }, `${cellText(c)} · ${c.sweep}`),
      ),
    ),
  );
  const statsBox = h("div", { id: "compare-stats" });
  const chartBox = h("div", { class: "chart", id: "compare-chart" });
  root.append(
    h("div", { class: "card" }, h("h2", {}, "Pick cells"), picker),
    h(
      "div",
      { class: "card" },
      h("div", { class: "toolbar" }, h("h2", {}, "Curves overlaid"), h("label", {}, seeds, " show every seed")),
      statsBox,
      chartBox,
    ),
  );

  let view = null;
  let token = 0;
  const names = (ids) => {
    const out = new Map();
    for (const id of ids) {
      const c = byId.get(id);
      const base = c ? `${c.label || "base"} (${c.experiment}/${c.arm || "-"})` : shortId(id);
      out.set(id, [...out.values()].includes(base) ? `${base} ${shortId(id)}` : base);
    }
    return out;
  };
  const draw = async () => {
    const my = ++token;
    const ids = [...ctx.state.compare].filter((id) => byId.has(id));
    history.replaceState(null, "", `#/compare/${ids.join(",")}`);
    view?.finalize();
    view = null;
    if (ids.length === 0) {
      statsBox.replaceChildren(h("p", { class: "muted" }, "Tick two or more cells above."));
      chartBox.replaceChildren();
      chartBox.dataset.points = "0";
      return;
    }
    const label = names(ids);
    statsBox.replaceChildren(
      h(
        "table",
        { class: "grid", id: "compare-table" },
        h("thead", {}, h("tr", {}, ["cell", "seeds grokked", "censored", "T_mem", "T_grok", "delay", "L", "‖W‖ at grok"].map((t, j) => h("th", { class: j > 0 ? "num" : "" }, t)))),
        h(
          "tbody",
          {},
          ids.map((id) => {
            const s = byId.get(id).stats;
            return h(
              "tr",
              { dataset: { cellId: id } },
              h("td", {}, h("a", { href: `#/cell/${id}` }, label.get(id))),
              h("td", { class: "num" }, s ? `${s.grokked}/${s.S}` : "—"),
              h("td", { class: "num" }, s ? s.censored : "—"),
              h("td", { class: "num" }, fmtSteps(s?.T_mem)),
              h("td", { class: "num" }, fmtSteps(s?.T_grok)),
              h("td", { class: "num" }, fmtSteps(s?.delay)),
              h("td", { class: "num" }, fmtNum(s?.L, 3)),
              h("td", { class: "num" }, fmtNum(s?.norm, 2)),
            );
          }),
        ),
      ),
    );
    const all = await Promise.all(ids.map((id) => getJSON(`/api/cells/${id}/series?max_points=2000`)));
    if (my !== token) return;
    const rows = [];
    all.forEach((series, i) => {
      const id = ids[i];
      const run = label.get(id);
      if (seeds.checked) for (const sd of series.seeds) for (const r of sd.rows) rows.push(chartRow(r, run, `${id}:${sd.job_id}`, "seed"));
      for (const r of series.mean) rows.push(chartRow(r, run, `${id}:mean`, "mean"));
    });
    chartBox.replaceChildren();
    view = await mountCurves(chartBox, rows, { colorTitle: "cell", seedWidth: 1, seedOpacity: 0.3 });
  };
  picker.addEventListener("change", (e) => {
    if (e.target.checked) ctx.state.compare.add(e.target.value);
    else ctx.state.compare.delete(e.target.value);
    void draw();
  });
  seeds.addEventListener("change", () => void draw());
  await draw();
  return () => {
    token++;
    view?.finalize();
  };
}
