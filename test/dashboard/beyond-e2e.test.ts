// The dashboard's E10 and E11 views in Debian's Chromium (playwright-core, never a downloaded browser),
// over a store the mini E10 and E11 miniatures fill through the sweep API (p = 23, 2 seeds, seconds):
// their tables show the store's medians and the analysis' fits, the delay plot colours each point by
// its cure / learning-rate arm as the store's configs say, the closing sentences are the report's, and
// the page raises no error. Skipped, with a message, without /usr/bin/chromium.
import { join } from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { analyzeCells, type AnalysisReport } from "../../src/analysis/analyze.js";
import { DEFAULT_BOOTSTRAP } from "../../src/analysis/bootstrap.js";
import { startServer, type Dashboard } from "../../src/dashboard/server.js";
import { cures, optimiser } from "../../src/experiments/beyond.js";
import { CURE_NAME, curesFindings, optimiserFindings } from "../../src/report/findings.js";
import { loadCellRecords } from "../../src/sweep/cells.js";
import { runSweep } from "../../src/sweep/run.js";
import { ensureBuilt } from "../sweep/helpers.js";
import { CHROMIUM, CHROMIUM_ARGS, cleanup, hasChromium, sql, tmpDir } from "./helpers.js";

const skip = !hasChromium();
if (skip) console.warn(`dashboard E10/E11 e2e skipped: ${CHROMIUM} not found (apt-get install -y chromium; .ci/run does)`);

const RESAMPLES = 200;
const CURE_KEYS = ["ce", "stablemax", "orthograd"] as const;

let store: string;
let server: Dashboard & { url: string };
let browser: Browser;
let page: Page;
let analysis: AnalysisReport;
let P: number; // the miniatures' modulus, read from the store
const problems: string[] = [];

const med = (xs: number[]): number | null => {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const num = (text: string): number => Number(text.replace(/[,×]/g, ""));

/** The SQL condition on cells c picking one cure's configs (plain CE: ce without ⊥Grad). */
const CURE_SQL: Record<string, string> = {
  ce: `json_extract(c.config_json, '$.loss') = 'ce' AND COALESCE(json_extract(c.config_json, '$.orthograd'), 0) = 0`,
  stablemax: `json_extract(c.config_json, '$.loss') = 'stablemax'`,
  orthograd: `json_extract(c.config_json, '$.orthograd') = 1`,
};

/** Median T_grok over the grokked seeds of the stored cells of one experiment that match `where`. */
function storedMedian(experiment: string, where: string, ...params: unknown[]): number | null {
  const rows = sql<{ T_grok: number }>(
    store,
    `SELECT DISTINCT r.job_id, r.T_grok FROM runs r JOIN sweep_cells sc ON sc.cell_id = r.cell_id JOIN cells c ON c.id = r.cell_id
     WHERE sc.experiment = ? AND r.status = 'done' AND r.T_grok IS NOT NULL AND ${where}`,
    experiment,
    ...params,
  );
  return med(rows.map((r) => r.T_grok));
}

/** A report table on the page as rows of {column header: text}. */
async function tableRows(id: string): Promise<Array<Record<string, string>>> {
  return page.$eval(`#table-${id} table`, (t) => {
    const heads = [...t.querySelectorAll("thead th")].map((th) => th.textContent ?? "");
    return [...t.querySelectorAll("tbody tr")].map((tr) => Object.fromEntries([...tr.querySelectorAll("td")].map((td, j) => [heads[j]!, td.textContent ?? ""])));
  });
}

describe.skipIf(skip)("dashboard E10 and E11 in Chromium", () => {
  beforeAll(async () => {
    ensureBuilt();
    store = join(tmpDir("beyond"), "store.db");
    for (const e of [cures("mini"), optimiser("mini")]) {
      const summary = await runSweep(e.spec, { store, workers: 2 });
      if (summary.failed > 0 || summary.left > 0) throw new Error(`${e.id} miniature incomplete: ${JSON.stringify(summary)}`);
    }
    P = sql<{ p: number }>(store, `SELECT DISTINCT json_extract(config_json, '$.p') AS p FROM cells`).map((r) => r.p)[0]!;
    analysis = analyzeCells(await loadCellRecords(store), { bootstrap: { ...DEFAULT_BOOTSTRAP, resamples: RESAMPLES } });
    server = await startServer({ store, port: 0, resamples: RESAMPLES });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    page.on("pageerror", (err) => problems.push(`page error: ${err.message}`));
    page.on("request", (r) => {
      if (!/^(http:\/\/127\.0\.0\.1:\d+\/|data:)/.test(r.url())) problems.push(`request off this server: ${r.url()}`);
    });
    page.on("console", (m) => {
      if (m.type() === "error" && !/net::ERR|Failed to load resource|EventSource/.test(m.text())) problems.push(`console: ${m.text()}`);
    });
    await page.goto(`${server.url}#/experiments`);
    await page.waitForFunction(() => (window as any).__grokscale?.ready === true && (window as any).__grokscale.route === "#/experiments", null, { timeout: 60_000 });
  }, 240_000);
  afterAll(async () => {
    await browser?.close();
    await server?.app.close();
    cleanup();
  });

  it("E10's table shows each cure's T0 and T1 as the store's medians, and the analysis' recovery and R²(L)", async () => {
    expect(await page.locator("#section-e10").count(), "the E10 section is on the page").toBe(1);
    expect(await page.locator("#section-e10 h2").textContent()).toMatch(/^E10 /);
    const rows = await tableRows("e10-fits");
    for (const cure of CURE_KEYS) {
      const row = rows.find((r) => r["cure"] === `${CURE_NAME[cure]} p${P}`);
      expect(row, `${cure} row in ${JSON.stringify(rows.map((r) => r["cure"]))}`).toBeDefined();
      const T0 = storedMedian("cures", `sc.arm = 'base' AND ${CURE_SQL[cure]}`);
      const T1 = storedMedian("cures", `sc.arm = 'up' AND json_extract(c.config_json, '$.tau') = 1 AND ${CURE_SQL[cure]}`);
      expect(T0, `${cure}: a baseline seed grokked`).not.toBeNull();
      expect(num(row!["T0"]!), `${cure} T0`).toBe(T0);
      expect(num(row!["T1"]!), `${cure} T1`).toBe(T1);
      const r = analysis.tables.cures[`${cure}_p${P}`]!;
      expect(r.recovery.ok, `${cure} recovery`).toBe(true);
      if (r.recovery.ok) expect(Math.abs(num(row!["recovery"]!) - r.recovery.value.recovery)).toBeLessThanOrEqual(5e-4);
      if (r.onL.ok) expect(Math.abs(num(row!["R²(L)"]!) - r.onL.value.r2L)).toBeLessThanOrEqual(5e-4);
    }
    const cells = sql<{ n: number }>(store, `SELECT COUNT(*) AS n FROM sweep_cells WHERE experiment = 'cures'`)[0]!.n;
    expect(await page.locator("#table-e10-cells tbody tr").count()).toBe(cells);
    expect(problems.splice(0)).toEqual([]);
  });

  it("E11's table shows each lr arm's fit and recovery as the analysis computes them, and T1 as the store's median", async () => {
    expect(await page.locator("#section-e11").count(), "the E11 section is on the page").toBe(1);
    expect(await page.locator("#section-e11 h2").textContent()).toMatch(/^E11 /);
    const rows = await tableRows("e11-fits");
    for (const [arm, label, scaled] of [["grid", `grid (lr) p${P}`, 0], ["grid-lr", `grid-lr (lr·ρ) p${P}`, 1]] as const) {
      const row = rows.find((r) => r["arm"] === label);
      expect(row, `${arm} row in ${JSON.stringify(rows.map((r) => r["arm"]))}`).toBeDefined();
      const r = analysis.tables.optimiser[`${arm}_p${P}`]!;
      expect(r.grid.ok && r.recovery.ok, `${arm} fitted`).toBe(true);
      if (r.grid.ok) {
        expect(Math.abs(num(row!["R²(L)"]!) - r.grid.value.r2L)).toBeLessThanOrEqual(5e-4);
        expect(Math.abs(num(row!["ΔR²"]!) - r.grid.value.dR2)).toBeLessThanOrEqual(5e-4);
        expect(num(row!["cells"]!)).toBe(r.grid.value.n);
      }
      if (r.recovery.ok) expect(Math.abs(num(row!["recovery"]!) - r.recovery.value.recovery)).toBeLessThanOrEqual(5e-4);
      const T1 = storedMedian(
        "optimiser",
        `sc.arm = ? AND json_extract(c.config_json, '$.rho') = 1.15 AND json_extract(c.config_json, '$.tau') = 1 AND COALESCE(json_extract(c.config_json, '$.lr_scale_with_rho'), 0) = ?`,
        arm,
        scaled,
      );
      expect(num(row!["T1"]!), `${arm} T1`).toBe(T1);
    }
    const cells = sql<{ n: number }>(store, `SELECT COUNT(*) AS n FROM sweep_cells WHERE experiment = 'optimiser'`)[0]!.n;
    expect(await page.locator("#table-e11-cells tbody tr").count()).toBe(cells);
    expect(problems.splice(0)).toEqual([]);
  });

  it("the closing sentences are the report's, from the stored numbers", async () => {
    const shown = (id: string) => page.$$eval(`#section-${id} .findings li`, (lis) => lis.map((li) => li.textContent));
    const e10 = curesFindings(analysis);
    const e11 = optimiserFindings(analysis);
    expect(e10.length).toBeGreaterThanOrEqual(CURE_KEYS.length);
    expect(e11.length).toBeGreaterThanOrEqual(1);
    expect(await shown("e10")).toEqual(e10);
    expect(await shown("e11")).toEqual(e11);
    expect(problems.splice(0)).toEqual([]);
  });

  it("the delay plot colours each point by its cure (E10) or its lr arm (E11), one colour each, as the legend says", async () => {
    const points = await page.$$eval("#fig-delay g.mark-symbol.role-mark path", (ps) =>
      ps.map((p) => {
        const d = (p as any).__data__?.datum ?? {};
        return { cell: d.cell_id as string, label: d.label as string, group: d.group as string, fill: p.getAttribute("fill") ?? "" };
      }),
    );
    const legend = await page.$$eval("#fig-delay g.role-legend-symbol path", (ps) =>
      ps.map((p) => ({ value: String((p as any).__data__?.datum?.value ?? ""), fill: p.getAttribute("fill") ?? "" })),
    );
    // which cure / arm each point is, from the store (the cell's config, its sweep arm), not from the page
    const keyOf = (cell: string, experiment: string, arm: string): string => {
      if (experiment === "cures") {
        const hit = CURE_KEYS.filter((k) => sql(store, `SELECT 1 FROM cells c WHERE c.id = ? AND ${CURE_SQL[k]}`, cell).length > 0);
        expect(hit, cell).toHaveLength(1);
        return hit[0]!;
      }
      // E11: the sweep's arm (its ρ 1 cells are in both arms; lr·ρ is set on the others of grid-lr only)
      expect(sql(store, `SELECT 1 FROM sweep_cells WHERE cell_id = ? AND experiment = 'optimiser' AND arm = ?`, cell, arm), `${cell} in ${arm}`).toHaveLength(1);
      return arm;
    };
    const want: Record<string, string> = {
      ...Object.fromEntries(CURE_KEYS.map((k) => [k, `cures ${CURE_NAME[k]} p${P}`])),
      grid: `optimiser grid p${P}`,
      "grid-lr": `optimiser lr·ρ p${P}`,
    };
    const fillOf = new Map<string, string>();
    const counts = new Map<string, number>();
    for (const pt of points) {
      const [experiment, arm] = pt.label.split(" ")[0]!.split("/");
      const key = keyOf(pt.cell, experiment!, arm!);
      expect(pt.group, pt.label).toBe(want[key]);
      expect(fillOf.get(key) ?? pt.fill, `${pt.label}: one colour per ${key}`).toBe(pt.fill);
      fillOf.set(key, pt.fill);
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    expect([...counts.keys()].sort()).toEqual(Object.keys(want).sort()); // every cure and both arms have counting cells
    expect(new Set(fillOf.values()).size).toBe(fillOf.size); // distinct colours
    for (const [key, fill] of fillOf) expect(legend.find((l) => l.value === want[key])?.fill, `legend of ${want[key]}`).toBe(fill);
    // every counting cell of each experiment (at least half its seeds grokked, positive delay) is a point
    for (const experiment of ["cures", "optimiser"]) {
      const perCell = sql<{ cell_id: string; arm: string; T_grok: number | null; T_mem: number | null }>(
        store,
        `SELECT sc.cell_id, sc.arm, r.T_grok, r.T_mem FROM sweep_cells sc JOIN runs r ON r.cell_id = sc.cell_id WHERE sc.experiment = ? AND r.status = 'done'`,
        experiment,
      );
      const byCell = new Map<string, typeof perCell>();
      for (const r of perCell) byCell.set(`${r.cell_id}/${r.arm}`, [...(byCell.get(`${r.cell_id}/${r.arm}`) ?? []), r]);
      let counting = 0;
      for (const runs of byCell.values()) {
        const g = runs.filter((r) => r.T_grok !== null).map((r) => r.T_grok!);
        const m = med(runs.filter((r) => r.T_mem !== null).map((r) => r.T_mem!));
        if (2 * g.length >= runs.length && m !== null && med(g)! > m) counting++;
      }
      expect(points.filter((p) => p.label.startsWith(`${experiment}/`)).length, experiment).toBe(counting);
    }
    expect(problems.splice(0)).toEqual([]);
  });
});
