// Shared test helpers for the kernel tests: seeded random arrays, a naive GEMM, closeness checks, and
// the build of dist/kernels when it is missing or stale. Test-only; the library never imports this.

import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { expect } from "vitest";
import { type DType, type FArray, alloc } from "../../src/base/dtype.js";
import { Rng } from "../../src/base/rng.js";

export function randArray(rng: Rng, dtype: DType, n: number, scale = 1): FArray {
  const a = alloc(dtype, n);
  for (let i = 0; i < n; i++) a[i] = rng.normal() * scale;
  return a;
}

export function randInts(rng: Rng, n: number, below: number): Int32Array {
  const a = new Int32Array(n);
  for (let i = 0; i < n; i++) a[i] = rng.int(below);
  return a;
}

/** C = beta·C + op(A)·op(B), computed straight from the definition, in float64. */
export function naiveGemm(
  tA: boolean, tB: boolean, M: number, N: number, K: number,
  A: ArrayLike<number>, B: ArrayLike<number>, C0: ArrayLike<number>, beta: 0 | 1,
): Float64Array {
  const C = new Float64Array(M * N);
  for (let i = 0; i < M; i++)
    for (let j = 0; j < N; j++) {
      let s = 0;
      for (let p = 0; p < K; p++) s += (tA ? A[p * M + i]! : A[i * K + p]!) * (tB ? B[j * K + p]! : B[p * N + j]!);
      C[i * N + j] = beta * C0[i * N + j]! + s;
    }
  return C;
}

/** |a − b| ≤ rtol·max(|b|) + atol elementwise (relative to the array's scale, so sums that cancel pass). */
export function expectClose(a: ArrayLike<number>, b: ArrayLike<number>, rtol: number, atol = 0): void {
  expect(a.length).toBe(b.length);
  let scale = 0;
  for (let i = 0; i < b.length; i++) scale = Math.max(scale, Math.abs(b[i]!));
  let worst = 0;
  let at = -1;
  for (let i = 0; i < b.length; i++) {
    const d = Math.abs(a[i]! - b[i]!);
    if (!(d <= worst)) {
      worst = d;
      at = i;
    }
  }
  const tol = rtol * scale + atol;
  if (!(worst <= tol)) {
    throw new Error(`not close: worst |diff| ${worst} at ${at} (${a[at]} vs ${b[at]}), tolerance ${tol}`);
  }
}

export function expectRel(a: number, b: number, rtol: number): void {
  if (!(Math.abs(a - b) <= rtol * Math.abs(b))) throw new Error(`not close: ${a} vs ${b} (rtol ${rtol})`);
}

/** Builds dist/kernels when a wasm file is missing or older than any AssemblyScript source. */
export function ensureWasmBuilt(): void {
  const srcDir = "src/kernels/assembly";
  const sources = readdirSync(srcDir, { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith(".ts"));
  const newest = Math.max(...sources.map((f) => statSync(join(srcDir, f)).mtimeMs));
  const stale = (f: string) => !existsSync(f) || statSync(f).mtimeMs < newest;
  if (stale("dist/kernels/kernels-f32.wasm") || stale("dist/kernels/kernels-f64.wasm")) {
    execFileSync(process.execPath, ["scripts/build-wasm.mjs"], { stdio: "inherit" });
  }
}
