// Figures drawn from per-seed and per-step data: (5) the forking arms' delays from the fork, one dot
// per seed with the arm's median, censored seeds marked at the top; (6) training curves of chosen
// cells (train/test accuracy, logit scale, saturation and collapse rate, norms) against the step.
// Panels with nothing logged are left out with a note. The study figures are in figures.ts.

import { summarizeCell } from "../analysis/cell-stats.js";
import type { CellRecord } from "../analysis/records.js";
import { armName } from "./compare.js";
import { skip, type FigureSpec } from "./figures.js";
import { atTau, forkRank, type CellGroups } from "./groups.js";
import type { VlSpec } from "./render.js";

/** (5) Forking arms: per modulus, each seed's delay T_grok − t_fork by arm, with the arm's median. */
export function forkFigure(g: CellGroups): FigureSpec {
  const rows: VlSpec[] = [];
  const notes: string[] = [];
  const ids: string[] = [];
  const order = forkRank;
  for (const [p, cells] of g.samestate) {
    for (const c of [...cells].sort((a, b) => order(a.arm) - order(b.arm))) {
      if (c.t_fork === null) {
        notes.push(`${c.id}: no fork step recorded; not plotted`);
        continue;
      }
      ids.push(c.id);
      const base = { p: `p${p}`, pNum: p, arm: armName(c.arm), rank: order(c.arm) };
      for (const s of c.seeds) {
        if (s.T_grok === null) rows.push({ ...base, kind: "censored", seed: String(s.seed) });
        else if (s.T_grok - c.t_fork > 0) rows.push({ ...base, kind: "seed", seed: String(s.seed), delay: s.T_grok - c.t_fork });
        else notes.push(`${c.id} seed ${s.seed}: grokked at the fork (delay ${s.T_grok - c.t_fork}); not on the log axis`);
      }
      const sum = summarizeCell(c);
      if (sum.T_grok !== null && sum.T_grok - c.t_fork > 0) rows.push({ ...base, kind: "median", delay: sum.T_grok - c.t_fork });
      else notes.push(`${c.id}: no median delay (${sum.reason ?? "median at or before the fork"})`);
      const cen = c.seeds.filter((s) => s.T_grok === null).length;
      if (cen > 0) notes.push(`${c.id}: ${cen} of ${c.seeds.length} seeds did not grok, marked ▼ at the top`);
    }
  }
  const caption = "Delay from the fork (T_grok − t_fork) for every seed (dots) and the arm's median over grokked seeds (bar); all arms continue from the same state at the fork.";
  if (rows.length === 0) return skip("fig-forks", "E9: forking-arm delays", caption, notes, "no forking-arm cells");
  const x = { field: "arm", type: "nominal", title: "arm", sort: { field: "rank", op: "min" }, axis: { labelAngle: 0 } };
  const spec: VlSpec = {
    title: { text: "E9: delays from the fork by arm", subtitle: "dots: seeds; bars: median; ▼: seed did not grok; log y" },
    data: { values: rows },
    facet: { column: { field: "p", type: "nominal", title: null, sort: { field: "pNum", op: "min" } } },
    spec: {
      width: 260,
      height: 240,
      layer: [
        {
          transform: [{ filter: "datum.kind === 'seed'" }],
          mark: { type: "point", filled: true, size: 30, opacity: 0.7 },
          encoding: {
            x,
            xOffset: { field: "seed", type: "nominal" },
            y: { field: "delay", type: "quantitative", title: "steps after the fork", scale: { type: "log" } },
            color: { field: "arm", type: "nominal", legend: null },
          },
        },
        {
          transform: [{ filter: "datum.kind === 'median'" }],
          mark: { type: "tick", thickness: 2, color: "#222" },
          encoding: { x, y: { field: "delay", type: "quantitative" } },
        },
        ...(rows.some((r) => r["kind"] === "censored")
          ? [{
              transform: [{ filter: "datum.kind === 'censored'" }],
              mark: { type: "point", shape: "triangle-down", size: 50, filled: true, color: "#999" },
              encoding: { x, xOffset: { field: "seed", type: "nominal" }, y: { value: 4 } },
            }]
          : []),
      ],
    },
  };
  return { id: "fig-forks", title: "E9: forking-arm delays with seed dots", caption, spec, notes, cellIds: ids };
}

/** The cells whose curves the report shows by default: a CE baseline and its norm-up sweep ends. */
export function defaultCurveCells(cells: readonly CellRecord[], g: CellGroups): CellRecord[] {
  const ce = [...g.mediation.values()].filter((m) => m.loss === "ce").sort((a, b) => a.p - b.p)[0];
  let pick = cells.filter((c) => c.series.step.length >= 2).slice(0, 3);
  if (ce && ce.base) pick = [...new Set([ce.base, atTau(ce.ups, 1), ce.ups[ce.ups.length - 1]].filter((c): c is CellRecord => !!c))];
  // accuracy is not logged in every source's cells: add one cell that logs it (same modulus first)
  const logsAcc = (c: CellRecord) => (c.series.test_acc ?? []).some(Number.isFinite);
  if (pick.length > 0 && !pick.some(logsAcc)) {
    const p = pick[0]!.p;
    const extra = [...cells].sort((a, b) => Number(b.p === p) - Number(a.p === p) || Number(b.arm === "base") - Number(a.arm === "base")).find(logsAcc);
    if (extra) pick.push(extra);
  }
  return pick;
}

const short = (c: CellRecord) => `${c.experiment}/${c.arm} p${c.p} ${c.loss.toUpperCase()} ρ${c.rho} τ${c.tau}${c.gamma === null ? "" : ` γ${c.gamma}`}`;

/** (6) Training curves of the chosen cells: one panel per measurement that at least one of them logged. */
export function curvesFigure(chosen: readonly CellRecord[], missing: readonly string[] = []): FigureSpec {
  const notes = missing.map((id) => `asked-for cell ${id} is not in the data`);
  const caption =
    "Seed-averaged logged series of the chosen cells against the training step: accuracy (solid train, dashed test), logit scale L, " +
    "saturation (share of pairs with max softmax probability > 0.999) and softmax-collapse rate, and the weight norms; vertical rules: the cell's median T_grok.";
  if (chosen.length === 0) return skip("fig-curves", "Training curves", caption, notes, "no cells chosen");
  const labels = new Map(chosen.map((c) => [c.id, uniqueLabel(c, chosen)]));
  const panels: Array<{ title: string; y: string; metrics: Array<[string, (c: CellRecord) => number[] | undefined]> }> = [
    { title: "accuracy", y: "accuracy", metrics: [["train", (c) => c.series.train_acc], ["test", (c) => c.series.test_acc]] },
    { title: "logit scale L", y: "L = mean ‖z/τ‖", metrics: [["L", (c) => c.series.logit_scale]] },
    { title: "saturation", y: "share of pairs", metrics: [["saturated (p > 0.999)", (c) => c.series.frac_saturated], ["collapse rate", (c) => c.series.collapse_rate]] },
    {
      title: "weight norm",
      y: "norm",
      metrics: [["‖W‖", (c) => c.series.weight_norm], ...normNames(chosen).map((n): [string, (c: CellRecord) => number[] | undefined] => [`‖${n}‖`, (c) => c.series.norms?.[n]])],
    },
  ];
  const rules = chosen.flatMap((c) => {
    const s = summarizeCell(c);
    return s.T_grok === null ? [] : [{ cell: labels.get(c.id)!, step: s.T_grok }];
  });
  const specs: VlSpec[] = [];
  for (const panel of panels) {
    const values: VlSpec[] = [];
    for (const c of chosen) {
      for (const [metric, get] of panel.metrics) {
        const ys = get(c);
        if (!ys) continue;
        c.series.step.forEach((step, i) => {
          const v = ys[i];
          if (v !== undefined && Number.isFinite(v)) values.push({ step, value: v, metric, cell: labels.get(c.id)! });
        });
      }
    }
    if (values.length === 0) {
      notes.push(`panel "${panel.title}" left out: none of the chosen cells logged it`);
      continue;
    }
    const metricNames = panel.metrics.map((m) => m[0]);
    const layer: VlSpec[] = [
      {
        data: { values },
        mark: { type: "line", strokeWidth: 1.5 },
        encoding: {
          x: { field: "step", type: "quantitative", title: "step" },
          y: { field: "value", type: "quantitative", title: panel.y },
          color: { field: "cell", type: "nominal", title: "cell" },
          strokeDash: { field: "metric", type: "nominal", title: panel.title, sort: metricNames, legend: metricNames.length > 1 ? {} : null },
          detail: { field: "metric" },
        },
      },
    ];
    if (rules.length) {
      layer.push({
        data: { values: rules },
        mark: { type: "rule", strokeDash: [2, 3], opacity: 0.6 },
        encoding: { x: { field: "step", type: "quantitative" }, color: { field: "cell", type: "nominal" } },
      });
    }
    specs.push({ title: panel.title, width: 520, height: 150, layer });
  }
  if (specs.length === 0) return skip("fig-curves", "Training curves", caption, notes, "the chosen cells logged nothing");
  const spec: VlSpec = {
    title: { text: "Training curves of chosen cells", subtitle: chosen.map((c) => c.id).join(", ") },
    vconcat: specs,
    resolve: { scale: { color: "shared", strokeDash: "independent" }, legend: { strokeDash: "independent" } },
  };
  return { id: "fig-curves", title: "Training curves of chosen cells", caption, spec, notes, cellIds: chosen.map((c) => c.id) };
}

function uniqueLabel(c: CellRecord, all: readonly CellRecord[]): string {
  const l = short(c);
  return all.filter((o) => short(o) === l).length > 1 ? `${l} [${c.id}]` : l;
}

function normNames(cells: readonly CellRecord[]): string[] {
  return [...new Set(cells.flatMap((c) => Object.keys(c.series.norms ?? {})))].sort();
}
