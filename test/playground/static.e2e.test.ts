// The playground as a static site, in Debian's Chromium (playwright-core): `grokscale playground --out`
// writes the site, a plain static file server serves it, the page trains four arms of a small cell
// from a shared link (a free arm, a forking arm, a float64 arm, and an arm with ⊥Grad and lr·ρ under a
// clamp), and every logged row, T_mem, T_grok and the final metrics equal, bit for bit, those of
// `grokscale train` run with the command the page shows for each arm. The controls keep the link in
// step (the ⊥Grad and lr·ρ checkboxes too). Skipped, with a message, without /usr/bin/chromium.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { armConfigs, decodeState, trainCommand } from "../../src/playground/state.js";
import { CHROMIUM, CHROMIUM_ARGS, hasChromium } from "../dashboard/helpers.js";
import { armsWhenDone, ensurePlayground, pageReady, ROOT, staticServer } from "./helpers.js";

const skip = !hasChromium();
if (skip) console.warn(`playground e2e skipped: ${CHROMIUM} not found (apt-get install -y chromium)`);

const LINK = "seed=3&p=23&d_embed=16&hidden=32&lr=0.03&train_frac=0.6&steps=3000&log_every=25&arm=&arm=fork_at:150,fork_arm:lowered&arm=dtype:f64" +
  // E10's ⊥Grad and E11's lr·ρ (docs/study.md §11); w_c 25 so that this arm groks within the 3000 steps
  "&arm=orthograd:true,wc:25,rho:1.15,lr_scale_with_rho:true";
const COLUMNS = ["step", "train_loss", "test_loss", "train_acc", "test_acc", "weight_norm", "logit_scale", "frac_saturated", "collapse_rate", "fourier_top5"];

let scratch: string;
let site: Awaited<ReturnType<typeof staticServer>>;
let browser: Browser;
let page: Page;
const problems: string[] = [];

/** Runs the page's command for an arm through the CLI (--out for the full log); returns its seed summary and rows. */
function cli(command: string, out: string): { seed: { T_mem: number | null; T_grok: number | null; steps_run: number; status: string }; rows: Array<Record<string, unknown>> } {
  const args = command.replace(/^npx grokscale /, "").split(" ");
  const stdout = execFileSync(process.execPath, [join(ROOT, "bin", "grokscale.js"), ...args, "--out", out, "--quiet", "--workers", "1"], { cwd: ROOT, encoding: "utf8" });
  const summary = JSON.parse(stdout) as { seeds: Array<{ T_mem: number | null; T_grok: number | null; steps_run: number; status: string }> };
  const [head, ...lines] = readFileSync(join(out, "log.csv"), "utf8").trim().split("\n");
  const cols = head!.split(",");
  const rows = lines.map((l) => {
    const cells = l.split(",");
    const r: Record<string, unknown> = {};
    cols.forEach((c, i) => (r[c] = c === "norms" ? JSON.parse(cells[i]!.replace(/;/g, ",")) : Number(cells[i])));
    delete r["seed"];
    return r;
  });
  return { seed: summary.seeds[0]!, rows };
}

describe.skipIf(skip)("the static playground in Chromium", () => {
  beforeAll(async () => {
    ensurePlayground();
    scratch = mkdtempSync(join(tmpdir(), "gs-playground-"));
    const out = execFileSync(process.execPath, [join(ROOT, "bin", "grokscale.js"), "playground", "--out", join(scratch, "site")], { cwd: ROOT, encoding: "utf8" });
    expect(out).toContain("wrote 6 files");
    site = await staticServer(join(scratch, "site"));
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    page = await browser.newPage({ viewport: { width: 1400, height: 1100 }, acceptDownloads: true });
    page.on("pageerror", (err) => problems.push(`page error: ${err.message}`));
    page.on("request", (r) => {
      if (!r.url().startsWith(site.url) && !/^(data|blob):/.test(r.url())) problems.push(`request off the site: ${r.url()}`);
    });
    page.on("console", (m) => {
      if (m.type() === "error" && !/Failed to load resource.*404/.test(m.text())) problems.push(`console: ${m.text()}`);
    });
  });

  afterAll(async () => {
    await browser?.close();
    await site?.close();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  it("writes exactly the page, its bundles and the wasm kernels", () => {
    expect(readdirSync(join(scratch, "site")).sort()).toEqual(["index.html", "kernels-f32.wasm", "kernels-f64.wasm", "playground.css", "playground.js", "worker.js"]);
    const html = readFileSync(join(scratch, "site", "index.html"), "utf8");
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//); // nothing from elsewhere
  });

  it("trains four arms in the page (float32, a forking arm, float64, ⊥Grad with lr·ρ) with the same bits as grokscale train for the same config and seed", async () => {
    await page.goto(`${site.url}?${LINK}`);
    await pageReady(page);
    expect(await page.evaluate(() => (window as any).__playground.storeMode)).toBe("file"); // no API on a static host
    expect(await page.locator("#store-file").isVisible()).toBe(true);
    expect(await page.inputValue("#share")).toContain("arm=fork_at%3A150%2Cfork_arm%3Alowered");
    await page.click("#start");
    const arms = await armsWhenDone(page);
    expect(arms.map((a) => a.error)).toEqual([null, null, null, null]);
    expect([arms[3]!.config["orthograd"], arms[3]!.config["lr_scale_with_rho"]]).toEqual([true, true]);

    const state = decodeState(LINK);
    const configs = armConfigs(state);
    for (const [i, arm] of arms.entries()) {
      expect(arm.config).toEqual(configs[i]);
      const command = trainCommand(configs[i]!, state.seed);
      expect(await page.locator("#status code").nth(i).textContent()).toBe(command);
      const ref = cli(command, join(scratch, `cli-${i}`));
      expect(ref.seed.T_grok, `arm ${i + 1} should grok within its budget`).not.toBeNull();
      expect(arm.result!.status).toBe(ref.seed.status);
      expect([arm.result!.T_mem, arm.result!.T_grok, arm.result!.steps_run]).toEqual([ref.seed.T_mem, ref.seed.T_grok, ref.seed.steps_run]);
      expect([arm.T_mem, arm.T_grok]).toEqual([ref.seed.T_mem, ref.seed.T_grok]); // the marks the page drew
      // every logged row, every field, exactly (the CSV holds each float's shortest round-trip form)
      const pick = (r: Record<string, unknown>) => Object.fromEntries([...COLUMNS, "norms"].map((c) => [c, r[c]]));
      expect(arm.rows.map(pick)).toEqual(ref.rows.map(pick));
      expect(pick(arm.result!.final!)).toEqual(pick(ref.rows[ref.rows.length - 1]!));
      expect(arm.spectra).toHaveLength(arm.rows.length);
      expect(arm.spectra.at(-1)!.length).toBe(11); // frequencies 1..floor(23/2)
    }
    // the arms share their initial state: identical rows before the fork (the arm clamps from the fork step on), different from it
    const fork = 150;
    const before = (a: (typeof arms)[0]) => a.rows.filter((r) => (r["step"] as number) < fork);
    expect(before(arms[1]!)).toEqual(before(arms[0]!));
    expect(before(arms[0]!).length).toBeGreaterThan(3);
    expect(arms[1]!.rows.find((r) => (r["step"] as number) >= fork)).not.toEqual(arms[0]!.rows.find((r) => (r["step"] as number) >= fork));
    expect(problems).toEqual([]);
    if (process.env["GROKSCALE_PLAYGROUND_SHOT"]) await page.screenshot({ path: process.env["GROKSCALE_PLAYGROUND_SHOT"], fullPage: true });
  });

  it("exports an arm as JSON and overlays it (or any file with rows) back; a file without rows is one error line", async () => {
    const arm1 = (await page.evaluate(() => (window as any).__playground.arms[0].rows)) as unknown[];
    expect(arm1.length).toBeGreaterThan(3); // the arms trained above are still on the page
    const [download] = await Promise.all([page.waitForEvent("download"), page.click("#export")]);
    const exported = JSON.parse(readFileSync((await download.path())!, "utf8")) as { seed: number; rows: unknown[] };
    expect([exported.seed, exported.rows]).toEqual([3, arm1]);
    await page.setInputFiles("#store-json", { name: "arm1.json", mimeType: "application/json", buffer: Buffer.from(JSON.stringify(exported)) });
    await page.waitForFunction(() => (window as any).__playground.overlay?.label === "arm1.json", undefined, { timeout: 10_000 });
    expect(await page.evaluate(() => (window as any).__playground.overlay.rows)).toEqual(arm1);
    await page.setInputFiles("#store-json", { name: "bad.json", mimeType: "application/json", buffer: Buffer.from('{"x":1}') });
    await page.waitForFunction(() => /^stored run: expected JSON with rows/.test(document.querySelector("#error")!.textContent ?? ""), undefined, { timeout: 10_000 });
    expect(problems).toEqual([]);
  });

  it("keeps the link in step with the controls: shared fields, model size, arms", async () => {
    await page.goto(site.url);
    await pageReady(page);
    const link = async () => new URLSearchParams((await page.inputValue("#share")).split("?")[1]);
    expect(decodeState((await link()).toString())).toEqual(decodeState("")); // the default state, spelled out
    await page.fill("input[name=p]", "31");
    await page.press("input[name=p]", "Enter");
    await page.selectOption("select[name=size]", "tiny");
    await page.fill("input[name=eval_every]", "50");
    await page.press("input[name=eval_every]", "Enter");
    await page.click("#add-arm");
    await page.fill("input[name=arm3-tau]", "2.5");
    await page.press("input[name=arm3-tau]", "Enter");
    const q = await link();
    expect([q.get("p"), q.get("d_embed"), q.get("hidden"), q.get("lr"), q.get("eval_every"), q.get("log_every")]).toEqual(["31", "16", "32", "0.03", "50", "50"]);
    expect(q.getAll("arm")).toEqual(["", "tau:1.7", "tau:2.5"]);
    expect(new URL(page.url()).search.slice(1)).toBe(q.toString()); // the address bar holds the same link
    await page.click("tr:nth-child(2) button"); // remove arm 2
    expect((await link()).getAll("arm")).toEqual(["", "tau:2.5"]);
    await page.fill("input[name=arm1-tau]", "-3");
    await page.press("input[name=arm1-tau]", "Enter");
    expect(await page.textContent("#error")).toMatch(/^arm 1: invalid config field "tau".*\(got -3\)$/);
    expect((await link()).getAll("arm")).toEqual(["", "tau:2.5"]); // a bad value never reaches the link
    // the switches of E10 and E11 (docs/study.md §11): ⊥Grad on its own; lr·ρ only under a clamp
    await page.check("input[name=arm1-orthograd]");
    expect((await link()).getAll("arm")).toEqual(["orthograd:true", "tau:2.5"]);
    expect(await page.evaluate(() => (window as any).__playground.arms.map((a: any) => a.config.orthograd ?? false))).toEqual([true, false]);
    await page.check("input[name=arm2-lr_scale_with_rho]");
    expect(await page.textContent("#error")).toMatch(/^arm 2: invalid config field "lr_scale_with_rho".*\(got true\)$/);
    expect((await link()).getAll("arm")).toEqual(["orthograd:true", "tau:2.5"]);
    await page.fill("input[name=arm2-wc]", "30");
    await page.press("input[name=arm2-wc]", "Enter");
    expect(await page.isChecked("input[name=arm2-lr_scale_with_rho]")).toBe(false); // redrawn from the state
    await page.check("input[name=arm2-lr_scale_with_rho]");
    expect(await page.textContent("#error")).toBe("");
    expect((await link()).getAll("arm")).toEqual(["orthograd:true", "tau:2.5,wc:30,lr_scale_with_rho:true"]);
    expect(await page.evaluate(() => (window as any).__playground.arms[1].config.lr_scale_with_rho)).toBe(true);
    await page.uncheck("input[name=arm1-orthograd]");
    expect((await link()).getAll("arm")).toEqual(["", "tau:2.5,wc:30,lr_scale_with_rho:true"]); // off: left out of the link
  });

  it("pauses, steps one evaluation interval at a time, and reports a bad link with the field's name", async () => {
    await page.goto(`${site.url}?seed=1&p=23&d_embed=16&hidden=32&lr=0.03&log_every=25&arm=`);
    await pageReady(page);
    await page.click("#step");
    await page.waitForFunction(() => (window as any).__playground.arms[0].status === "paused" && (window as any).__playground.arms[0].step === 25, undefined, { timeout: 30_000 });
    await page.click("#step");
    await page.waitForFunction(() => (window as any).__playground.arms[0].step === 50, undefined, { timeout: 30_000 });
    const rows = await page.evaluate(() => (window as any).__playground.arms[0].rows.map((r: { step: number }) => r.step));
    expect(rows).toEqual([1, 25, 50]);

    await page.goto(`${site.url}?seed=1&p=23&tau=-1&arm=`);
    await pageReady(page);
    expect(await page.textContent("#error")).toMatch(/invalid config field "tau".*\(got -1\)/);
  });
});
