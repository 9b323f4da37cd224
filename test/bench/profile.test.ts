// The step profiler: its kernel wrapper changes no arithmetic (an instrumented run gives the same
// log bits as a plain one), and its shares cover the whole step.
import { beforeAll, describe, expect, it } from "vitest";
import { PROFILE_CATEGORIES, profileSteps, StepProfiler } from "../../src/bench/profile.js";
import { resolveConfig } from "../../src/base/config.js";
import { runSeed } from "../../src/train/trainer.js";
import { ensureWasmBuilt } from "../kernels/helpers.js";

beforeAll(ensureWasmBuilt);

const small = { p: 13, d_embed: 8, hidden: 16, wc: 5, t_int: 10 } as const;

describe("step profiler", () => {
  it("an instrumented run computes the same bits as a plain one", () => {
    const cfg = resolveConfig({ ...small, steps: 60, eval_every: 10, log_every: 10 });
    const plain = runSeed(cfg, 1);
    const prof = new StepProfiler();
    const seen = new Set<string>();
    const inst = runSeed(cfg, 1, { instrument: { wrapKernels: (k) => prof.wrapKernels(k), phase: (p) => (seen.add(p), prof.phase(p)) } });
    if (plain.stopped || inst.stopped) throw new Error("stopped");
    expect(inst.result.log).toEqual(plain.result.log);
    expect([...seen].sort()).toEqual(["ahead", "clamp", "eval", "step"]);
  });

  it("shares are non-negative and sum to one; GEMM and the optimiser are seen", () => {
    const pr = profileSteps(small, 50, 25);
    const sum = PROFILE_CATEGORIES.reduce((a, c) => a + pr.shares[c], 0);
    expect(sum).toBeCloseTo(1, 12);
    for (const c of PROFILE_CATEGORIES) expect(pr.shares[c]).toBeGreaterThanOrEqual(0);
    expect(pr.kernel_ms["gemm"]).toBeGreaterThan(0);
    expect(pr.kernel_ms["adamw"]).toBeGreaterThan(0);
    expect(pr.shares.evaluation).toBeGreaterThan(0);
    // the fastest-call profile: the same categories, each at most its mean, shares summing to one
    expect(PROFILE_CATEGORIES.reduce((a, c) => a + pr.fastest_shares[c], 0)).toBeCloseTo(1, 12);
    for (const c of ["gemm", "elementwise", "loss"] as const) {
      expect(pr.fastest_ms[c]).toBeGreaterThan(0);
      expect(pr.fastest_ms[c]).toBeLessThanOrEqual(pr.shares[c] * pr.ms_per_step * (1 + 1e-9));
    }
    expect(pr.fastest_ms.evaluation).toBeGreaterThan(0);
  });
});
