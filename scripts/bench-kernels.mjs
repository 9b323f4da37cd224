// Benchmark (not a test): GFLOP/s of the wasm GEMM against the reference GEMM on the MLP's shapes,
// f32 and f64, plus a few other hot kernels per call. Needs the compiled package: `npm run build` first
// (it imports dist/kernels/*.js). Usage: node scripts/bench-kernels.mjs [--quick] [--no-reference]
import { existsSync } from "node:fs";

if (!existsSync(new URL("../dist/kernels/wasm.js", import.meta.url))) {
  console.error("bench-kernels: dist/kernels/wasm.js missing; run `npm run build` first");
  process.exit(1);
}
const { wasmKernelsSync } = await import("../dist/kernels/wasm.js");
const { referenceKernels } = await import("../dist/kernels/reference.js");
const { Arena } = await import("../dist/base/arena.js");
const { Rng } = await import("../dist/base/rng.js");

const quick = process.argv.includes("--quick");
const withRef = !process.argv.includes("--no-reference");

/** [label, transA, transB, M, N, K] */
const SHAPES = [
  ["fwd z=h·W2        p=59", false, false, 1392, 59, 256],
  ["fwd z=h·W2        p=97", false, false, 3481, 97, 256],
  ["table E·W1[:d]    p=59", false, false, 59, 256, 128],
  ["table E·W1[:d]    p=97", false, false, 97, 256, 128],
  ["dW2=hᵀ·dz (TN)    p=59", true, false, 256, 59, 1392],
  ["dW2=hᵀ·dz (TN)    p=97", true, false, 256, 97, 3481],
  ["dh=dz·W2ᵀ (NT)    p=59", false, true, 1392, 256, 59],
  ["dh=dz·W2ᵀ (NT)    p=97", false, true, 3481, 256, 97],
  ["dW1=Eᵀ·dT (TN)    p=97", true, false, 128, 256, 97],
  ["dE=dT·W1ᵀ (NT)    p=97", false, true, 97, 128, 256],
  ["square 512 (NN)", false, false, 512, 512, 512],
];

/**
 * Seconds per call: the fastest of repeated calls within `budget` seconds (after a warm-up call), in
 * process CPU time when the call is long enough for its resolution, so a busy machine inflates it less.
 */
function time(fn, budget) {
  fn();
  let best = Infinity;
  const t0 = performance.now();
  for (let reps = 0; reps < 3 || performance.now() - t0 < budget * 1000; reps++) {
    const c0 = process.cpuUsage();
    const w0 = performance.now();
    fn();
    const wall = (performance.now() - w0) / 1000;
    const c = process.cpuUsage(c0);
    const cpu = (c.user + c.system) / 1e6;
    best = Math.min(best, wall > 0.002 ? Math.min(wall, cpu) : wall);
  }
  return best;
}

const arena = new Arena(256);
/** Fills an arena array in place (typed-array map would copy it out of the arena). */
const fill = (a, f) => {
  for (let i = 0; i < a.length; i++) a[i] = f(i);
  return a;
};
const fmt = (x, w = 7) => x.toFixed(1).padStart(w);
for (const dtype of ["f32", "f64"]) {
  const W = wasmKernelsSync(dtype, arena);
  const R = referenceKernels(dtype);
  console.log(`\n${dtype}: GEMM GFLOP/s (one core)            wasm  reference  speed-up`);
  for (const [label, tA, tB, M, N, K] of SHAPES) {
    const mark = arena.mark();
    const A = fill(arena.floats(dtype, M * K), (i) => Math.sin(i));
    const B = fill(arena.floats(dtype, K * N), (i) => Math.cos(i));
    const C = arena.floats(dtype, M * N);
    const flop = 2 * M * N * K;
    const tw = time(() => W.gemm(tA, tB, M, N, K, A, B, C, 0), quick ? 0.15 : 0.6);
    const tr = withRef ? time(() => R.gemm(tA, tB, M, N, K, A, B, C, 0), quick ? 0.2 : 0.6) : NaN;
    const gw = flop / tw / 1e9, gr = flop / tr / 1e9;
    console.log(`  ${label.padEnd(28)} M=${String(M).padStart(4)} N=${String(N).padStart(3)} K=${String(K).padStart(4)} ${fmt(gw)} ${fmt(gr, 10)} ${fmt(gw / gr, 8)}x`);
    arena.release(mark);
  }
  const mark = arena.mark();
  const rows = 3481, H = 256, p = 97;
  const rng = new Rng(1, "bench");
  const x = fill(arena.floats(dtype, rows * H), () => rng.normal()); // GELU inputs ~ N(0, 1)
  const y = arena.floats(dtype, rows * H);
  const dydx = arena.floats(dtype, rows * H);
  const z = fill(arena.floats(dtype, rows * p), (i) => Math.sin(i) * 5);
  const dz = arena.floats(dtype, rows * p);
  const [m1, v1] = [arena.floats(dtype, 100_000), arena.floats(dtype, 100_000)];
  const labels = fill(arena.ints(rows), (i) => i % p);
  console.log(`${dtype}: other kernels, ms per call (rows=${rows}, H=${H}, p=${p})   wasm  reference`);
  const other = [
    ["geluForward (rows×H)", (K) => K.geluForward(rows * H, x, y)],
    ["geluForwardGrad (rows×H)", (K) => K.geluForwardGrad(rows * H, x, y, dydx)],
    ["geluBackward (rows×H)", (K) => K.geluBackward(rows * H, x, x, y, 0)],
    ["mul beta=1 (rows×H), the tape's GELU backward", (K) => K.mul(rows * H, x, dydx, y, 1)],
    ["softmaxCrossEntropy + dz", (K) => K.softmaxCrossEntropy(rows, p, z, labels, 1, dz, 1)],
    ["sumRows (rows×H)", (K) => K.sumRows(rows, H, x, y, 0)],
    ["add (rows×H)", (K) => K.add(rows * H, x, x, y)],
    ["gatherAdd2 (rows×H from p×H tables)", (K) => K.gatherAdd2(rows, H, x, labels, x, labels, x, y)],
    ["scatterAddRows (rows×H into p×H)", (K) => K.scatterAddRows(rows, H, x, labels, y)],
    ["adamw (100k parameters)", (K) => K.adamw(100_000, y, x, m1, v1, 1e-3, 0.9, 0.999, 1e-8, 0.1, 0.001, 1)],
  ];
  for (const [label, fn] of other) {
    const tw = time(() => fn(W), 0.2) * 1e3;
    const tr = withRef ? time(() => fn(R), 0.2) * 1e3 : NaN;
    console.log(`  ${label.padEnd(52)} ${tw.toFixed(2).padStart(7)} ${tr.toFixed(2).padStart(9)}`);
  }
  arena.release(mark);
}
