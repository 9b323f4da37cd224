// GEMM throughput on the shapes the MLP's step uses (forward, the two backward layouts, the p×H
// tables), in GFLOP/s on one core, for a kernel backend and dtype.

import { makeKernels } from "../kernels/index.js";
import type { KernelName } from "../kernels/types.js";
import { Arena } from "../base/arena.js";
import type { DType } from "../base/dtype.js";
import { Rng } from "../base/rng.js";

export interface GemmShape {
  label: string;
  transA: boolean;
  transB: boolean;
  M: number;
  N: number;
  K: number;
}

/** The step's products for modulus p with n training rows (d = 128, H = 256). */
export function mlpGemmShapes(p: number, n = Math.floor(0.4 * p * p)): GemmShape[] {
  return [
    { label: `z = h·W2 (NN) p=${p}`, transA: false, transB: false, M: n, N: p, K: 256 },
    { label: `dW2 = hᵀ·dz (TN) p=${p}`, transA: true, transB: false, M: 256, N: p, K: n },
    { label: `dh = dz·W2ᵀ (NT) p=${p}`, transA: false, transB: true, M: n, N: 256, K: p },
    { label: `E·W1[:d] (NN) p=${p}`, transA: false, transB: false, M: p, N: 256, K: 128 },
  ];
}

export interface GemmResult extends GemmShape {
  kernels: KernelName;
  dtype: DType;
  gflops: number;
}

export function benchGemm(shape: GemmShape, kernels: KernelName, dtype: DType, budgetSeconds = 0.3): GemmResult {
  const { M, N, K } = shape;
  const arena = new Arena(Math.ceil(((M * K + K * N + M * N) * 8) / 1048576) + 8);
  const k = makeKernels(kernels, dtype, arena);
  const rng = new Rng(1);
  const A = arena.floats(dtype, M * K);
  const B = arena.floats(dtype, K * N);
  const C = arena.floats(dtype, M * N);
  for (const a of [A, B]) for (let i = 0; i < a.length; i++) a[i] = rng.normal();
  const call = () => k.gemm(shape.transA, shape.transB, M, N, K, A, B, C, 0);
  call();
  let reps = 0;
  const t0 = performance.now();
  let t = t0;
  while (t - t0 < budgetSeconds * 1000 || reps < 3) {
    call();
    reps++;
    t = performance.now();
  }
  const seconds = (t - t0) / 1000 / reps;
  return { ...shape, kernels, dtype, gflops: (2 * M * N * K) / seconds / 1e9 };
}
