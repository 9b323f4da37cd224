// The fused hidden-layer kernels (gatherAdd2Gelu and its backward) against the unfused kernels they
// replace (gatherAdd2 → geluForward/geluForwardGrad; mul → scatterAddRows ×2 → sumRows), bit for bit,
// in both backends and dtypes, and wasm against reference (f32 bit for bit, f64 to an ulp as the GELU
// kernels themselves); odd widths and large
// pre-activations (the f64 kernels' scalar range, both f32 erf regions) included.

import { beforeAll, describe, expect, it } from "vitest";
import { referenceKernels } from "../../src/kernels/reference.js";
import type { Kernels } from "../../src/kernels/types.js";
import { wasmKernelsSync } from "../../src/kernels/wasm.js";
import { Arena } from "../../src/base/arena.js";
import type { FArray } from "../../src/base/dtype.js";
import { Rng } from "../../src/base/rng.js";
import { ensureWasmBuilt } from "./helpers.js";

beforeAll(ensureWasmBuilt);

const SHAPES: Array<[rows: number, cols: number, p: number]> = [[1, 1, 2], [5, 3, 4], [17, 7, 5], [100, 17, 13], [64, 256, 59], [9, 130, 11]];

for (const dtype of ["f32", "f64"] as const) {
  describe(`fused hidden layer ${dtype}`, () => {
    let arena: Arena;
    let W: Kernels;
    const R = referenceKernels(dtype);
    const rng = new Rng(11, `fused-${dtype}`);
    beforeAll(() => {
      arena = new Arena(64);
      W = wasmKernelsSync(dtype, arena);
    });
    const rand = (n: number, scale: number): FArray => {
      const a = arena.floats(dtype, n);
      for (let i = 0; i < n; i++) a[i] = rng.normal() * scale;
      return a;
    };
    const ints = (n: number, below: number): Int32Array => {
      const a = arena.ints(n);
      for (let i = 0; i < n; i++) a[i] = rng.int(below);
      return a;
    };
    const zeros = (n: number): FArray => arena.floats(dtype, n);
    /** Bit-for-bit equality (zeros' signs included), reporting the first difference. */
    const same = (a: FArray, b: FArray, what: string): void => {
      expect(a.length).toBe(b.length);
      for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) expect(`${what}[${i}] = ${a[i]}`).toBe(`${what}[${i}] = ${b[i]}`);
    };

    for (const [n, cols, p] of SHAPES) {
      for (const scale of [1, 5]) {
        it(`forward and backward, ${n}×${cols} from ${p} rows, scale ${scale}`, () => {
          const mark = arena.mark();
          const tA = rand(p * cols, scale);
          const tB = rand(p * cols, scale);
          const bias = rand(cols, scale);
          const ia = ints(n, p);
          const ib = ints(n, p);
          const gy = rand(n * cols, 1);
          const start = { gA: rand(p * cols, 1), gB: rand(p * cols, 1), gb: rand(cols, 1), gb2: rand(cols, 1) };
          const results: Record<string, FArray[]> = {};
          for (const [name, k] of [["reference", R], ["wasm", W]] as const) {
            // unfused
            const pre = zeros(n * cols);
            k.gatherAdd2(n, cols, tA, ia, tB, ib, bias, pre);
            const y0 = zeros(n * cols);
            const d0 = zeros(n * cols);
            k.geluForwardGrad(n * cols, pre, y0, d0);
            const yOnly0 = zeros(n * cols);
            k.geluForward(n * cols, pre, yOnly0);
            const g = zeros(n * cols);
            k.mul(n * cols, gy, d0, g, 0);
            const [gA0, gB0, gb0] = [zeros(p * cols), zeros(p * cols), zeros(cols)];
            const [gA1, gB1, gb1] = [zeros(p * cols), zeros(p * cols), zeros(cols)];
            for (const x of [gA0, gA1]) x.set(start.gA);
            for (const x of [gB0, gB1]) x.set(start.gB);
            for (const x of [gb0, gb1]) x.set(start.gb);
            k.scatterAddRows(n, cols, g, ia, gA0);
            k.scatterAddRows(n, cols, g, ib, gB0);
            k.sumRows(n, cols, g, gb0, 1);
            // fused
            const y1 = zeros(n * cols);
            const d1 = zeros(n * cols);
            k.gatherAdd2Gelu(n, cols, tA, ia, tB, ib, bias, y1, d1);
            const yOnly1 = zeros(n * cols);
            k.gatherAdd2Gelu(n, cols, tA, ia, tB, ib, bias, yOnly1, null);
            k.gatherAdd2GeluBackward(n, cols, gy, d1, ia, ib, gA1, gB1, gb1, 1);
            same(y1, y0, `${name} y`);
            same(d1, d0, `${name} dydx`);
            same(yOnly1, yOnly0, `${name} y without dydx`);
            same(gA1, gA0, `${name} tA grad`);
            same(gB1, gB0, `${name} tB grad`);
            same(gb1, gb0, `${name} bias grad`);
            // beta = 0 and skipped outputs
            const gb2 = zeros(cols);
            gb2.set(start.gb2);
            const gb3 = zeros(cols);
            k.sumRows(n, cols, g, gb3, 0);
            const gA2 = zeros(p * cols);
            k.gatherAdd2GeluBackward(n, cols, gy, d1, ia, ib, gA2, null, gb2, 0);
            same(gb2, gb3, `${name} bias grad, beta 0`);
            const gA3 = zeros(p * cols);
            k.scatterAddRows(n, cols, g, ia, gA3);
            same(gA2, gA3, `${name} tA grad alone`);
            k.gatherAdd2GeluBackward(n, cols, gy, d1, ia, ib, null, null, null, 1); // nothing to write: no throw
            results[name] = [y1, d1, gA1, gB1, gb1];
          }
          // f32: the same bits; f64: the GELU kernels agree to an ulp (wasm.test.ts), and so do these
          results["wasm"]!.forEach((a, i) => {
            const b = results["reference"]![i]!;
            if (dtype === "f32") same(a, b, `wasm vs reference output ${i}`);
            else for (let j = 0; j < a.length; j++) if (!(Math.abs(a[j]! - b[j]!) <= 1e-14 * Math.max(1, Math.abs(b[j]!)))) same(a, b, `wasm vs reference output ${i}`);
          });
          arena.release(mark);
        });
      }
    }
  });
}
