// End to end: `grokscale reproduce --preset mini` (p = 23, 2 seeds, a few cells; E2 and E3, and the
// miniatures of E10 and E11) from an empty store, its report's tables checked against the store
// itself, and a second invocation that reuses every job.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { analyzeCells } from "../../src/analysis/analyze.js";
import { loadCellRecords } from "../../src/sweep/cells.js";

const dir = mkdtempSync(join(tmpdir(), "grokscale-e2e-"));
const store = join(dir, "store.db");
const out = join(dir, "report");
const cli = (...args: string[]) => execFileSync(process.execPath, ["bin/grokscale.js", ...args], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

describe("reproduce --preset mini", () => {
  let first: { sweep: { total: number; ran: number; already_done: number } };
  beforeAll(() => {
    first = JSON.parse(cli("reproduce", "--preset", "mini", "--store", store, "--out", out, "--workers", "2", "--json"));
  }, 600_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("runs every job once from an empty store", () => {
    expect(first.sweep.already_done).toBe(0);
    expect(first.sweep.ran).toBe(first.sweep.total);
    const db = new Database(store, { readonly: true });
    const n = db.prepare(`SELECT COUNT(*) AS n FROM runs WHERE status = 'done'`).get() as { n: number };
    db.close();
    expect(n.n).toBe(first.sweep.total);
  });

  it("the report's T0 is the median T_grok of the stored baseline seeds", () => {
    const db = new Database(store, { readonly: true });
    const rows = db
      .prepare(
        `SELECT r.T_grok FROM runs r JOIN sweep_cells sc ON sc.cell_id = r.cell_id
         WHERE sc.sweep = 'reproduce-mini' AND sc.experiment = 'mediation' AND sc.arm = 'base' AND r.T_grok IS NOT NULL`,
      )
      .all() as { T_grok: number }[];
    db.close();
    const t0 = median(rows.map((r) => r.T_grok));
    const md = readFileSync(join(out, "report.md"), "utf8");
    expect(md).toMatch(new RegExp(`T0 baseline \\(p23\\) \\| ${t0} \\|`));
  });

  it("the report's headline numbers are the analysis of the stored cells", async () => {
    const report = JSON.parse(readFileSync(join(out, "report.json"), "utf8"));
    const fresh = analyzeCells(await loadCellRecords(store, { sweep: "reproduce-mini" }));
    expect(Object.keys(report.headline).sort()).toEqual(Object.keys(fresh.headline).sort());
    for (const [k, v] of Object.entries(fresh.headline)) expect(report.headline[k]).toEqual(v);
    expect(report.headline.collapse_R2_p23).toBeGreaterThan(0);
  });

  it("runs E10's cures and E11's lr arm, and their report sections carry the stored numbers", () => {
    const db = new Database(store, { readonly: true });
    const baseT = (where: string) =>
      (db
        .prepare(
          `SELECT DISTINCT r.job_id, r.T_grok FROM runs r JOIN sweep_cells sc ON sc.cell_id = r.cell_id JOIN cells c ON c.id = r.cell_id
           WHERE sc.sweep = 'reproduce-mini' AND sc.experiment = 'cures' AND sc.arm = 'base' AND r.T_grok IS NOT NULL AND ${where}`,
        )
        .all() as { T_grok: number }[]).map((r) => r.T_grok);
    const sm = baseT(`json_extract(c.config_json, '$.loss') = 'stablemax'`);
    const og = baseT(`json_extract(c.config_json, '$.orthograd') = 1`);
    const lr = db
      .prepare(`SELECT COUNT(DISTINCT sc.cell_id) AS n FROM sweep_cells sc JOIN cells c ON c.id = sc.cell_id
                WHERE sc.sweep = 'reproduce-mini' AND sc.arm = 'grid-lr' AND json_extract(c.config_json, '$.lr_scale_with_rho') = 1`)
      .get() as { n: number };
    db.close();
    expect(lr.n).toBe(2); // the ρ 1.15 cells of the lr·ρ arm (its ρ 1 cells are the plain grid's)
    const md = readFileSync(join(out, "report.md"), "utf8");
    expect(md).toContain("## E10 Mediation under the cures for softmax collapse");
    expect(md).toContain("## E11 The optimiser's share of the residual");
    expect(md.split("What these numbers say:").length).toBe(3);
    expect(sm.length).toBeGreaterThan(0);
    expect(og.length).toBeGreaterThan(0);
    expect(md).toMatch(new RegExp(`\\| StableMax p23 \\| ${median(sm)} \\|`));
    expect(md).toMatch(new RegExp(`\\| CE with ⊥Grad p23 \\| ${median(og)} \\|`));
    const report = JSON.parse(readFileSync(join(out, "report.json"), "utf8"));
    const r2 = report.headline["optimiser_R2L_grid-lr_p23"];
    expect(typeof r2).toBe("number");
    expect(md).toMatch(new RegExp(`\\| grid-lr \\(lr·ρ\\) p23 \\| ${r2.toFixed(3)} \\|`));
  });

  it("a second invocation reuses every stored job and only rebuilds the report", () => {
    const second = JSON.parse(cli("reproduce", "--preset", "mini", "--store", store, "--out", out, "--json"));
    expect(second.sweep.ran).toBe(0);
    expect(second.sweep.already_done).toBe(first.sweep.total);
    expect(readFileSync(join(out, "report.html"), "utf8")).toContain("<svg");
  }, 120_000);
});
