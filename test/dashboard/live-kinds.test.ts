// Live curves for every kind of run, in Debian's Chromium: a shard of a sweep (`sweep --shard`) and a
// queue run (a coordinator with a queue worker on a private redis-server) write live rows as they
// train, so `serve`'s live page draws a curve that grows, every point of it a row the store holds.
// Skipped, with a message, without /usr/bin/chromium (and the queue case without redis-server).
import { existsSync } from "node:fs";
import { join } from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServer, type Dashboard } from "../../src/dashboard/server.js";
import { HAVE_REDIS, startRedis, type TestRedis } from "../distributed/helpers.js";
import { ensureBuilt } from "../sweep/helpers.js";
import { CHROMIUM, CHROMIUM_ARGS, cleanup, hasChromium, sleep, spawnLiveRun, sql, tmpDir } from "./helpers.js";

const skip = !hasChromium();
if (skip) console.warn(`live curves e2e skipped: ${CHROMIUM} not found (apt-get install -y chromium; .ci/run does)`);

describe.skipIf(skip)("live curves of shard and queue runs in Chromium", () => {
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];
  beforeAll(async () => {
    ensureBuilt();
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    page.on("pageerror", (err) => pageErrors.push(`page error: ${err.message}`));
  });
  afterAll(async () => {
    await browser?.close();
    cleanup();
  });

  async function growingCurve(kind: "shard" | "queue", redis?: string): Promise<void> {
    const store = join(tmpDir(`live-${kind}`), "store.db");
    const run = spawnLiveRun(store, kind, redis);
    let d: (Dashboard & { url: string }) | null = null;
    try {
      const t0 = Date.now();
      for (;;) {
        if (Date.now() - t0 > 90_000) throw new Error(`the ${kind} run wrote no live rows: ${run.output()}`);
        try {
          if (existsSync(store) && sql<{ n: number }>(store, `SELECT COUNT(*) AS n FROM live`)[0]!.n > 0) break;
        } catch {
          /* not created or migrated yet */
        }
        await sleep(100);
      }
      d = await startServer({ store, port: 0, pollMs: 250 });
      await page.goto(`${d.url}#/live`);
      await page.waitForFunction(() => (window as any).__grokscale?.ready === true && (window as any).__grokscale.route === "#/live", null, { timeout: 30_000 });
      expect(await page.locator("#live-table tbody tr").count()).toBe(1);
      const points = () => page.$eval("#live-chart", (el) => Number((el as HTMLElement).dataset["points"] ?? -1));
      const seen: number[] = [];
      for (let i = 0; i < 3; i++) {
        const before = seen.at(-1) ?? 0;
        await page.waitForFunction((n) => Number(document.querySelector<HTMLElement>("#live-chart")?.dataset["points"] ?? 0) > n, before, { timeout: 30_000 });
        seen.push(await points());
      }
      expect(seen[2]).toBeGreaterThan(seen[0]!);
      // one running job, and every point on the page is a row the store holds
      const jobs = sql<{ job_id: string; n: number; status: string }>(store, `SELECT l.job_id, COUNT(*) AS n, r.status FROM live l JOIN runs r ON r.job_id = l.job_id GROUP BY l.job_id`);
      expect(jobs).toHaveLength(1);
      expect(jobs[0]!.status).toBe("running");
      const inPage = await page.evaluate((j) => (window as any).__grokscale.live.counts[j], jobs[0]!.job_id);
      expect(inPage).toBeGreaterThan(0);
      expect(inPage).toBeLessThanOrEqual(sql<{ n: number }>(store, `SELECT COUNT(*) AS n FROM live WHERE job_id = ?`, jobs[0]!.job_id)[0]!.n);
      // the rows are the job's own: steps on its logging grid, in order, none past the budget
      const steps = sql<{ step: number }>(store, `SELECT step FROM live WHERE job_id = ? ORDER BY step`, jobs[0]!.job_id).map((r) => r.step);
      expect(steps.every((s) => s % 25 === 0 || s === 1)).toBe(true);
      expect(pageErrors.splice(0)).toEqual([]);
    } finally {
      run.child.kill("SIGKILL");
      await run.exited;
      await d?.app.close();
    }
  }

  it("a shard's running job draws a growing curve", async () => {
    await growingCurve("shard");
  }, 180_000);

  it.skipIf(!HAVE_REDIS)("a queue run's running job draws a growing curve", async () => {
    let redis: TestRedis | null = null;
    try {
      redis = await startRedis();
      await growingCurve("queue", redis.url);
    } finally {
      await redis?.stop();
    }
  }, 180_000);
});
