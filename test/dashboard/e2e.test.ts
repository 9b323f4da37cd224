// The dashboard end to end in Debian's Chromium (playwright-core, never a downloaded browser): the
// page over a store filled by a tiny real sweep shows the store's numbers in its tables, draws the
// study's figures with the cell under the pointer, each cell's curves and a comparison; and over a
// store a sweep process is writing, a running job's curve grows on the page. Saves a screenshot
// (GROKSCALE_DASHBOARD_SHOT=path to choose where). Skipped, with a message, without /usr/bin/chromium.
import { existsSync, statSync } from "node:fs";
import { join } from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { summarizeCell } from "../../src/analysis/cell-stats.js";
import { startServer, type Dashboard } from "../../src/dashboard/server.js";
import { loadCellRecords, loadSeedRows, meanSeries } from "../../src/sweep/cells.js";
import { ensureBuilt } from "../sweep/helpers.js";
import { CHROMIUM, CHROMIUM_ARGS, cleanup, fixtureStore, hasChromium, sleep, spawnLiveSweep, sql, tmpDir } from "./helpers.js";

const skip = !hasChromium();
if (skip) console.warn(`dashboard e2e skipped: ${CHROMIUM} not found (apt-get install -y chromium; .ci/run does)`);

let store: string;
let server: Dashboard & { url: string };
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];

const med = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const num = (text: string): number | null => (text.trim() === "—" ? null : Number(text.replace(/,/g, "").split("/")[0]));

async function open(hash: string, base = server.url): Promise<void> {
  await page.goto(`${base}${hash}`);
  await page.waitForFunction((h) => (window as any).__grokscale?.ready === true && (window as any).__grokscale.route === h, hash, { timeout: 30_000 });
}
const points = (sel: string) => page.$eval(sel, (el) => Number((el as HTMLElement).dataset["points"] ?? -1));

describe.skipIf(skip)("dashboard in Chromium", () => {
  beforeAll(async () => {
    ensureBuilt();
    store = await fixtureStore();
    server = await startServer({ store, port: 0, resamples: 200 });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    page.on("pageerror", (err) => pageErrors.push(`page error: ${err.message}`));
    page.on("request", (r) => {
      if (!/^(http:\/\/127\.0\.0\.1:\d+\/|data:)/.test(r.url())) pageErrors.push(`request off this server: ${r.url()}`); // works offline
    });
    page.on("console", (m) => {
      if (m.type() === "error" && !/net::ERR|Failed to load resource|EventSource/.test(m.text())) pageErrors.push(`console: ${m.text()}`);
    });
  });
  afterEach(() => {
    expect(pageErrors.splice(0)).toEqual([]); // no script errors, nothing fetched from elsewhere
  });
  afterAll(async () => {
    await browser?.close();
    await server?.app.close();
    cleanup();
  });

  it("the sweeps and cells tables show the store's numbers", async () => {
    await open("#/");
    const sweepCells = await page.$$eval("#sweeps-table tbody tr td[data-col]", (tds) => tds.map((td) => [(td as HTMLElement).dataset["col"], td.textContent]));
    const want = sql<Record<string, number>>(
      store,
      `SELECT COUNT(*) AS total, SUM(result = 'grokked') AS grokked, SUM(result = 'censored') AS censored, SUM(status = 'running') AS running FROM runs`,
    )[0]!;
    const shown = Object.fromEntries(sweepCells.map(([k, v]) => [k, Number(v)]));
    expect(shown).toMatchObject({ cells: 4, total: want["total"], grokked: want["grokked"], censored: want["censored"], running: 0 });

    const rows = await page.$$eval("#cells-table tbody tr", (trs) =>
      trs.map((tr) => {
        const cells: Record<string, string> = {};
        for (const td of tr.querySelectorAll("td[data-col]")) cells[(td as HTMLElement).dataset["col"]!] = td.textContent ?? "";
        return { id: (tr as HTMLElement).dataset["cellId"]!, cells };
      }),
    );
    expect(rows).toHaveLength(4);
    const records = await loadCellRecords(store);
    for (const { id, cells } of rows) {
      const runs = sql<{ T_mem: number | null; T_grok: number | null; result: string }>(store, `SELECT T_mem, T_grok, result FROM runs WHERE cell_id = ? AND status = 'done'`, id);
      const grok = runs.filter((r) => r.T_grok !== null).map((r) => r.T_grok!);
      const mem = runs.filter((r) => r.T_mem !== null).map((r) => r.T_mem!);
      const T_grok = grok.length > 0 && 2 * grok.length >= runs.length ? med(grok) : null;
      const T_mem = mem.length ? med(mem) : null;
      expect(num(cells["T_grok"]!), `${id} T_grok`).toBe(T_grok);
      expect(num(cells["T_mem"]!), `${id} T_mem`).toBe(T_mem);
      expect(num(cells["delay"]!), `${id} delay`).toBe(T_grok !== null && T_mem !== null ? T_grok - T_mem : null);
      expect(cells["grokked"]).toBe(`${grok.length}/${runs.length}`);
      expect(num(cells["censored"]!)).toBe(runs.filter((r) => r.result === "censored").length);
      const L = summarizeCell(records.find((r) => r.id === id)!).L;
      if (L === null) expect(cells["L"]).toBe("—");
      else expect(Math.abs(num(cells["L"]!)! - L)).toBeLessThan(5e-4);
    }
    // the censored cell shows as not counting
    const slow = await page.$eval("#cells-table tbody tr:has-text('slow ctrl')", (tr) => tr.textContent);
    expect(slow).toContain("does not count");
  });

  it("experiments: the report's figures are drawn and the delay plot's tooltip names the cell", async () => {
    await open("#/experiments");
    const records = (await loadCellRecords(store)).filter((c) => {
      const s = summarizeCell(c);
      return s.dropped === null && s.T_grok !== null && s.T_mem !== null && s.T_grok > s.T_mem;
    });
    const marks = page.locator("#fig-delay g.mark-symbol.role-mark path");
    expect(await marks.count()).toBe(records.length);
    expect(await page.locator("#section-e2 .chart svg").count()).toBeGreaterThanOrEqual(1);
    expect(await page.locator("#section-e2 table").count()).toBeGreaterThanOrEqual(2);
    await marks.first().hover({ force: true });
    await page.waitForSelector("#tooltip:not([hidden])");
    const tip = (await page.textContent("#tooltip")) ?? "";
    const hit = records.find((c) => tip.includes(c.id));
    expect(hit, tip).toBeDefined();
    expect(tip).toContain("T_grok");
    await marks.first().click({ force: true });
    await page.waitForFunction(() => location.hash.startsWith("#/cell/"));
    expect(await page.evaluate(() => location.hash)).toBe(`#/cell/${hit!.id}`);
  });

  it("a cell's curves hold every stored row of every seed and the seed mean", async () => {
    const id = (await loadCellRecords(store))[0]!.id;
    await open(`#/cell/${id}`);
    const perSeed = await loadSeedRows(store, id);
    const stored = [...perSeed.values()].reduce((n, rows) => n + rows.length, 0);
    expect(await points("#cell-chart")).toBe(stored + meanSeries(perSeed).step.length);
    const seeds = await page.$$eval("#seeds-table tbody tr", (trs) => trs.map((tr) => [Number((tr as HTMLElement).dataset["seed"]), tr.querySelector("td[data-col=T_grok]")!.textContent]));
    const want = sql<{ seed: number; T_grok: number | null }>(store, `SELECT seed, T_grok FROM runs WHERE cell_id = ? ORDER BY seed`, id);
    expect(seeds.map(([s, t]) => [s, num(t as string)])).toEqual(want.map((r) => [r.seed, r.T_grok]));
    expect(await page.locator("#cell-chart svg g.mark-line").count()).toBeGreaterThanOrEqual(5);
  });

  it("compare overlays the picked cells", async () => {
    const ids = (await loadCellRecords(store)).slice(0, 2).map((c) => c.id);
    await open(`#/compare/${ids.join(",")}`);
    let want = 0;
    for (const id of ids) {
      const perSeed = await loadSeedRows(store, id);
      want += [...perSeed.values()].reduce((n, rows) => n + rows.length, 0) + meanSeries(perSeed).step.length;
    }
    expect(await points("#compare-chart")).toBe(want);
    expect(await page.locator("#compare-table tbody tr").count()).toBe(2);
    await page.uncheck("#show-seeds");
    await page.waitForFunction(() => document.querySelector("#compare-chart svg") !== null);
    await expect.poll(() => points("#compare-chart")).toBeLessThan(want);
  });

  it("a running job's curve grows on the page while the sweep writes the store", async () => {
    const liveStore = join(tmpDir("live"), "store.db");
    const sweep = spawnLiveSweep(liveStore);
    let live: (Dashboard & { url: string }) | null = null;
    try {
      // wait for the job to be running with its first live rows
      const t0 = Date.now();
      for (;;) {
        if (Date.now() - t0 > 60_000) throw new Error(`the live sweep did not start: ${sweep.output()}`);
        try {
          if (existsSync(liveStore) && sql<{ n: number }>(liveStore, `SELECT COUNT(*) AS n FROM live`)[0]!.n > 0) break;
        } catch {
          /* not created or migrated yet */
        }
        await sleep(100);
      }
      live = await startServer({ store: liveStore, port: 0, pollMs: 250 });
      await open("#/live", live.url);
      expect(await page.locator("#live-table tbody tr").count()).toBe(1);
      const seen: number[] = [];
      for (let i = 0; i < 3; i++) {
        const before = seen.at(-1) ?? 0;
        await page.waitForFunction((n) => Number(document.querySelector<HTMLElement>("#live-chart")?.dataset["points"] ?? 0) > n, before, { timeout: 20_000 });
        seen.push(await points("#live-chart"));
      }
      expect(seen[2]).toBeGreaterThan(seen[0]!);
      // every point on the page is a row the store holds
      const [job] = sql<{ job_id: string; cell_id: string; n: number }>(liveStore, `SELECT l.job_id, r.cell_id, COUNT(*) AS n FROM live l JOIN runs r ON r.job_id = l.job_id GROUP BY l.job_id`);
      const inPage = await page.evaluate((j) => (window as any).__grokscale.live.counts[j], job!.job_id);
      expect(inPage).toBeGreaterThan(0);
      expect(inPage).toBeLessThanOrEqual(job!.n + 50);
      // the API keeps answering while the sweep writes
      for (const url of ["api/sweeps", "api/cells", `api/cells/${job!.cell_id}/series`, `api/runs/${job!.job_id}/series`, "api/analysis"]) {
        expect((await fetch(`${live.url}${url}`)).status, url).toBe(200);
      }
      // the cell's own view grows too
      await open(`#/cell/${job!.cell_id}`, live.url);
      const a = await points("#cell-chart");
      await page.waitForFunction((n) => Number(document.querySelector<HTMLElement>("#cell-chart")?.dataset["points"] ?? 0) > n, a, { timeout: 60_000 });
      await open("#/live", live.url);
      await page.waitForFunction(() => Number(document.querySelector<HTMLElement>("#live-chart")?.dataset["points"] ?? 0) > 40, null, { timeout: 60_000 });
      const shot = process.env["GROKSCALE_DASHBOARD_SHOT"] ?? join(tmpDir("shot"), "dashboard.png");
      await page.screenshot({ path: shot, fullPage: true });
      expect(statSync(shot).size).toBeGreaterThan(20_000);
    } finally {
      sweep.child.kill("SIGKILL");
      await sweep.exited;
      await live?.app.close();
    }
  });
});
