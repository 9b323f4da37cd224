// The playground inside `grokscale serve`, in Debian's Chromium: served at /playground/ under the
// dashboard's content security policy (which allows compiling wasm and nothing more than before), it
// trains a small cell to the same bits as the trainer in this process, lists the store's cells, and
// overlays a stored cell's curves exactly as the API serves them. Skipped without /usr/bin/chromium.
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServer, type Dashboard } from "../../src/dashboard/server.js";
import { armConfigs, decodeState } from "../../src/playground/state.js";
import { runSeed } from "../../src/train/trainer.js";
import { CHROMIUM, CHROMIUM_ARGS, cleanup, fixtureStore, hasChromium } from "../dashboard/helpers.js";
import { armsWhenDone, ensurePlayground, pageReady } from "./helpers.js";

const skip = !hasChromium();
if (skip) console.warn(`playground dashboard e2e skipped: ${CHROMIUM} not found`);

let server: Dashboard & { url: string };
let browser: Browser;
let page: Page;
const problems: string[] = [];

describe.skipIf(skip)("the playground in grokscale serve", () => {
  beforeAll(async () => {
    ensurePlayground();
    server = await startServer({ store: await fixtureStore(), port: 0, resamples: 200 });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    page.on("pageerror", (err) => problems.push(`page error: ${err.message}`));
    page.on("request", (r) => {
      if (!r.url().startsWith(server.url) && !/^(data|blob):/.test(r.url())) problems.push(`request off this server: ${r.url()}`);
    });
    page.on("console", (m) => {
      if (m.type() === "error") problems.push(`console: ${m.text()}`);
    });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.app.close();
    cleanup();
  });

  it("serves the page, bundles and wasm under the dashboard's policy, which now allows wasm compilation", async () => {
    const res = await server.app.inject({ url: "/playground/" });
    expect(res.statusCode).toBe(200);
    const csp = String(res.headers["content-security-policy"]);
    expect(csp).toContain("script-src 'self' 'unsafe-eval' 'wasm-unsafe-eval'");
    expect(csp).toContain("default-src 'self'");
    const wasm = await server.app.inject({ url: "/playground/kernels-f32.wasm" });
    expect([wasm.statusCode, wasm.headers["content-type"]]).toEqual([200, "application/wasm"]);
    expect(wasm.rawPayload.subarray(0, 4)).toEqual(Buffer.from([0, 0x61, 0x73, 0x6d]));
    const redirect = await server.app.inject({ url: "/playground?seed=2" });
    expect([redirect.statusCode, redirect.headers["location"]]).toEqual([301, "/playground/?seed=2"]);
    for (const bad of ["/playground/nope.js", "/playground/..%2fserver.js", "/playground/site.js"]) {
      expect((await server.app.inject({ url: bad })).statusCode, bad).not.toBe(200);
    }
    const dash = await server.app.inject({ url: "/" });
    expect(dash.body).toContain('href="/playground/"');
  });

  it("trains a cell with the trainer's bits and overlays a stored cell from the API", async () => {
    const link = "seed=5&p=19&d_embed=16&hidden=32&lr=0.03&train_frac=0.7&steps=2000&log_every=25&arm=";
    await page.goto(`${server.url}playground/?${link}`);
    await pageReady(page);
    expect(await page.evaluate(() => (window as any).__playground.storeMode)).toBe("server");
    const cells = (await (await fetch(`${server.url}api/cells`)).json()) as { cells: Array<{ cell_id: string }> };
    const options = await page.$$eval("#store-cells option", (os) => os.map((o) => (o as HTMLOptionElement).value));
    expect(options).toEqual(cells.cells.map((c) => c.cell_id));

    await page.selectOption("#store-cells", options[1]!);
    await page.click("#store-load");
    await page.waitForFunction(() => (window as any).__playground.overlay !== null, undefined, { timeout: 30_000 });
    const series = (await (await fetch(`${server.url}api/cells/${options[1]}/series?max_points=1000`)).json()) as { mean: unknown[] };
    expect(await page.evaluate(() => (window as any).__playground.overlay.rows)).toEqual(series.mean);

    await page.click("#start");
    const [arm] = await armsWhenDone(page);
    const ref = runSeed(armConfigs(decodeState(link))[0]!, 5);
    if (ref.stopped) throw new Error("reference run stopped");
    expect(arm!.error).toBeNull();
    expect([arm!.result!.T_mem, arm!.result!.T_grok, arm!.result!.steps_run]).toEqual([ref.result.T_mem, ref.result.T_grok, ref.result.steps_run]);
    expect(arm!.result!.log).toEqual(ref.result.log);
    expect(arm!.rows).toEqual(ref.result.log);
    expect(problems).toEqual([]);
  });
});
