// Sweep specs: bad specs fail with one line naming the field and write nothing; job and cell ids
// are content hashes, stable under key order and explicit defaults; grid x cells expands as documented.
import { createHash } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { canonicalJson, resolveConfig } from "../../src/base/config.js";
import { runSweep } from "../../src/sweep/run.js";
import { PresetError, presetSpecs } from "../../src/sweep/preset.js";
import { SpecError } from "../../src/experiments/spec-error.js";
import { jobIdOf, resolveSweepSpec } from "../../src/experiments/sweep-spec.js";
import { TINY, ensureBuilt, spawnCli, tmpStore, cleanupTmp } from "./helpers.js";

afterAll(cleanupTmp);

const ok = { name: "s", seeds: 2, base: TINY };

describe("sweep spec validation", () => {
  const bad: [string, unknown, RegExp][] = [
    ["missing name", { seeds: 1 }, /^name: /],
    ["bad name", { ...ok, name: "a b" }, /^name: use letters/],
    ["zero seeds", { ...ok, seeds: 0 }, /^seeds: /],
    ["duplicate seeds", { ...ok, seeds: [1, 2, 1] }, /^seeds: seed 1 is listed twice/],
    ["unknown top-level key", { ...ok, sweeps: 3 }, /^\(spec\): unknown sweep spec key\(s\): sweeps/],
    ["unknown base field", { ...ok, base: { ...TINY, rhoo: 1 } }, /^base\.rhoo: unknown config field/],
    ["bad base value", { ...ok, base: { ...TINY, p: 1 } }, /^base\.p: .*\(got 1\)/],
    ["bad cell value", { ...ok, cells: [{}, {}, {}, { tau: -1 }] }, /^cells\[3\]\.tau: .*>0.*\(got -1\)/],
    ["unknown cell field", { ...ok, cells: [{ arm: "a", tua: 1 }] }, /^cells\[0\]\.tua: unknown config field/],
    ["metadata not a string", { ...ok, cells: [{ arm: 3 }] }, /^cells\[0\]\.arm: expected a string \(got 3\)/],
    ["bad grid value", { ...ok, grid: { rho: [1, 1.1, -2] } }, /^grid\.rho\[2\]: .*\(got -2\)/],
    ["empty grid list", { ...ok, grid: { rho: [] } }, /^grid\.rho: /],
    ["unknown grid field", { ...ok, grid: { rh: [1] } }, /^grid\.rh: unknown config field/],
    ["field in grid and cell", { ...ok, grid: { tau: [1] }, cells: [{ tau: 2 }] }, /^cells\[0\]\.tau: also set by grid\.tau/],
    ["cross-field rule", { ...ok, cells: [{ wc: 50, gamma: 0.3 }] }, /^cells\[0\]\.theta0: required when gamma is set/],
    ["enum value", { ...ok, cells: [{ loss: "hinge" }] }, /^cells\[0\]\.loss: /],
  ];
  for (const [what, spec, re] of bad) {
    it(`rejects ${what} with a message naming the field`, () => {
      expect(() => resolveSweepSpec(spec)).toThrow(SpecError);
      expect(() => resolveSweepSpec(spec)).toThrow(re);
    });
  }

  it("a bad spec touches nothing: no store is created, and an existing store is unchanged", async () => {
    const fresh = tmpStore("bad-fresh");
    await expect(runSweep({ ...ok, cells: [{ tau: -1 }] }, { store: fresh })).rejects.toThrow(/^cells\[0\]\.tau/);
    expect(existsSync(fresh)).toBe(false);

    const existing = tmpStore("bad-existing");
    const first = await runSweep({ ...ok, seeds: 1 }, { store: existing, workers: 1 });
    expect(first.ran).toBe(1);
    const before = readFileSync(existing);
    await expect(runSweep({ ...ok, name: "other", grid: { p: [7, 0] } }, { store: existing })).rejects.toThrow(/^grid\.p\[1\]/);
    expect(readFileSync(existing).equals(before)).toBe(true);
    expect(existsSync(`${existing}-wal`) ? readFileSync(`${existing}-wal`).length : 0).toBe(0);
  });

  it("the CLI prints one clear line naming the field and exits 1", async () => {
    const store = tmpStore("bad-cli");
    const specPath = store.replace(/store\.db$/, "spec.json");
    writeFileSync(specPath, JSON.stringify({ ...ok, cells: [{}, { tau: 0 }] }));
    const r = await spawnCli(["sweep", specPath, "--store", store]).done;
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(/sweep spec .*spec\.json: cells\[1\]\.tau: .*\(got 0\)/);
    expect(existsSync(store)).toBe(false);

    const preset = await spawnCli(["sweep", "--preset", "no-such-preset", "--store", store]).done;
    expect(preset.code).toBe(1);
    expect(preset.stderr).toMatch(/unknown preset "no-such-preset": use a scale \(quick, paper, mini\)/);
    const both = await spawnCli(["sweep", "--store", store]).done;
    expect(both.stderr).toMatch(/give either a spec file or --preset NAME/);
    expect(existsSync(store)).toBe(false);
  });
  beforeAll(ensureBuilt);
});

describe("job ids", () => {
  it("are the sha256 of canonicalJson({config, seed}) of the resolved config", () => {
    const cfg = resolveConfig({ p: 7 });
    const want = createHash("sha256").update(canonicalJson({ config: cfg, seed: 3 })).digest("hex");
    expect(jobIdOf(cfg, 3)).toBe(want);
    expect(jobIdOf(cfg, 4)).not.toBe(want);
  });

  it("do not depend on key order or on spelling out defaults", () => {
    const a = resolveSweepSpec({ name: "a", seeds: 2, base: { p: 7, steps: 300 }, cells: [{ tau: 1.5 }] });
    const b = resolveSweepSpec({ cells: [{ tau: 1.5, rho: 1, loss: "ce" }], base: { steps: 300, p: 7, t_int: 500 }, seeds: [0, 1], name: "b" });
    expect(b.jobs.map((j) => j.jobId)).toEqual(a.jobs.map((j) => j.jobId));
    expect(b.cells.map((c) => c.cellId)).toEqual(a.cells.map((c) => c.cellId));
  });

  it("expand explicit cells x grid x seeds, deduplicating identical jobs", () => {
    const s = resolveSweepSpec({
      name: "g", seeds: 3, seed0: 10, experiment: "mediation", base: TINY,
      grid: { tau: [1, 1.5], rho: [1, 1.15] },
      cells: [{ arm: "free" }, { arm: "clamp", wc: 5, label: "clamped" }],
    });
    expect(s.seeds).toEqual([10, 11, 12]);
    expect(s.cells).toHaveLength(8);
    expect(s.jobs).toHaveLength(24);
    expect(s.cells[0]).toMatchObject({ experiment: "mediation", arm: "free", label: "tau=1,rho=1" });
    expect(s.cells[7]).toMatchObject({ arm: "clamp", label: "clamped tau=1.5,rho=1.15" });
    expect(s.cells[7]!.config).toMatchObject({ tau: 1.5, rho: 1.15, wc: 5, p: 7 });
    // the same config listed twice with the same metadata is one cell and one set of jobs
    const d = resolveSweepSpec({ name: "d", seeds: 2, base: TINY, cells: [{ tau: 2 }, { tau: 2 }] });
    expect(d.cells).toHaveLength(1);
    expect(d.jobs).toHaveLength(2);
  });
});

describe("presets", () => {
  it("every preset experiment is a valid sweep spec", () => {
    const all = [...presetSpecs("quick"), ...presetSpecs("paper", { alloc: { 59: { wc: 54, theta0: 0.5, f_w1: 0.5 }, 97: { wc: 65, theta0: 0.5, f_w1: 0.5 } } })];
    expect(all.length).toBeGreaterThan(8);
    for (const e of all) {
      const s = resolveSweepSpec(e.spec);
      expect(s.jobs.length).toBeGreaterThan(0);
    }
  });

  it("the paper's dose cells as released: 8 seeds at p43/p67/p113, 16 at p59/p97, and p43's low-ρ cells", () => {
    const dose = resolveSweepSpec(presetSpecs("paper/E1")[0]!.spec);
    const seedsOf = (p: number, rho: number) => dose.jobs.filter((j) => j.config.p === p && Math.abs(j.config.rho - rho) < 1e-9).length;
    expect([43, 59, 67, 97, 113].map((p) => seedsOf(p, 1))).toEqual([8, 16, 8, 16, 8]);
    expect([0.75, 0.8].map((rho) => seedsOf(43, rho))).toEqual([8, 8]);
    expect(dose.cells.filter((c) => c.config.p === 43).map((c) => c.config.rho).sort((a, b) => a - b)).toEqual([0.75, 0.8, 0.85, 0.9, 0.95, 1, 1.05, 1.1, 1.15, 1.2, 1.25]);
    const audit = resolveSweepSpec(presetSpecs("paper/E6")[0]!.spec);
    for (const c of audit.cells) expect(c.config).toMatchObject({ eval_every: 50, log_every: 50, steps: 60000, stop_on_grok: true });
  });

  it("names a scale, or one experiment of a scale by id or sweep name", () => {
    expect(presetSpecs("quick/E2").map((e) => e.spec.name)).toEqual(["e2-ce"]);
    expect(presetSpecs("quick/e9-forking").map((e) => e.id)).toEqual(["E9"]);
    expect(() => presetSpecs("quick/E42")).toThrow(PresetError);
    expect(() => presetSpecs("quick/E42")).toThrow(/quick has: quick\/E2 \(e2-ce\)/);
    expect(() => presetSpecs("E2")).toThrow(/use a scale/);
  });
});
