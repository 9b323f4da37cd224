// End to end from a results store: a sweep is registered and its runs recorded through the store's
// own write API (registerSweep, claimNext, recordDone) with fabricated seed results — no training —
// then `grokscale report --store` rebuilds the report from the store alone, and its tables are
// checked against SQL on the store: per-cell medians, seed counts, censoring, cell ids and w_c.

import { mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { Command } from "commander";
import { beforeAll, describe, expect, it } from "vitest";
import { analyzeCells } from "../../src/analysis/analyze.js";
import { median } from "../../src/analysis/stats.js";
import { registerReport } from "../../src/cli/report.js";
import { fmt, fmtCI, fmtSteps } from "../../src/report/format.js";
import { claimNext } from "../../src/sweep/claims.js";
import { loadCellRecords } from "../../src/sweep/cells.js";
import { recordDone, registerSweep } from "../../src/sweep/record.js";
import { resolveSweepSpec } from "../../src/experiments/sweep-spec.js";
import { openStore } from "../../src/sweep/store.js";
import type { LogRow, SeedResult } from "../../src/base/results.js";

const WC = 40;
// (tau, rho) -> per-seed T_grok (null: censored) and the cell's logit scale
const PLAN: Record<string, { T: (number | null)[]; L: number }> = {
  "base 1 1": { T: [1000, 1100, 1200], L: 10 },
  "up 1.15 1": { T: [2900, 3000, null], L: 14 },
  "up 1.15 1.3": { T: [1900, 2000, 2100], L: 11.5 },
  "up 1.15 1.7": { T: [850, 900, 950], L: 9 },
};

function fakeResult(arm: string, rho: number, tau: number, seed: number): SeedResult {
  const plan = PLAN[`${arm} ${rho} ${tau}`]!;
  const T = plan.T[seed]!;
  const last = T ?? 4000;
  const log: LogRow[] = [];
  for (let step = 0; step <= last; step += 100) {
    const norm = step < 500 ? 20 : rho * WC;
    log.push({
      step, train_loss: 1 / (1 + step), test_loss: 2 / (1 + step), train_acc: Math.min(1, step / 300), test_acc: T !== null && step >= T ? 0.95 : 0.1,
      weight_norm: norm, norms: { E: 0.4 * norm, W1: 0.7 * norm, W2: 0.5 * norm }, logit_scale: plan.L + 0.01 * seed,
      frac_saturated: 0, collapse_rate: 0, fourier_top5: 0.5,
    });
  }
  return {
    seed, status: T === null ? "censored" : "grokked", T_mem: 100 + 10 * seed, T_grok: T, delay: T === null ? null : T - (100 + 10 * seed),
    grokked: T !== null, steps_run: last, wall_s: 1, norm_at_grok: T === null ? null : rho * WC, norm_at_fork: null, final: log[log.length - 1]!, log,
  };
}

describe("report from a results store", () => {
  let store: string;
  let outDir: string;
  let md: string;
  let stdout = "";
  beforeAll(async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "grokscale-report-store-"));
    store = path.join(dir, "store.db");
    outDir = path.join(dir, "report");
    const sweep = resolveSweepSpec({
      name: "rep",
      experiment: "mediation",
      seeds: 3,
      base: { p: 7, steps: 4000, wc: WC },
      cells: [{ arm: "base" }, ...[1, 1.3, 1.7].map((tau) => ({ arm: "up", rho: 1.15, tau }))],
    });
    const db = openStore(store);
    registerSweep(db, sweep, "test");
    const jobs = new Map(sweep.jobs.map((j) => [j.jobId, j]));
    const armOf = new Map(sweep.cells.map((c) => [c.cellId, c.arm]));
    for (let c = claimNext(db, "rep", { owner: "t", staleMs: 1e9 }); c; c = claimNext(db, "rep", { owner: "t", staleMs: 1e9 })) {
      const j = jobs.get(c.jobId)!;
      expect(recordDone(db, c.jobId, "t", fakeResult(armOf.get(j.cellId)!, j.config.rho, j.config.tau, j.seed), "test")).toBe(true);
    }
    db.close();
    const program = new Command().exitOverride();
    registerReport(program, { write: (s) => (stdout += s) });
    await program.parseAsync(["node", "grokscale", "report", "--store", store, "--out", outDir, "--resamples", "200"]);
    md = await readFile(path.join(outDir, "report.md"), "utf8");
  });

  it("writes the report from the store alone", () => {
    expect(stdout).toContain(path.join(outDir, "report.html"));
    expect(md).toContain(`- **Data source:** results store: ${store}`);
    expect(md).toContain("- **Cells:** 4 (mediation 4)");
    expect(md).toContain("12 runs: 11 grokked, 1 censored, 0 diverged");
  });

  it("shows each stored cell's median T_grok, seed counts and censoring as SQL computes them", () => {
    const db = new Database(store, { readonly: true });
    const runs = db.prepare(`SELECT cell_id, seed, result, T_grok FROM runs WHERE status = 'done' ORDER BY cell_id, seed`).all() as {
      cell_id: string; seed: number; result: string; T_grok: number | null;
    }[];
    db.close();
    const table = md.slice(md.indexOf("**E2 mediation (CE) cells"));
    const rows = table.split("\n").filter((l) => l.startsWith("| 7 |"));
    expect(rows).toHaveLength(4);
    for (const id of new Set(runs.map((r) => r.cell_id))) {
      const mine = runs.filter((r) => r.cell_id === id);
      const t = mine.filter((r) => r.T_grok !== null).map((r) => r.T_grok!);
      const row = rows.find((l) => l.includes(`\`${id}\``));
      expect(row, id).toBeDefined();
      const cols = row!.slice(2, -2).split(" | ");
      expect(cols[4]).toBe(fmtSteps(median(t))); // T_grok (median)
      expect(cols[9]).toBe(`${t.length}/${mine.length}`); // grokked / seeds
      expect(cols[10]).toBe(String(mine.filter((r) => r.result === "censored").length));
    }
  });

  it("puts the analysis' recovery of the stored cells in the tables, and the w_c the sweep used", async () => {
    const a = analyzeCells(await loadCellRecords(store), { bootstrap: { resamples: 200 } });
    const m = a.tables.mediation["ce_p7"]!;
    if (!m.ok || !m.value.ci.ok) throw new Error(`mediation should compute: ${JSON.stringify(m)}`);
    expect(md).toContain(`| recovery (p7) | ${fmt(m.value.recovery, 3)} ${fmtCI([m.value.ci.value.lo, m.value.ci.value.hi])} |`);
    expect(md).toMatch(/\| mlp ce p7 \| 40\.00 \| the cells' run config \| 0\.00% \|/);
  });
});
