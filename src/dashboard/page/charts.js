// The page's charts, drawn with vega and vega-lite (served from their installed packages): the
// training-curve panels (accuracy, losses, logit scale, saturation and collapse rate, weight norm) fed
// through a named dataset "rows" that live updates extend in place, the report's figure specs, and a
// tooltip that shows the hovered datum. Every chart's container carries data-points (rows it holds).
// No fetching and no page state here.

import { h, isNum, fmtNum } from "./util.js";

const vega = globalThis.vega;
const vegaLite = globalThis.vegaLite;

export const PANELS = [
  { title: "accuracy", y: "accuracy", fields: { train_acc: "train", test_acc: "test" }, scale: { domain: [0, 1] } },
  { title: "loss", y: "cross-entropy (log)", fields: { train_loss: "train", test_loss: "test" }, scale: { type: "log" }, positive: true },
  { title: "logit scale L", y: "L = mean ‖z/τ‖", fields: { logit_scale: "L" }, scale: { zero: false } },
  { title: "saturation and collapse", y: "share of pairs", fields: { frac_saturated: "saturated (p > 0.999)", collapse_rate: "collapse rate" }, scale: { domain: [0, 1] } },
  { title: "weight norm", y: "‖W‖", fields: { weight_norm: "‖W‖" }, scale: { zero: false } },
];

const LOOK = {
  font: "system-ui, -apple-system, Segoe UI, Helvetica, Arial, sans-serif",
  background: null,
  view: { stroke: "#d8dde3" },
  axis: { labelFontSize: 10, titleFontSize: 11, gridColor: "#eef1f4", domainColor: "#9aa5b1", tickColor: "#9aa5b1" },
  legend: { labelFontSize: 11, titleFontSize: 11, labelLimit: 300, symbolStrokeWidth: 2 },
  title: { fontSize: 12, anchor: "start", color: "#243447" },
  range: { category: { scheme: "tableau10" } },
};

// 950 · 2,500 · 40k · 120k: steps read plainly below ten thousand
const STEP_LABEL = "datum.value >= 10000 ? format(datum.value / 1000, ',~r') + 'k' : format(datum.value, ',~r')";

/** One panel: the named rows folded to (what, value), one line per run × line × what. */
function panel(p, o) {
  const fields = Object.keys(p.fields);
  const names = fields.map((f) => `datum.metric === '${f}' ? '${p.fields[f]}'`).join(" : ") + " : datum.metric";
  const valid = `isValid(datum.value) && isFinite(datum.value)${p.positive ? " && datum.value > 0" : ""}`;
  const enc = {
    x: { field: "step", type: "quantitative", title: "step", axis: { labelExpr: STEP_LABEL } },
    y: { field: "value", type: "quantitative", title: p.y, scale: p.scale },
    color: { field: "run", type: "nominal", title: o.colorTitle, sort: null },
    detail: { field: "line", type: "nominal" },
    strokeWidth: { condition: { test: "datum.kind === 'mean'", value: 2.8 }, value: o.seedWidth },
    opacity: { condition: { test: "datum.kind === 'mean'", value: 1 }, value: o.seedOpacity },
  };
  if (fields.length > 1) enc.strokeDash = { field: "what", type: "nominal", title: p.title, sort: Object.values(p.fields), legend: { orient: "bottom", direction: "horizontal", title: null } };
  return {
    title: p.title,
    width: o.width,
    height: o.height,
    transform: [{ fold: fields, as: ["metric", "value"] }, { filter: valid }, { calculate: names, as: "what" }],
    mark: { type: "line", clip: true },
    encoding: enc,
  };
}

/**
 * The training-curve chart. Rows: {run (colour), line (one polyline), kind ("seed" | "mean" | "live"),
 * step, train_acc, test_acc, train_loss, test_loss, logit_scale, frac_saturated, collapse_rate, weight_norm}.
 */
export function curvesSpec(opts = {}) {
  const o = { width: 290, height: 150, colorTitle: "run", seedWidth: 1.4, seedOpacity: 0.9, columns: 3, ...opts };
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    data: { name: "rows" },
    concat: PANELS.map((p) => panel(p, o)),
    columns: o.columns,
    spacing: 18,
    autosize: { type: "pad", resize: true }, // legends grow as rows arrive
    resolve: { scale: { color: "shared", strokeDash: "independent" }, legend: { strokeDash: "independent" } },
    config: LOOK,
  };
}

/** A LogRow (as the API sends it: NaN as null) as a chart row. */
export function chartRow(r, run, line, kind) {
  return {
    run, line, kind, step: r.step, train_acc: r.train_acc, test_acc: r.test_acc, train_loss: r.train_loss, test_loss: r.test_loss,
    logit_scale: r.logit_scale, frac_saturated: r.frac_saturated, collapse_rate: r.collapse_rate, weight_norm: r.weight_norm,
  };
}

// ------------------------------------------------------------------ tooltip

const tip = () => document.getElementById("tooltip");

function tooltipHandler(_handler, event, _item, value) {
  const el = tip();
  if (!el) return;
  if (value === null || value === undefined || value === "") {
    el.hidden = true;
    return;
  }
  el.replaceChildren();
  if (typeof value === "object") {
    const rows = Object.entries(value).map(([k, v]) => h("tr", {}, h("th", {}, k), h("td", {}, isNum(v) ? fmtNum(v, 4) : String(v))));
    el.append(h("table", {}, rows));
  } else el.append(String(value));
  el.hidden = false;
  const x = Math.min(event.clientX + 14, window.innerWidth - el.offsetWidth - 8);
  const y = Math.min(event.clientY + 14, window.innerHeight - el.offsetHeight - 8);
  el.style.left = `${x + window.scrollX}px`;
  el.style.top = `${y + window.scrollY}px`;
}

export function hideTooltip() {
  const el = tip();
  if (el) el.hidden = true;
}

// ------------------------------------------------------------------ mounting

/** Compiles a Vega-Lite spec and renders it (SVG) into `container`; returns the vega View. */
export async function mount(container, vlSpec, { onClick } = {}) {
  const compiled = vegaLite.compile(vlSpec).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: "svg", container, hover: true });
  view.tooltip(tooltipHandler);
  if (onClick) view.addEventListener("click", (event, item) => onClick(item?.datum ?? null, event));
  await view.runAsync();
  container.dataset.points = "0";
  return view;
}

/** A curve chart holding `rows`; later rows go in with append. */
export async function mountCurves(container, rows, opts = {}) {
  const view = await mount(container, curvesSpec(opts));
  await append(view, container, rows);
  return view;
}

/** Adds rows to a curve chart's dataset and redraws. */
export async function append(view, container, rows) {
  if (rows.length > 0) {
    view.change("rows", vega.changeset().insert(rows));
    await view.runAsync();
  }
  container.dataset.points = String(view.data("rows").length);
}

/** Removes the rows matching `pred` from a curve chart. */
export async function removeWhere(view, container, pred) {
  view.change("rows", vega.changeset().remove(pred));
  await view.runAsync();
  container.dataset.points = String(view.data("rows").length);
}

/** A report figure (inline data); cells under the pointer show in the tooltip. */
export async function mountFigure(container, spec, opts = {}) {
  const view = await mount(container, spec, opts);
  container.dataset.points = String(countValues(spec));
  return view;
}

function countValues(spec) {
  let n = 0;
  const walk = (s) => {
    if (!s || typeof s !== "object") return;
    if (s.data && Array.isArray(s.data.values)) n += s.data.values.length;
    for (const k of ["layer", "hconcat", "vconcat", "concat"]) if (Array.isArray(s[k])) s[k].forEach(walk);
    if (s.spec) walk(s.spec);
  };
  walk(spec);
  return n;
}
