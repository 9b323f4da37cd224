// `grokscale plan` end to end (the compiled CLI, as `npm test` builds it first): with a given rate the
// hours are the cost model's expected seed-steps times that rate; with a short calibration run it
// measures and reports its rate; with --store it leaves out the jobs the store holds as done; bad
// flags give one error line naming the flag.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { presetJobs, specJobs } from "../../src/cli/plan.js";
import { planJobs, scaledRates } from "../../src/experiments/plan.js";
import { resolveConfig } from "../../src/base/config.js";

const cli = (args: string[]) => spawnSync(process.execPath, ["bin/grokscale.js", "plan", ...args], { encoding: "utf8", timeout: 120_000 });

describe("grokscale plan", () => {
  it("--ms-per-step: hours from the given rate, per experiment and in total", () => {
    const r = cli(["--preset", "quick", "--ms-per-step", "4", "--workers", "2", "--machines", "2", "--json"]);
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout);
    const want = planJobs(presetJobs("quick"), scaledRates(resolveConfig({ p: 59 }), 4, 8, 2));
    expect(out.total.jobs).toBe(want.total.jobs);
    expect(out.total.hours).toBeCloseTo(want.total.hours!, 9);
    expect(out.experiments.map((e: { experiment: string }) => e.experiment)).toEqual(want.experiments.map((e) => e.experiment));
    expect(out.cpu.cores).toBeGreaterThan(0);
  });

  it("a sweep spec file instead of a preset: its cells × seeds, its name as the experiment", () => {
    const dir = mkdtempSync(join(tmpdir(), "grokscale-plan-spec-"));
    try {
      const path = join(dir, "slice.json");
      writeFileSync(path, JSON.stringify({ name: "slice", seeds: 2, cells: [{ p: 97, wc: 65.85, rho: 1, tau: 1, steps: 40000 }, { p: 97, wc: 65.85, rho: 1.15, tau: 1.3, steps: 120000 }] }));
      const r = cli([path, "--ms-per-step", "4", "--workers", "2", "--json"]);
      expect(r.status, r.stderr).toBe(0);
      const out = JSON.parse(r.stdout);
      const want = planJobs(specJobs(path), scaledRates(resolveConfig({ p: 59 }), 4, 8, 1));
      expect(out.spec).toBe(path);
      expect(out.total.jobs).toBe(4);
      expect(out.experiments.map((e: { experiment: string }) => e.experiment)).toEqual(["slice"]);
      expect(out.total.hours).toBeCloseTo(want.total.hours!, 9);
      const both = cli([path, "--preset", "quick"]);
      expect(both.status).not.toBe(0);
      expect(both.stderr).toMatch(/give either a spec file or --preset/);
      writeFileSync(path, JSON.stringify({ name: "bad", seeds: 2, cells: [{ p: 97, rho: -1 }] }));
      const bad = cli([path, "--ms-per-step", "4"]);
      expect(bad.status).not.toBe(0);
      expect(bad.stderr).toMatch(/rho/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("calibrates on a short run and prints a table", () => {
    const r = cli(["--preset", "mini", "--calibration-steps", "50", "--workers", "1"]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/plan: preset mini, \d+ jobs, 1 workers/);
    expect(r.stdout).toMatch(/rate: measured now: p59 f32 [\d.]+ ms per seed-step/);
    expect(r.stdout).toMatch(/^total\s+\d+/m);
  }, 120_000);

  it("--store: only the jobs the store does not hold as done are planned", () => {
    const dir = mkdtempSync(join(tmpdir(), "grokscale-plan-"));
    try {
      const store = join(dir, "g.db");
      const sweep = spawnSync(process.execPath, ["bin/grokscale.js", "sweep", "--preset", "mini/E2", "--store", store, "--workers", "1", "--json"], { encoding: "utf8", timeout: 120_000 });
      expect(sweep.status, sweep.stderr).toBe(0);
      const ran = JSON.parse(sweep.stdout).total as number;
      const mini = presetJobs("mini");
      const e2 = new Set(mini.filter((j) => j.experiment.startsWith("E2 ")).map((j) => j.jobId));
      expect(ran).toBe(e2.size);
      const r = cli(["--preset", "mini", "--ms-per-step", "4", "--workers", "1", "--store", store, "--json"]);
      expect(r.status, r.stderr).toBe(0);
      const out = JSON.parse(r.stdout);
      expect(out.already_done).toBe(e2.size);
      // E3 shares some of E2's cells: every job E2 ran is left out wherever it appears
      const want = planJobs(mini.filter((j) => !e2.has(j.jobId)), scaledRates(resolveConfig({ p: 59 }), 4, 4, 1), mini);
      expect(out.total.jobs).toBe(want.total.jobs);
      expect(out.total.jobs).toBeLessThan(planJobs(mini, null).total.jobs);
      expect(out.total.hours).toBeCloseTo(want.total.hours!, 9);
      const none = cli(["--preset", "mini/E2", "--ms-per-step", "4", "--store", store, "--json"]);
      expect(JSON.parse(none.stdout).total.jobs).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 240_000);

  it("bad flags: one line naming the flag", () => {
    for (const [args, flag] of [[["--preset", "quick", "--ms-per-step", "-1"], "--ms-per-step"], [["--preset", "quick", "--calibration-steps", "30"], "--calibration-steps"], [["--preset", "nope", "--ms-per-step", "1"], "nope"]] as const) {
      const r = cli([...args]);
      expect(r.status).not.toBe(0);
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
      expect(r.stderr).toContain(flag);
    }
  });
});
