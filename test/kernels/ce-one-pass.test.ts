// The wasm cross-entropy's one-pass rows (16 ≤ cols ≤ 1024, both builds) against the chunked passes
// they replace, switched back on through the module's setCeOnePass: the same loss and gradient bits
// for every τ, odd and even widths (and each way a row's last group of four vectors can end),
// saturated rows, ties and −∞ (NaN rows only up to NaN's sign, which wasm leaves unspecified).
import { beforeAll, describe, expect, it } from "vitest";
import { Arena } from "../../src/base/arena.js";
import type { DType } from "../../src/base/dtype.js";
import { Rng } from "../../src/base/rng.js";
import { wasmKernelsWithExports } from "../../src/kernels/wasm.js";
import { ensureWasmBuilt } from "./helpers.js";

beforeAll(() => ensureWasmBuilt());

/** Bits of a float array, NaNs folded to one pattern. */
function bits(a: Float32Array | Float64Array): string {
  return Array.from(a, (x) => (Number.isNaN(x) ? "nan" : Object.is(x, -0) ? "-0" : String(x))).join(",");
}

describe.each(["f32", "f64"] as DType[])("one-pass cross-entropy rows (%s)", (dtype) => {
  it("give the chunked passes' bits", () => {
    const arena = new Arena(16);
    const { kernels: k, exports } = wasmKernelsWithExports(dtype, arena);
    const setOnePass = exports["setCeOnePass"] as (on: number) => void;
    const rng = new Rng(7);
    let compared = 0;
    for (const cols of [16, 17, 18, 19, 22, 24, 31, 43, 59, 63, 97, 113, 1024]) {
      for (const tau of [1, 1.3, 1.7, 0.35]) {
        const rows = 9;
        const z = arena.floats(dtype, rows * cols);
        for (let i = 0; i < z.length; i++) z[i] = rng.normal() * (i % 3 === 0 ? 40 : 3);
        z.fill(5, cols, 2 * cols); // row 1: all tied
        z[2 * cols + 3] = 1e4; // row 2: saturated
        z.fill(-Infinity, 3 * cols, 3 * cols + Math.floor(cols / 2)); // row 3: half −∞
        z[4 * cols + cols - 1] = Number.NaN; // row 4: a NaN (last element)
        // rows 5-8: an element far below the rest (f64 exp's scalar range) beside the label
        for (let r = 5; r < 9; r++) z[r * cols + 2 * (r - 5)] = -800;
        const labels = arena.ints(rows);
        for (let i = 0; i < rows; i++) labels[i] = (i * 7 + cols) % cols;
        for (let r = 5; r < 9; r++) labels[r] = 2 * (r - 5) + 1;
        const run = (on: number) => {
          setOnePass(on);
          const dz = arena.floats(dtype, rows * cols);
          const loss = k.softmaxCrossEntropy(rows, cols, z, labels, tau, dz, 1);
          const lossOnly = k.softmaxCrossEntropy(rows, cols, z, labels, tau, null, 1);
          return { loss, lossOnly, dz: bits(dz) };
        };
        const fast = run(1);
        const chunked = run(0);
        expect(fast.dz, `cols ${cols} tau ${tau}`).toBe(chunked.dz);
        expect(Object.is(fast.loss, chunked.loss) || (Number.isNaN(fast.loss) && Number.isNaN(chunked.loss))).toBe(true);
        expect(Object.is(fast.lossOnly, chunked.lossOnly) || (Number.isNaN(fast.lossOnly) && Number.isNaN(chunked.lossOnly))).toBe(true);
        compared++;
      }
    }
    setOnePass(1);
    expect(compared).toBe(52);
  });
});
