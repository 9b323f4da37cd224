// The timed benchmark run (bench/step.ts): the clock is read at evaluation steps, so a config that
// evaluates less often than the requested warm-up (E6's eval_every 50 against the default 25) still
// times exactly its steps, from the first evaluation step after the warm-up; and timed steps that do
// not fit the config's evaluation cadence are refused by name.
import { beforeAll, describe, expect, it } from "vitest";
import { profileSteps } from "../../src/bench/profile.js";
import { throughput } from "../../src/bench/pool.js";
import { benchRun, timeSteps } from "../../src/bench/step.js";
import { ensureWasmBuilt } from "../kernels/helpers.js";

beforeAll(ensureWasmBuilt);

const small = { p: 13, d_embed: 8, hidden: 16, wc: 5, t_int: 10 } as const;

describe("bench's timed run", () => {
  it("rounds the warm-up up to the config's evaluation cadence", () => {
    expect(benchRun({ ...small, eval_every: 50 }, 100, 25).warmup).toBe(50);
    expect(benchRun({ ...small, eval_every: 25 }, 100, 25).warmup).toBe(25);
    expect(benchRun({ ...small, eval_every: 10 }, 100, 25).warmup).toBe(30);
    const r = benchRun({ ...small, eval_every: 50 }, 100, 25, 1);
    expect(r.cfg.steps).toBe(151);
    expect(r.cfg.stop_on_grok).toBe(false);
  });

  it("times a config that evaluates every 50 steps", async () => {
    const t = timeSteps({ ...small, eval_every: 50 }, 100, 25);
    expect(t.warmup).toBe(50);
    expect(t.marks[0]![0]).toBe(50);
    expect(t.marks[t.marks.length - 1]![0]).toBe(150);
    expect(t.ms_per_step).toBeGreaterThan(0);
    const one = await throughput({ ...small, eval_every: 50 }, 1, 100, 25, 2);
    expect(one.ms_per_seed_step).toBeGreaterThan(0);
    const p = profileSteps({ ...small, eval_every: 20 }, 40, 25);
    expect(p.ms_per_step).toBeGreaterThan(0);
    expect(p.kernel_ms["gemm"]).toBeGreaterThan(0);
  });

  it("refuses timed steps off the evaluation cadence, naming it", () => {
    expect(() => timeSteps({ ...small, eval_every: 50 }, 120, 25)).toThrow(/120 timed steps is not a multiple of the config's eval_every 50/);
  });
});
