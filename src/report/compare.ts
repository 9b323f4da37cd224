// Ours beside the paper: the Comparison shape (our value, the paper's, the cell ids behind ours),
// the verdict by a per-kind tolerance, and how a compared value is printed. Which comparisons exist
// and where their values come from is comparisons.ts; the prose about differences is differ.ts.

import type { CellRecord } from "../analysis/records.js";
import { forkArmName } from "../analysis/samestate.js";
import { fmt, fmtCI, fmtPct, fmtStepRange, fmtSteps, fmtX } from "./format.js";
import type { Design, ExpId, Interval } from "./paper.js";

/** What a number is; it decides how it is printed and how close counts as agreeing. */
export type Kind = "steps" | "ratio" | "recovery" | "r2" | "dr2" | "alpha" | "share" | "scale" | "count";

export type Value = number | Interval;

export interface Comparison {
  id: string; // "E2.recovery.p59"
  exp: ExpId;
  quantity: string; // "recovery (p59)"
  kind: Kind;
  ours: Value | null;
  oursCI: Interval | null;
  paper: Value | null; // null: the paper prints no number here (paperShown says what it says)
  paperCI: Interval | null;
  paperShown: string; // the paper's number as printed
  noGrok?: boolean; // the paper's finding is "does not grok"; ours agrees when our cell does not count
  cellIds: string[];
  missing: string | null; // why ours is null
  paperSeeds: number;
  p: number | null;
  design?: Design & { ran: string[] }; // the paper's cells behind this number, and ours (every cell run, counting or not)
}

export type Verdict = "agrees" | "within CI" | "differs" | "no data" | "not in paper";

/** Tolerances: absolute for bounded quantities, relative for step counts and ratios. */
const TOL: Record<Kind, { abs?: number; rel?: number }> = {
  steps: { rel: 0.1 },
  ratio: { rel: 0.05 },
  recovery: { abs: 0.02 },
  r2: { abs: 0.01 },
  dr2: { abs: 0.005 },
  alpha: { rel: 0.05 },
  share: { abs: 0.05 },
  scale: { rel: 0.1 },
  count: { abs: 0 },
};

export function tolerance(kind: Kind): string {
  const t = TOL[kind];
  return t.rel !== undefined ? `±${Math.round(100 * t.rel)}%` : `±${t.abs}`;
}

function close(kind: Kind, a: number, b: number): boolean {
  const t = TOL[kind];
  return t.rel !== undefined ? Math.abs(a - b) <= t.rel * Math.abs(b) + 1e-12 : Math.abs(a - b) <= t.abs! + 1e-12;
}

export function verdict(c: Comparison): Verdict {
  if (c.noGrok) return c.cellIds.length === 0 ? "no data" : c.ours === null ? "agrees" : "differs";
  if (c.ours === null) return "no data";
  if (c.paper === null) return "not in paper";
  const o = c.ours;
  const p = c.paper;
  if (typeof o === "number" && typeof p === "number") {
    if (close(c.kind, o, p)) return "agrees";
    const ci = c.oursCI;
    const pci = c.paperCI;
    if (ci && pci && ci[0] <= pci[1] && pci[0] <= ci[1]) return "within CI";
    if (ci && ci[0] <= p && p <= ci[1]) return "within CI";
    return "differs";
  }
  if (typeof o === "number" && typeof p !== "number") {
    // a published range (e.g. R² 0.96–0.99): ours agrees inside it, widened by the tolerance
    return close(c.kind, o, Math.min(Math.max(o, p[0]), p[1])) ? "agrees" : "differs";
  }
  if (typeof o !== "number" && typeof p !== "number") return close(c.kind, o[0], p[0]) && close(c.kind, o[1], p[1]) ? "agrees" : "differs";
  return "differs";
}

/** A value as the report prints it, by kind. */
export function fmtValue(kind: Kind, v: Value | null, ci: Interval | null = null): string {
  if (v === null) return "—";
  const one = (x: number) => fmtOne(kind, x);
  const main = typeof v === "number" ? one(v) : kind === "steps" ? fmtStepRange(v) : `${one(v[0])}–${one(v[1])}`;
  return ci ? `${main} ${fmtCI(ci, kind === "ratio" ? 2 : 3)}` : main;
}

function fmtOne(kind: Kind, x: number): string {
  switch (kind) {
    case "steps":
      return fmtSteps(x);
    case "ratio":
      return fmtX(x);
    case "recovery":
    case "r2":
    case "dr2":
    case "alpha":
      return fmt(x, 3);
    case "share":
      return fmtPct(x);
    case "scale":
      return fmt(x, 2);
    case "count":
      return String(x);
  }
}

/** For count comparisons the value is a share; print it back as "k/S" where S is known. */
export function fmtComparisonOurs(c: Comparison, cells: ReadonlyMap<string, CellRecord>): string {
  if (c.kind === "count" && typeof c.ours === "number") {
    const S = Math.min(...c.cellIds.map((id) => cells.get(id)?.seeds.length ?? Infinity));
    return Number.isFinite(S) ? `${Math.round(c.ours * S)}/${S}` : fmtPct(c.ours);
  }
  if (c.noGrok && c.ours === null && c.cellIds.length > 0) return "no grok (fewer than half the seeds)";
  return fmtValue(c.kind, c.ours, c.oursCI);
}

/** A forking arm's short name: "clamp_raised" and "raised" -> "raised". */
export function armName(arm: string): string {
  const a = forkArmName(arm);
  return a.startsWith("clamp_") ? a.slice(6) : a;
}
