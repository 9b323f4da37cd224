// The study's figures as Vega-Lite specs built from the analysis' results: (1) the collapse,
// T_grok/T0 against L/L0 for CE and MSE; (2) E3, T_grok against L coloured by ρ with the fitted line
// and R²; (3) T_grok, delay and T_mem against τ; (4) the dose law with its fits. Cells that do not
// count are marked or listed in the figure's notes, never imputed. Forking arms and training curves
// are in figures-runs.ts; rendering to SVG is render.ts's.

import type { AnalysisReport } from "../analysis/analyze.js";
import { summarizeCell, usable } from "../analysis/cell-stats.js";
import type { CellRecord } from "../analysis/records.js";
import { fmt } from "./format.js";
import { idsOf, type CellGroups } from "./groups.js";
import type { VlSpec } from "./render.js";

export interface FigureSpec {
  id: string; // anchor and SVG file stem
  title: string;
  caption: string;
  spec: VlSpec | null; // null: nothing to plot; notes say why
  notes: string[];
  cellIds: string[];
}

const W = 300;
const H = 220;
const label = (loss: string, p: number) => `${loss.toUpperCase()} p${p}`;
const notCounting = (c: CellRecord) => {
  const s = summarizeCell(c);
  return `${c.id}: ${s.reason ?? "no L at grok"}`;
};
/** A marker at the top edge of a panel for cells that do not count, at their x. */
const censoredLayer = (filterKind: string, x: VlSpec) => ({
  transform: [{ filter: `datum.kind === '${filterKind}'` }],
  mark: { type: "point", shape: "triangle-down", size: 70, filled: true, color: "#999" },
  encoding: { x, y: { value: 4 } },
});

/** (1) The collapse: every counting mediation cell (and CE grid cell) as T_grok/T0 against L/L0. */
export function collapseFigure(g: CellGroups): FigureSpec {
  const rows: VlSpec[] = [];
  const notes: string[] = [];
  const ids: string[] = [];
  for (const m of g.mediation.values()) {
    const b = m.base ? summarizeCell(m.base) : null;
    if (!b || !usable(b)) {
      notes.push(`${label(m.loss, m.p)}: no counting baseline cell, so no T0 and L0; group not plotted`);
      continue;
    }
    const grid = m.loss === "ce" ? g.collapse.get(m.p) ?? [] : [];
    for (const [c, source] of [...[m.base!, ...m.ups].map((c) => [c, "mediation"] as const), ...grid.map((c) => [c, "collapse grid"] as const)]) {
      const s = summarizeCell(c);
      if (!usable(s)) {
        notes.push(`not plotted (does not count): ${notCounting(c)}`);
        continue;
      }
      ids.push(c.id);
      rows.push({ x: s.L / b.L, y: s.T_grok / b.T_grok, group: label(m.loss, m.p), source, rho: c.rho, tau: c.tau });
    }
  }
  const caption =
    "Each counting cell's median T_grok and its logit scale L at grok, divided by the baseline's (ρ 1, τ 1) T0 and L0 of the same loss and modulus. " +
    "Mediation cells: the baseline and the ρ 1.15 τ sweep; CE collapse-grid cells are normalised by the CE baseline of their modulus.";
  if (rows.length === 0) return skip("fig-collapse", "The collapse: T_grok/T0 against L/L0", caption, notes, "no mediation group with a counting baseline");
  const spec: VlSpec = {
    title: { text: "The collapse: T_grok/T0 against L/L0", subtitle: "CE and MSE cells, each normalised by its own baseline; log y" },
    width: 420,
    height: 300,
    data: { values: rows },
    layer: [
      { mark: { type: "rule", strokeDash: [4, 4], color: "#aaa" }, encoding: { y: { datum: 1 } } },
      { mark: { type: "rule", strokeDash: [4, 4], color: "#aaa" }, encoding: { x: { datum: 1 } } },
      {
        mark: { type: "point", filled: true, size: 60, opacity: 0.85 },
        encoding: {
          x: { field: "x", type: "quantitative", title: "L / L0", scale: { zero: false, padding: 12 } },
          y: { field: "y", type: "quantitative", title: "T_grok / T0", scale: { type: "log", domain: padLog(rows.map((r) => r["y"] as number)) } },
          color: { field: "group", type: "nominal", title: "loss, modulus" },
          shape: { field: "source", type: "nominal", title: "cells" },
        },
      },
    ],
  };
  return { id: "fig-collapse", title: "The collapse: T_grok/T0 against L/L0 (E2, E3, E4)", caption, spec, notes, cellIds: ids };
}

/** (2) E3: per modulus, T_grok against L coloured by ρ, with the OLS line of ln T_grok on L and its R². */
export function gridFigure(a: AnalysisReport, g: CellGroups): FigureSpec {
  const panels: VlSpec[] = [];
  const notes: string[] = [];
  const ids: string[] = [];
  for (const [p, cells] of g.collapse) {
    const res = a.tables.collapse[`p${p}`];
    const pts = cells.map(summarizeCell).filter(usable);
    for (const c of cells.filter((c) => !usable(summarizeCell(c)))) notes.push(`not plotted (does not count): ${notCounting(c)}`);
    if (pts.length === 0) continue;
    ids.push(...pts.map((s) => s.cell.id));
    const points = pts.map((s) => ({ L: s.L, T: s.T_grok, rho: String(s.cell.rho), tau: String(s.cell.tau) }));
    const layers: VlSpec[] = [
      {
        data: { values: points },
        mark: { type: "point", filled: true, size: 70 },
        encoding: {
          x: { field: "L", type: "quantitative", title: "L (logit scale at grok)", scale: { zero: false } },
          y: { field: "T", type: "quantitative", title: "T_grok", scale: { type: "log" } },
          color: { field: "rho", type: "ordinal", title: "ρ", scale: { scheme: "viridis" } },
          shape: { field: "tau", type: "nominal", title: "τ" },
        },
      },
    ];
    let title = `p${p}: no fit`;
    if (res && res.ok) {
      const [c0, b] = res.value.fits.L.coef as [number, number];
      const Ls = pts.map((s) => s.L);
      const lo = Math.min(...Ls);
      const hi = Math.max(...Ls);
      const line = Array.from({ length: 25 }, (_, i) => lo + ((hi - lo) * i) / 24).map((L) => ({ L, T: Math.exp(c0 + b * L) }));
      layers.unshift({
        data: { values: line },
        mark: { type: "line", color: "#444", strokeDash: [5, 3] },
        encoding: { x: { field: "L", type: "quantitative" }, y: { field: "T", type: "quantitative" } },
      });
      title = `p${p}: R²(L) = ${fmt(res.value.r2L, 3)}, R²(ρ) = ${fmt(res.value.r2Rho, 3)} (n = ${res.value.n})`;
    } else if (res) notes.push(`p${p}: ${res.reason}`);
    panels.push({ title, width: W, height: H, layer: layers });
  }
  const caption = "Collapse-grid cells (ρ × τ, CE): median T_grok against L at grok, coloured by ρ, shaped by τ; dashed: the OLS fit of ln T_grok on L.";
  if (panels.length === 0) return skip("fig-grid", "E3: T_grok against L", caption, notes, "no counting collapse-grid cells");
  const spec: VlSpec = {
    title: { text: "E3: T_grok against L, coloured by ρ", subtitle: "OLS of ln T_grok on L (dashed); log y" },
    hconcat: panels,
    resolve: { scale: { color: "shared", shape: "shared" } },
  };
  return { id: "fig-grid", title: "E3: T_grok against L coloured by ρ, with R²", caption, spec, notes, cellIds: ids };
}

/** (3) T_grok, delay and T_mem against τ for each mediation group (rows: loss; columns: modulus). */
export function tauFigure(a: AnalysisReport, g: CellGroups): FigureSpec {
  const rows: VlSpec[] = [];
  const notes: string[] = [];
  for (const [key, sw] of Object.entries(a.tables.tau_sweep)) {
    const [loss, pp] = key.split("_") as [string, string];
    for (const r of sw.rows) {
      const arm = r.arm === "base" ? "baseline ρ 1" : `ρ ${r.rho}`;
      const base = { loss: loss.toUpperCase(), p: pp, pNum: Number(pp.slice(1)), tau: r.tau, arm };
      if (r.T_grok === null) {
        rows.push({ ...base, kind: "censored" });
        notes.push(`${key} τ ${r.tau} (${arm}): does not count, marked ▼ at the top: ${r.reason ?? ""}`);
      }
      for (const [q, v] of [["T_grok", r.T_grok], ["delay", r.delay], ["T_mem", r.T_mem]] as const) {
        if (v === null) continue;
        if (v > 0) rows.push({ ...base, kind: "value", quantity: q, value: v });
        else notes.push(`${key} τ ${r.tau}: ${q} = ${v} is not positive and cannot sit on the log axis`);
      }
    }
  }
  const ids = idsOf([...g.mediation.values()].flatMap((m) => [m.base, ...m.ups]));
  const caption = "Cell medians over the τ sweep at ρ 1.15 (lines) and the baseline at ρ 1, τ 1 (hollow diamonds): T_grok, T_mem and the delay T_grok − T_mem.";
  if (rows.length === 0) return skip("fig-tau", "T_grok, delay and T_mem against τ", caption, notes, "no mediation τ sweep in the data");
  const x = { field: "tau", type: "quantitative", title: "τ", scale: { zero: false, padding: 8 } };
  const enc = {
    x,
    y: { field: "value", type: "quantitative", title: "steps", scale: { type: "log" } },
    color: { field: "quantity", type: "nominal", title: "quantity", sort: ["T_grok", "delay", "T_mem"] },
  };
  const spec: VlSpec = {
    title: { text: "T_grok, delay and T_mem against τ", subtitle: "rows: loss; columns: modulus; log y; ▼: cell does not count" },
    data: { values: rows },
    facet: { row: { field: "loss", type: "nominal", title: null }, column: { field: "p", type: "nominal", title: null, sort: { field: "pNum", op: "min" } } },
    spec: {
      width: 230,
      height: 170,
      layer: [
        { transform: [{ filter: "datum.kind === 'value' && datum.arm !== 'baseline ρ 1'" }], mark: { type: "line", point: true }, encoding: enc },
        { transform: [{ filter: "datum.kind === 'value' && datum.arm === 'baseline ρ 1'" }], mark: { type: "point", shape: "diamond", filled: false, size: 80 }, encoding: enc },
        ...(rows.some((r) => r["kind"] === "censored") ? [censoredLayer("censored", x)] : []),
      ],
    },
    resolve: { scale: { y: "independent" } },
  };
  return { id: "fig-tau", title: "T_grok, delay and T_mem against τ (E2, E4, E5)", caption, spec, notes, cellIds: ids };
}

/** (4) The dose law: ln T_grok against ‖W‖ per modulus, with the fitted lines over the fitted cells. */
export function doseFigure(a: AnalysisReport, g: CellGroups): FigureSpec {
  const pts: VlSpec[] = [];
  const lines: VlSpec[] = [];
  const notes: string[] = [];
  const ids: string[] = [];
  for (const [key, d] of Object.entries(a.tables.dose)) {
    if (!d.ok) {
      notes.push(`${key}: ${d.reason}`);
      continue;
    }
    for (const r of d.value.rows) {
      if (r.T_grok === null || r.norm === null || !Number.isFinite(r.norm)) {
        notes.push(`not plotted: ${r.id}: ${r.why ?? "no T_grok or norm"}`);
        continue;
      }
      ids.push(r.id);
      pts.push({ W: r.norm, lnT: Math.log(r.T_grok), p: key, status: r.used ? "in the fit" : "left out (collapse or ρ > 1.15)" });
    }
    const used = d.value.rows.filter((r) => r.used).map((r) => r.norm!);
    const lo = Math.min(...used);
    const hi = Math.max(...used);
    for (const Wn of [lo, hi]) lines.push({ W: Wn, lnT: d.value.c + d.value.alpha * Wn, p: key });
    notes.push(`${key}: α = ${fmt(d.value.alpha, 4)}, R² = ${fmt(d.value.r2, 3)} over ${d.value.n} cells`);
  }
  for (const [p, cells] of g.doseFree) {
    for (const c of cells) {
      const s = summarizeCell(c);
      if (s.T_grok === null || s.norm === null || !Number.isFinite(s.norm)) continue;
      ids.push(c.id);
      pts.push({ W: s.norm, lnT: Math.log(s.T_grok), p: `p${p}`, status: "free (λ sweep, not fitted)" });
    }
  }
  const caption = "Dose cells (clamp at ρ·w_c): ln of the median T_grok against the median ‖W‖ at grok; lines: ln T_grok = c + α·‖W‖ fitted on the collapse-free cells of each modulus.";
  if (pts.length === 0) return skip("fig-dose", "E1: the dose law", caption, notes, "no dose cells with a T_grok and a norm");
  const order = [...new Set(pts.map((r) => r["p"] as string))].sort((x, y) => Number(x.slice(1)) - Number(y.slice(1)));
  const color = { field: "p", type: "nominal", title: "modulus", scale: { domain: order } };
  const spec: VlSpec = {
    title: { text: "E1: the dose law, ln T_grok against ‖W‖", subtitle: "filled: in the fit; lines: fitted exponential law" },
    width: 460,
    height: 300,
    layer: [
      { data: { values: lines }, mark: { type: "line" }, encoding: { x: { field: "W", type: "quantitative" }, y: { field: "lnT", type: "quantitative" }, color, detail: { field: "p" } } },
      {
        data: { values: pts },
        mark: { type: "point", filled: true, size: 60 },
        encoding: {
          x: { field: "W", type: "quantitative", title: "‖W‖ at grok (median over grokked seeds)", scale: { zero: false } },
          y: { field: "lnT", type: "quantitative", title: "ln T_grok", scale: { zero: false } },
          color,
          shape: { field: "status", type: "nominal", title: "cell" },
          opacity: { condition: { test: "datum.status === 'in the fit'", value: 0.95 }, value: 0.45 },
        },
      },
    ],
  };
  return { id: "fig-dose", title: "E1: the dose law with its fits", caption, spec, notes, cellIds: [...new Set(ids)] };
}

/** A log-axis domain a little wider than the values, so no point sits on the frame. */
function padLog(ys: number[]): [number, number] {
  return [Math.min(...ys) / 1.15, Math.max(...ys) * 1.15];
}

export function skip(id: string, title: string, caption: string, notes: string[], why: string): FigureSpec {
  return { id, title, caption, spec: null, notes: [`figure skipped: ${why}`, ...notes], cellIds: [] };
}
