// The two kernel backends give the same results in meaning: a small cell that groks quickly (p = 31,
// d = 16, H = 64, α = 0.7, lr 3e-3, free run) trained by runSeed with the wasm kernels and with the
// reference kernels reaches the same T_mem and T_grok, in f32 and in f64, with losses that agree to
// float32 resp. float64 accuracy along the way (the GEMMs sum in different orders, nothing else differs).

import { beforeAll, describe, expect, it } from "vitest";
import { resolveConfig } from "../../src/base/config.js";
import { runSeed } from "../../src/train/trainer.js";
import type { SeedResult } from "../../src/base/results.js";
import { ensureWasmBuilt } from "./helpers.js";

beforeAll(ensureWasmBuilt);

const CELL = { p: 31, d_embed: 16, hidden: 64, train_frac: 0.7, lr: 3e-3, steps: 1500, log_every: 50 } as const;

function run(kernels: "wasm" | "reference", dtype: "f32" | "f64"): SeedResult {
  const out = runSeed(resolveConfig({ ...CELL, kernels, dtype }), 0);
  if (out.stopped) throw new Error("stopped");
  return out.result;
}

describe("wasm and reference kernels train the same model", () => {
  for (const [dtype, rtol] of [["f32", 2e-5], ["f64", 1e-12]] as const) {
    it(`${dtype}: equal T_mem and T_grok, close losses`, () => {
      const w = run("wasm", dtype);
      const r = run("reference", dtype);
      expect(w.status).toBe("grokked");
      expect([w.T_mem, w.T_grok]).toEqual([r.T_mem, r.T_grok]);
      expect(w.T_mem).toBeLessThan(w.T_grok!);
      expect(w.log.map((x) => x.step)).toEqual(r.log.map((x) => x.step));
      w.log.forEach((row, i) => {
        const ref = r.log[i]!;
        for (const key of ["train_loss", "test_loss"] as const) {
          const [a, b] = [row[key], ref[key]];
          if (!(Math.abs(a - b) <= rtol * Math.abs(b))) throw new Error(`step ${row.step} ${key}: wasm ${a} vs reference ${b}`);
        }
        expect(row.train_acc).toBe(ref.train_acc);
        expect(row.test_acc).toBe(ref.test_acc);
      });
    }, 60_000);
  }
});
