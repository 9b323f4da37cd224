// StableMax cross-entropy through the Kernels interface: the wasm backend and the reference backend
// give the same bits (loss, dz and logitStats' lossSum) in f32 and f64, on row widths below and above
// torch's lane count, τ ≠ 1 and an upstream scale ≠ 1; logitStats(…, "stablemax") reports rows × the
// loss and leaves the softmax-read statistics as for "ce"; and a short training run with loss
// "stablemax" gives close losses on both backends (their GEMMs sum in different orders).
// Not here: the gradient's correctness (test/tensor/stablemax-gradcheck.test.ts, test/oracle).

import { beforeAll, describe, expect, it } from "vitest";
import { Arena } from "../../src/base/arena.js";
import { resolveConfig } from "../../src/base/config.js";
import type { DType, FArray } from "../../src/base/dtype.js";
import { Rng } from "../../src/base/rng.js";
import { referenceKernels } from "../../src/kernels/reference.js";
import type { Kernels } from "../../src/kernels/types.js";
import { wasmKernelsSync } from "../../src/kernels/wasm.js";
import { runSeed } from "../../src/train/trainer.js";
import { ensureWasmBuilt } from "./helpers.js";

beforeAll(ensureWasmBuilt);

const bits = (a: FArray) => Array.from(a, (x) => (Object.is(x, -0) ? "-0" : String(x)));

for (const dtype of ["f32", "f64"] as const satisfies readonly DType[]) {
  describe(`StableMax kernels, ${dtype}: wasm = reference bit for bit`, () => {
    let arena: Arena;
    let W: Kernels;
    const R = referenceKernels(dtype);
    const rng = new Rng(5, `stablemax-eq-${dtype}`);
    beforeAll(() => {
      arena = new Arena(32);
      W = wasmKernelsSync(dtype, arena);
    });

    for (const [rows, cols] of [[1, 1], [3, 7], [17, 59], [40, 97]] as const) {
      it(`${rows}×${cols}: loss, dz and logitStats`, () => {
        const mark = arena.mark();
        const z = arena.floats(dtype, rows * cols);
        // normal logits, and every third row with a large correct-class logit (where softmax saturates)
        for (let i = 0; i < z.length; i++) z[i] = rng.normal() * 4;
        const labels = arena.ints(rows);
        for (let i = 0; i < rows; i++) {
          labels[i] = rng.int(cols);
          if (i % 3 === 0) z[i * cols + labels[i]!] = 60 + i;
        }
        for (const tau of [1, 1.3, 0.25]) {
          for (const gradScale of [1, 0.25]) {
            const [d1, d2] = [arena.floats(dtype, rows * cols), arena.floats(dtype, rows * cols)];
            const l1 = W.stablemaxCrossEntropy(rows, cols, z, labels, tau, d1, gradScale);
            const l2 = R.stablemaxCrossEntropy(rows, cols, z, labels, tau, d2, gradScale);
            expect(l1).toBe(l2);
            expect(bits(d1)).toEqual(bits(d2));
            expect(d1.every(Number.isFinite)).toBe(true);
          }
          const l = R.stablemaxCrossEntropy(rows, cols, z, labels, tau, null, 1);
          expect(W.stablemaxCrossEntropy(rows, cols, z, labels, tau, null, 1)).toBe(l);
          const s1 = W.logitStats(rows, cols, z, labels, tau, "stablemax");
          const s2 = R.logitStats(rows, cols, z, labels, tau, "stablemax");
          expect(s1.lossSum).toBe(s2.lossSum);
          // the same row losses, summed once: lossSum is rows × the mean loss, to the last bit of the division
          expect(s2.lossSum / rows).toBe(l);
          // accuracy, saturation and collapse are read from softmax whatever the loss
          for (const [s, K] of [[s1, W], [s2, R]] as const) {
            const ce = K.logitStats(rows, cols, z, labels, tau, "ce");
            expect([s.correct, s.l2sum, s.saturated, s.collapsed]).toEqual([ce.correct, ce.l2sum, ce.saturated, ce.collapsed]);
          }
          expect([s1.correct, s1.saturated, s1.collapsed]).toEqual([s2.correct, s2.saturated, s2.collapsed]);
        }
        arena.release(mark);
      });
    }
  });
}

describe('a short run with loss "stablemax" trains alike on both backends', () => {
  const CELL = { p: 17, d_embed: 8, hidden: 32, train_frac: 0.6, lr: 3e-3, steps: 200, eval_every: 20, log_every: 20, loss: "stablemax" } as const;
  for (const [dtype, rtol] of [["f32", 2e-5], ["f64", 1e-12]] as const) {
    it(`${dtype}: logged losses agree to ${rtol} relative, accuracies equal`, () => {
      const run = (kernels: "wasm" | "reference") => {
        const out = runSeed(resolveConfig({ ...CELL, kernels, dtype }), 0);
        if (out.stopped) throw new Error("stopped");
        return out.result.log;
      };
      const [w, r] = [run("wasm"), run("reference")];
      expect(w.length).toBe(r.length);
      expect(w[w.length - 1]!.train_loss).toBeLessThan(w[0]!.train_loss); // it trains
      w.forEach((row, i) => {
        const ref = r[i]!;
        for (const key of ["train_loss", "test_loss"] as const) {
          if (!(Math.abs(row[key] - ref[key]) <= rtol * Math.abs(ref[key]))) throw new Error(`step ${row.step} ${key}: wasm ${row[key]} vs reference ${ref[key]}`);
        }
        expect([row.train_acc, row.test_acc]).toEqual([ref.train_acc, ref.test_acc]);
      });
    }, 60_000);
  }
});
