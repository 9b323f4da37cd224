// The WebAssembly SIMD backend: loads dist/kernels/kernels-<dtype>.wasm (built from src/kernels/assembly
// by scripts/build-wasm.mjs), instantiates it over the arena's memory, and wraps each export as a Kernels
// method that passes array byte offsets as pointers. It checks that every array lives in the arena, has
// the dtype and is long enough; it does no arithmetic of its own.

import { existsSync, readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { type Arena, RESERVED_BYTES } from "../base/arena.js";
import { BYTES, type DType, type FArray } from "../base/dtype.js";
import { stablemaxKernel } from "./stablemax.js";
import type { Kernels, LogitStats } from "./types.js";

/**
 * Layout of the arena's reserved first MiB: each build's static data starts at its --memoryBase (see
 * scripts/build-wasm.mjs) and must end below dataEnd; its scratch (GEMM packing, results) follows.
 * The two builds use disjoint regions, so f32 and f64 kernels can share one arena.
 */
const LAYOUT: { [D in DType]: { dataEnd: number; scratch: number } } = {
  f32: { dataEnd: 32768, scratch: 65536 },
  f64: { dataEnd: 65536, scratch: 65536 + 491520 },
};
const SCRATCH_BYTES = 491520;
if (LAYOUT.f64.scratch + SCRATCH_BYTES > RESERVED_BYTES) throw new Error("wasm kernels: layout exceeds the reserved MiB");

interface Exports {
  init(base: number, bytes: number): number;
  gemm(tA: number, tB: number, M: number, N: number, K: number, A: number, B: number, C: number, beta: number): void;
  add(n: number, a: number, b: number, out: number): void;
  mul(n: number, a: number, b: number, out: number, beta: number): void;
  scale(n: number, s: number, a: number, out: number, beta: number): void;
  addRowVec(rows: number, cols: number, x: number, bias: number, out: number): void;
  sumRows(rows: number, cols: number, x: number, out: number, beta: number): void;
  sumSquares(n: number, x: number): number;
  gatherRows(n: number, cols: number, table: number, idx: number, out: number): void;
  scatterAddRows(n: number, cols: number, g: number, idx: number, tableGrad: number): void;
  gatherAdd2(n: number, cols: number, tA: number, ia: number, tB: number, ib: number, bias: number, out: number): void;
  geluForward(n: number, x: number, out: number): void;
  geluForwardGrad(n: number, x: number, y: number, dydx: number): void;
  geluBackward(n: number, x: number, gy: number, gx: number, beta: number): void;
  gatherAdd2Gelu(n: number, cols: number, tA: number, ia: number, tB: number, ib: number, bias: number, y: number, dydx: number): void;
  gatherAdd2GeluBackward(n: number, cols: number, gy: number, dydx: number, ia: number, ib: number, tAGrad: number, tBGrad: number, biasGrad: number, beta: number): void;
  softmaxCrossEntropy(rows: number, cols: number, z: number, labels: number, tau: number, dz: number, gradScale: number): number;
  mse(rows: number, cols: number, z: number, labels: number, tau: number, dz: number, gradScale: number): number;
  logitStats(rows: number, cols: number, z: number, labels: number, tau: number, loss: number): void;
  sharedAttentionForward(B: number, T: number, heads: number, d: number, probs: number, V: number, idx: number, Y: number): void;
  sharedAttentionBackward(B: number, T: number, heads: number, d: number, probs: number, G: number, V: number, idx: number, gProbs: number, gvSum: number): void;
  softmaxRows(rows: number, cols: number, x: number, y: number): void;
  softmaxRowsBackward(rows: number, cols: number, y: number, gy: number, gx: number, beta: number): void;
  layerNorm(rows: number, cols: number, x: number, y: number, mean: number, rstd: number, eps: number): void;
  layerNormBackward(rows: number, cols: number, y: number, rstd: number, gy: number, gx: number, beta: number): void;
  adamw(n: number, w: number, g: number, m: number, v: number, lr: number, b1: number, b2: number, eps: number, bc1: number, bc2: number, wd: number): void;
}

const FILE = (dtype: DType) => `kernels-${dtype}.wasm`;
/** Next to the compiled wasm.js (dist/kernels/), or from src/kernels/ when run from source. */
const candidates = (dtype: DType) => [new URL(`./${FILE(dtype)}`, import.meta.url), new URL(`../../dist/kernels/${FILE(dtype)}`, import.meta.url)];

function wasmPath(dtype: DType): URL {
  for (const u of candidates(dtype)) if (existsSync(u)) return u;
  throw new Error(`wasm kernels: ${FILE(dtype)} not found; build it with \`node scripts/build-wasm.mjs\` (or \`npm run build\`)`);
}

const modules = new Map<DType, WebAssembly.Module>();

/**
 * Hands in a compiled kernel module, so later loads use it instead of reading the file: the seam
 * where a browser (src/playground/worker.ts), which has no file system, supplies the fetched bytes.
 */
export function provideWasmModule(dtype: DType, module: WebAssembly.Module): void {
  modules.set(dtype, module);
}

function instantiateExports(dtype: DType, module: WebAssembly.Module, arena: Arena): Exports {
  const imports = { env: { memory: arena.memory, abort: () => { throw new Error(`wasm kernels (${dtype}): abort`); } } };
  const ex = new WebAssembly.Instance(module, imports).exports as unknown as Exports;
  const { dataEnd, scratch } = LAYOUT[dtype];
  const heapBase = ex.init(scratch, SCRATCH_BYTES);
  if (heapBase > dataEnd) throw new Error(`wasm kernels (${dtype}): static data ends at ${heapBase}, beyond ${dataEnd}`);
  return ex;
}

function instantiate(dtype: DType, module: WebAssembly.Module, arena: Arena): Kernels {
  return wrap(dtype, instantiateExports(dtype, module, arena), arena);
}

/**
 * Kernels over the arena plus their module's raw exports (byte offsets in, numbers out), for tests
 * that reach below the Kernels interface, e.g. to switch a fast path off and compare.
 */
export function wasmKernelsWithExports(dtype: DType, arena: Arena): { kernels: Kernels; exports: Record<string, unknown> } {
  const ex = instantiateExports(dtype, moduleSync(dtype), arena);
  return { kernels: wrap(dtype, ex, arena), exports: ex as unknown as Record<string, unknown> };
}

function moduleSync(dtype: DType): WebAssembly.Module {
  let m = modules.get(dtype);
  if (!m) {
    m = new WebAssembly.Module(readFileSync(wasmPath(dtype)));
    modules.set(dtype, m);
  }
  return m;
}

export function wasmKernelsSync(dtype: DType, arena: Arena): Kernels {
  return instantiate(dtype, moduleSync(dtype), arena);
}

export async function wasmKernels(dtype: DType, arena: Arena): Promise<Kernels> {
  let m = modules.get(dtype);
  if (!m) {
    m = await WebAssembly.compile(await readFile(wasmPath(dtype)));
    modules.set(dtype, m);
  }
  return instantiate(dtype, m, arena);
}

function wrap(dtype: DType, ex: Exports, arena: Arena): Kernels {
  const buffer = arena.memory.buffer;
  const bytes = BYTES[dtype];
  const stats = new Float64Array(buffer, LAYOUT[dtype].scratch, 5);
  const stablemax = stablemaxKernel(dtype);
  /** Pointer of a float array in the arena with at least n elements, of this dtype (or of `size` bytes: float64 accumulators). */
  const f = (a: FArray, n: number, what: string, size = bytes): number => {
    if (a.buffer !== buffer) throw new Error(`wasm kernels: ${what} is not a view of the arena's memory (allocate it with arena.floats)`);
    if (a.BYTES_PER_ELEMENT !== size) throw new Error(`wasm kernels (${dtype}): ${what} is a ${a.constructor.name}${size === bytes ? "" : `, not ${size}-byte floats`}`);
    if (a.length < n) throw new Error(`wasm kernels: ${what} has ${a.length} elements, needs ${n}`);
    return a.byteOffset;
  };
  const i = (a: Int32Array, n: number, what: string): number => {
    if (a.buffer !== buffer) throw new Error(`wasm kernels: ${what} is not a view of the arena's memory (allocate it with arena.ints)`);
    if (a.length < n) throw new Error(`wasm kernels: ${what} has ${a.length} elements, needs ${n}`);
    return a.byteOffset;
  };
  const b = (beta: 0 | 1): number => (beta === 1 ? 1 : 0);

  return {
    name: "wasm",
    dtype,
    gemm(tA, tB, M, N, K, A, B, C, beta) {
      ex.gemm(tA ? 1 : 0, tB ? 1 : 0, M, N, K, f(A, M * K, "A"), f(B, K * N, "B"), f(C, M * N, "C"), b(beta));
    },
    add: (n, a, bb, out) => ex.add(n, f(a, n, "a"), f(bb, n, "b"), f(out, n, "out")),
    mul: (n, a, bb, out, beta) => ex.mul(n, f(a, n, "a"), f(bb, n, "b"), f(out, n, "out"), b(beta)),
    scale: (n, s, a, out, beta) => ex.scale(n, s, f(a, n, "a"), f(out, n, "out"), b(beta)),
    addRowVec: (rows, cols, x, bias, out) =>
      ex.addRowVec(rows, cols, f(x, rows * cols, "x"), f(bias, cols, "bias"), f(out, rows * cols, "out")),
    sumRows: (rows, cols, x, out, beta) => ex.sumRows(rows, cols, f(x, rows * cols, "x"), f(out, cols, "out"), b(beta)),
    sumSquares: (n, x) => ex.sumSquares(n, f(x, n, "x")),
    gatherRows: (n, cols, table, idx, out) =>
      ex.gatherRows(n, cols, f(table, 0, "table"), i(idx, n, "idx"), f(out, n * cols, "out")),
    scatterAddRows: (n, cols, g, idx, tableGrad) =>
      ex.scatterAddRows(n, cols, f(g, n * cols, "g"), i(idx, n, "idx"), f(tableGrad, 0, "tableGrad")),
    gatherAdd2: (n, cols, tA, ia, tB, ib, bias, out) =>
      ex.gatherAdd2(n, cols, f(tA, 0, "tA"), i(ia, n, "ia"), f(tB, 0, "tB"), i(ib, n, "ib"), f(bias, cols, "bias"), f(out, n * cols, "out")),
    geluForward: (n, x, out) => ex.geluForward(n, f(x, n, "x"), f(out, n, "out")),
    geluForwardGrad: (n, x, y, dydx) => ex.geluForwardGrad(n, f(x, n, "x"), f(y, n, "y"), f(dydx, n, "dydx")),
    geluBackward: (n, x, gy, gx, beta) => ex.geluBackward(n, f(x, n, "x"), f(gy, n, "gy"), f(gx, n, "gx"), b(beta)),
    gatherAdd2Gelu: (n, cols, tA, ia, tB, ib, bias, y, dydx) =>
      ex.gatherAdd2Gelu(n, cols, f(tA, 0, "tA"), i(ia, n, "ia"), f(tB, 0, "tB"), i(ib, n, "ib"), f(bias, cols, "bias"), f(y, n * cols, "y"), dydx ? f(dydx, n * cols, "dydx") : 0),
    gatherAdd2GeluBackward: (n, cols, gy, dydx, ia, ib, tAGrad, tBGrad, biasGrad, beta) =>
      ex.gatherAdd2GeluBackward(
        n, cols, f(gy, n * cols, "gy"), f(dydx, n * cols, "dydx"), i(ia, n, "ia"), i(ib, n, "ib"),
        tAGrad ? f(tAGrad, 0, "tAGrad") : 0, tBGrad ? f(tBGrad, 0, "tBGrad") : 0, biasGrad ? f(biasGrad, cols, "biasGrad") : 0, b(beta),
      ),
    softmaxCrossEntropy: (rows, cols, z, labels, tau, dz, gradScale) =>
      ex.softmaxCrossEntropy(rows, cols, f(z, rows * cols, "z"), i(labels, rows, "labels"), tau, dz ? f(dz, rows * cols, "dz") : 0, gradScale),
    mse: (rows, cols, z, labels, tau, dz, gradScale) =>
      ex.mse(rows, cols, f(z, rows * cols, "z"), i(labels, rows, "labels"), tau, dz ? f(dz, rows * cols, "dz") : 0, gradScale),
    // StableMax runs the shared TypeScript implementation on views of this memory (stablemax.ts)
    stablemaxCrossEntropy: (rows, cols, z, labels, tau, dz, gradScale) =>
      stablemax.crossEntropy(rows, cols, z, labels, tau, dz, gradScale),
    logitStats(rows, cols, z, labels, tau, loss): LogitStats {
      ex.logitStats(rows, cols, f(z, rows * cols, "z"), i(labels, rows, "labels"), tau, loss === "mse" ? 1 : 0);
      const lossSum = loss === "stablemax" ? stablemax.lossSum(rows, cols, z, labels, tau) : stats[4]!;
      return { correct: stats[0]!, l2sum: stats[1]!, saturated: stats[2]!, collapsed: stats[3]!, lossSum };
    },
    sharedAttentionForward: (B, T, heads, d, probs, V, idx, Y) =>
      ex.sharedAttentionForward(B, T, heads, d, f(probs, B * heads * T, "probs"), f(V, 0, "V"), i(idx, B * T, "idx"), f(Y, B * d, "Y")),
    sharedAttentionBackward: (B, T, heads, d, probs, G, V, idx, gProbs, gvSum) =>
      ex.sharedAttentionBackward(
        B, T, heads, d, f(probs, B * heads * T, "probs"), f(G, B * d, "G"), f(V, 0, "V"), i(idx, B * T, "idx"),
        f(gProbs, B * heads * T, "gProbs"), gvSum ? f(gvSum, 0, "gvSum", 8) : 0,
      ),
    softmaxRows: (rows, cols, x, y) => ex.softmaxRows(rows, cols, f(x, rows * cols, "x"), f(y, rows * cols, "y")),
    softmaxRowsBackward: (rows, cols, y, gy, gx, beta) =>
      ex.softmaxRowsBackward(rows, cols, f(y, rows * cols, "y"), f(gy, rows * cols, "gy"), f(gx, rows * cols, "gx"), b(beta)),
    layerNorm: (rows, cols, x, y, mean, rstd, eps) =>
      ex.layerNorm(rows, cols, f(x, rows * cols, "x"), f(y, rows * cols, "y"), f(mean, rows, "mean"), f(rstd, rows, "rstd"), eps),
    layerNormBackward: (rows, cols, y, rstd, gy, gx, beta) =>
      ex.layerNormBackward(rows, cols, f(y, rows * cols, "y"), f(rstd, rows, "rstd"), f(gy, rows * cols, "gy"), f(gx, rows * cols, "gx"), b(beta)),
    adamw: (n, w, g, m, v, lr, b1, b2, eps, bc1, bc2, wd) =>
      ex.adamw(n, f(w, n, "w"), f(g, n, "g"), f(m, n, "m"), f(v, n, "v"), lr, b1, b2, eps, bc1, bc2, wd),
  };
}
