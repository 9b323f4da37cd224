// Elementwise kernels, row broadcasts, reductions, gathers and AdamW for the wasm backend, with v128
// main loops and scalar remainders. Rounding matches the reference: float ops round in `float`;
// sums and AdamW run in float64 (column sums in the reference's row order, so they agree bit for bit).
// Not here: GEMM (gemm.ts), GELU (erf.ts), softmax/losses/layerNorm (softmax.ts).

import { L, SHIFT, at, hi64, join, ld, lo64, scratchBase, scratchBytes, st } from "./common";

export function add(n: i32, a: usize, b: usize, out: usize): void {
  let i = 0;
  for (; i + L <= n; i += L) v128.store(at(out, i), v128.add<float>(v128.load(at(a, i)), v128.load(at(b, i))));
  for (; i < n; i++) st(out, i, ld(a, i) + ld(b, i));
}

export function mul(n: i32, a: usize, b: usize, out: usize, beta: i32): void {
  let i = 0;
  if (beta) {
    for (; i + L <= n; i += L) {
      const p = v128.mul<float>(v128.load(at(a, i)), v128.load(at(b, i)));
      v128.store(at(out, i), v128.add<float>(v128.load(at(out, i)), p));
    }
    for (; i < n; i++) st(out, i, ld(out, i) + ld(a, i) * ld(b, i));
  } else {
    for (; i + L <= n; i += L) v128.store(at(out, i), v128.mul<float>(v128.load(at(a, i)), v128.load(at(b, i))));
    for (; i < n; i++) st(out, i, ld(a, i) * ld(b, i));
  }
}

export function scale(n: i32, s: f64, a: usize, out: usize, beta: i32): void {
  const sf = <float>s;
  const sv = v128.splat<float>(sf);
  let i = 0;
  if (beta) {
    for (; i + L <= n; i += L) {
      v128.store(at(out, i), v128.add<float>(v128.load(at(out, i)), v128.mul<float>(sv, v128.load(at(a, i)))));
    }
    for (; i < n; i++) st(out, i, ld(out, i) + sf * ld(a, i));
  } else {
    for (; i + L <= n; i += L) v128.store(at(out, i), v128.mul<float>(sv, v128.load(at(a, i))));
    for (; i < n; i++) st(out, i, sf * ld(a, i));
  }
}

export function addRowVec(rows: i32, cols: i32, x: usize, bias: usize, out: usize): void {
  for (let r = 0; r < rows; r++) {
    const xr = at(x, r * cols);
    const orow = at(out, r * cols);
    let j = 0;
    for (; j + L <= cols; j += L) v128.store(at(orow, j), v128.add<float>(v128.load(at(xr, j)), v128.load(at(bias, j))));
    for (; j < cols; j++) st(orow, j, ld(xr, j) + ld(bias, j));
  }
}

/** Column sums in float64, rows in order, over a chunk of columns that fits the scratch accumulator. */
function sumRowsChunk(rows: i32, cols: i32, j0: i32, w: i32, x: usize, out: usize, beta: i32): void {
  const acc = scratchBase + 64;
  memory.fill(acc, 0, <usize>w << 3);
  const w4 = w & ~3;
  for (let r = 0; r < rows; r++) {
    const xr = at(x, r * cols + j0);
    let j = 0;
    for (; j < w4; j += 4) {
      const q = acc + (<usize>j << 3);
      if (sizeof<float>() == 4) {
        const v = v128.load(at(xr, j));
        v128.store(q, f64x2.add(v128.load(q), lo64(v)));
        v128.store(q, f64x2.add(v128.load(q, 16), hi64(v)), 16);
      } else {
        v128.store(q, f64x2.add(v128.load(q), v128.load(at(xr, j))));
        v128.store(q, f64x2.add(v128.load(q, 16), v128.load(at(xr, j + 2))), 16);
      }
    }
    for (; j < w; j++) {
      const q = acc + (<usize>j << 3);
      store<f64>(q, load<f64>(q) + <f64>ld(xr, j));
    }
  }
  for (let j = 0; j < w; j++) {
    const s = load<f64>(acc + (<usize>j << 3));
    st(out, j0 + j, beta ? <float>(<f64>ld(out, j0 + j) + s) : <float>s);
  }
}

export function sumRows(rows: i32, cols: i32, x: usize, out: usize, beta: i32): void {
  const room = <i32>((scratchBytes - 64) >> 3) & ~3;
  for (let j0 = 0; j0 < cols; j0 += room) sumRowsChunk(rows, cols, j0, min(room, cols - j0), x, out, beta);
}

export function sumSquares(n: i32, x: usize): f64 {
  let a0 = f64x2.splat(0);
  let a1 = a0;
  let i = 0;
  if (sizeof<float>() == 4) {
    for (; i + 4 <= n; i += 4) {
      const v = v128.load(at(x, i));
      const u = lo64(v);
      const w = hi64(v);
      a0 = f64x2.add(a0, f64x2.mul(u, u));
      a1 = f64x2.add(a1, f64x2.mul(w, w));
    }
  } else {
    for (; i + 4 <= n; i += 4) {
      const u = v128.load(at(x, i));
      const w = v128.load(at(x, i + 2));
      a0 = f64x2.add(a0, f64x2.mul(u, u));
      a1 = f64x2.add(a1, f64x2.mul(w, w));
    }
  }
  const a = f64x2.add(a0, a1);
  let s = f64x2.extract_lane(a, 0) + f64x2.extract_lane(a, 1);
  for (; i < n; i++) {
    const v = <f64>ld(x, i);
    s += v * v;
  }
  return s;
}

export function gatherRows(n: i32, cols: i32, table: usize, idx: usize, out: usize): void {
  const bytes = <usize>cols << SHIFT;
  for (let i = 0; i < n; i++) {
    memory.copy(at(out, i * cols), at(table, load<i32>(idx + (<usize>i << 2)) * cols), bytes);
  }
}

export function scatterAddRows(n: i32, cols: i32, g: usize, idx: usize, tableGrad: usize): void {
  for (let i = 0; i < n; i++) {
    const gr = at(g, i * cols);
    const tr = at(tableGrad, load<i32>(idx + (<usize>i << 2)) * cols);
    let j = 0;
    for (; j + L <= cols; j += L) v128.store(at(tr, j), v128.add<float>(v128.load(at(tr, j)), v128.load(at(gr, j))));
    for (; j < cols; j++) st(tr, j, ld(tr, j) + ld(gr, j));
  }
}

export function gatherAdd2(n: i32, cols: i32, tA: usize, ia: usize, tB: usize, ib: usize, bias: usize, out: usize): void {
  for (let i = 0; i < n; i++) {
    const ar = at(tA, load<i32>(ia + (<usize>i << 2)) * cols);
    const br = at(tB, load<i32>(ib + (<usize>i << 2)) * cols);
    const orow = at(out, i * cols);
    let j = 0;
    for (; j + L <= cols; j += L) {
      const s = v128.add<float>(v128.load(at(ar, j)), v128.load(at(br, j)));
      v128.store(at(orow, j), v128.add<float>(s, v128.load(at(bias, j))));
    }
    for (; j < cols; j++) st(orow, j, ld(ar, j) + ld(br, j) + ld(bias, j));
  }
}

/** Two floats at p as float64 lanes. */
// @ts-ignore: decorator
@inline function loadPair(p: usize): v128 {
  return sizeof<float>() == 4 ? f64x2.promote_low_f32x4(v128.load64_zero(p)) : v128.load(p);
}
/** Stores two float64 lanes at p as floats (rounding in the f32 build). */
// @ts-ignore: decorator
@inline function storePair(p: usize, x: v128): void {
  if (sizeof<float>() == 4) v128.store64_lane(p, f32x4.demote_f64x2_zero(x), 0);
  else v128.store(p, x);
}
/** Rounds float64 lanes to float and back (identity in the f64 build). */
// @ts-ignore: decorator
@inline function roundPair(x: v128): v128 {
  return sizeof<float>() == 4 ? f64x2.promote_low_f32x4(f32x4.demote_f64x2_zero(x)) : x;
}

/**
 * a·b + c on float64 lanes. f32 build (float32 values in the lanes): the exact a·b plus c, rounded to odd
 * (TwoSum error → sticky last bit), so that the one rounding to float32 that follows is the fused
 * result (math32.ts fmaf). f64 build: a·b + c rounded twice, as reference.ts does.
 */
// @ts-ignore: decorator
@inline function fmaPair(a: v128, b: v128, c: v128): v128 {
  const p = f64x2.mul(a, b);
  const s = f64x2.add(p, c);
  if (sizeof<float>() == 8) return s;
  const bb = f64x2.sub(s, p);
  const err = f64x2.add(f64x2.sub(p, f64x2.sub(s, bb)), f64x2.sub(c, bb));
  const zero = i64x2.splat(0);
  const fix = v128.and(f64x2.ne(err, f64x2.splat(0)), i64x2.eq(v128.and(s, i64x2.splat(1)), zero));
  const away = i64x2.ge_s(v128.xor(err, s), zero); // err has s's sign: one ulp away from zero
  return i64x2.add(s, v128.and(v128.bitselect(i64x2.splat(1), i64x2.splat(-1), away), fix));
}

/** The float-rounded AdamW constants, splatted: β1, 1−β1, β2, 1−β2, bc1, bc2, eps, −lr, −lr·wd. */
let B1 = f64x2.splat(0), A1 = B1, B2 = B1, A2 = B1, C1 = B1, C2 = B1, EPS = B1, NLR = B1, DEC = B1;

/** AdamW on two elements (float64 lanes), the reference's order of operations and roundings. */
// @ts-ignore: decorator
@inline function adamPair(w: v128, g: v128, m: v128, v: v128, out: usize, wd: bool): v128 {
  const mi = roundPair(fmaPair(g, A1, roundPair(f64x2.mul(m, B1))));
  const vi = roundPair(fmaPair(roundPair(f64x2.mul(A2, g)), g, roundPair(f64x2.mul(v, B2))));
  v128.store(out, mi);
  v128.store(out, vi, 16);
  const den = roundPair(f64x2.add(roundPair(f64x2.sqrt(roundPair(f64x2.div(vi, C2)))), EPS));
  const step = roundPair(f64x2.div(roundPair(f64x2.mul(NLR, roundPair(f64x2.div(mi, C1)))), den));
  const wi = roundPair(f64x2.add(w, step));
  return wd ? roundPair(fmaPair(wi, DEC, wi)) : wi;
}

/** The float32 constants, splatted over f32x4 (f32 build). */
let B1f = f32x4.splat(0), A1f = B1f, B2f = B1f, A2f = B1f, C1f = B1f, C2f = B1f, EPSf = B1f, NLRf = B1f, DECf = B1f;
let mOut = f32x4.splat(0), vOut = mOut;

/**
 * fma over four float32 lanes: two float64 pairs rounded to odd, then one rounding each (fmaPair).
 * Shortcut with the same result: s = a·b + c rounded once to float64 (a·b is exact) and rounded to
 * float32 directly. Round-to-odd moves s only when s is inexact, to its odd neighbour s' (adjacent, so
 * no float64 lies between them). If float32 rounding took s and s' apart, a rounding boundary would lie
 * in [s, s'], hence be s or s'; every boundary (a float32 midpoint, the overflow threshold included)
 * has at most 25 significant bits, so it is an even float64 with its low 28 bits zero: not s', and s
 * only if s's low 28 bits are zero. So the pairs go through fmaPair only when some lane's s has its low
 * 28 bits zero (exact results such as 0 included; rare otherwise).
 */
// @ts-ignore: decorator
@inline function fma4(a: v128, b: v128, c: v128): v128 {
  const sl = f64x2.add(f64x2.mul(lo64(a), lo64(b)), lo64(c));
  const sh = f64x2.add(f64x2.mul(hi64(a), hi64(b)), hi64(c));
  const low = i64x2.splat(0x0fffffff);
  const zero = i64x2.splat(0);
  if (v128.any_true(v128.or(i64x2.eq(v128.and(sl, low), zero), i64x2.eq(v128.and(sh, low), zero)))) {
    return join(fmaPair(lo64(a), lo64(b), lo64(c)), fmaPair(hi64(a), hi64(b), hi64(c)));
  }
  return join(sl, sh);
}

/** AdamW's new moments on four float32 lanes (f32 build), left in mOut and vOut. */
// @ts-ignore: decorator
@inline function moments4(g: v128, m: v128, v: v128): void {
  mOut = fma4(g, A1f, f32x4.mul(m, B1f));
  vOut = fma4(f32x4.mul(A2f, g), g, f32x4.mul(v, B2f));
}

/** AdamW's new weights on four float32 lanes (f32 build), from the new moments mi and vi. */
// @ts-ignore: decorator
@inline function weights4(w: v128, mi: v128, vi: v128, wd: bool): v128 {
  const den = f32x4.add(f32x4.sqrt(f32x4.div(vi, C2f)), EPSf);
  const wi = f32x4.add(w, f32x4.div(f32x4.mul(NLRf, f32x4.div(mi, C1f)), den));
  return wd ? fma4(wi, DECf, wi) : wi;
}

/** Elements per block of adamw32: the moments pass leaves the block's m and v in L1 for the weights pass. */
// @ts-ignore: decorator
@inline const ADAM_BLOCK: i32 = 1024;

/**
 * AdamW in the f32 build: the reference's operations, plain ones as f32x4 ops (IEEE float32, the same
 * as rounding the float64 result) and the fused ones through fma4. Four elements at a time, in blocks:
 * a pass for the moments, then one for the weights. One pass of both had a dependency chain (the
 * moments, a division, a square root, another division, the decay) too long for the out-of-order
 * window to overlap enough iterations; split, each pass's chains overlap. The same operations per
 * element, so the same bits. The tail goes through the same code on splatted lanes.
 */
function adamw32(n: i32, w: usize, g: usize, m: usize, v: usize, lr: f64, beta1: f64, beta2: f64, eps: f64, bc1: f64, bc2: f64, wd: f64): void {
  B1f = f32x4.splat(<f32>beta1);
  A1f = f32x4.splat(<f32>(1 - beta1));
  B2f = f32x4.splat(<f32>beta2);
  A2f = f32x4.splat(<f32>(1 - beta2));
  C1f = f32x4.splat(<f32>bc1);
  C2f = f32x4.splat(<f32>bc2);
  EPSf = f32x4.splat(<f32>eps);
  NLRf = f32x4.splat(<f32>-lr);
  DECf = f32x4.splat(<f32>(-lr * wd));
  const decay = wd != 0;
  const n4 = n & ~3;
  for (let b = 0; b < n4; b += ADAM_BLOCK) {
    const e = min(n4, b + ADAM_BLOCK);
    for (let i = b; i < e; i += 4) {
      moments4(v128.load(at(g, i)), v128.load(at(m, i)), v128.load(at(v, i)));
      v128.store(at(m, i), mOut);
      v128.store(at(v, i), vOut);
    }
    for (let i = b; i < e; i += 4) {
      v128.store(at(w, i), weights4(v128.load(at(w, i)), v128.load(at(m, i)), v128.load(at(v, i)), decay));
    }
  }
  for (let i = n4; i < n; i++) {
    moments4(f32x4.splat(<f32>ld(g, i)), f32x4.splat(<f32>ld(m, i)), f32x4.splat(<f32>ld(v, i)));
    const wi = weights4(f32x4.splat(<f32>ld(w, i)), mOut, vOut, decay);
    st(m, i, <float>f32x4.extract_lane(mOut, 0));
    st(v, i, <float>f32x4.extract_lane(vOut, 0));
    st(w, i, <float>f32x4.extract_lane(wi, 0));
  }
}

/**
 * AdamW, rounding every op to float as the reference does (PyTorch's tensor ops; see reference.ts):
 * f32 four elements at a time (adamw32); f64 two at a time in float64 lanes, the odd tail element
 * through the same pair code.
 */
export function adamw(
  n: i32, w: usize, g: usize, m: usize, v: usize,
  lr: f64, beta1: f64, beta2: f64, eps: f64, bc1: f64, bc2: f64, wd: f64,
): void {
  if (sizeof<float>() == 4) {
    adamw32(n, w, g, m, v, lr, beta1, beta2, eps, bc1, bc2, wd);
    return;
  }
  B1 = f64x2.splat(<f64><float>beta1);
  A1 = f64x2.splat(<f64><float>(1 - beta1));
  B2 = f64x2.splat(<f64><float>beta2);
  A2 = f64x2.splat(<f64><float>(1 - beta2));
  C1 = f64x2.splat(<f64><float>bc1);
  C2 = f64x2.splat(<f64><float>bc2);
  EPS = f64x2.splat(<f64><float>eps);
  NLR = f64x2.splat(<f64><float>-lr);
  DEC = f64x2.splat(<f64><float>(-lr * wd));
  const decay = wd != 0;
  const mv = scratchBase;
  let i = 0;
  for (; i + 2 <= n; i += 2) {
    const wi = adamPair(loadPair(at(w, i)), loadPair(at(g, i)), loadPair(at(m, i)), loadPair(at(v, i)), mv, decay);
    storePair(at(m, i), v128.load(mv));
    storePair(at(v, i), v128.load(mv, 16));
    storePair(at(w, i), wi);
  }
  if (i < n) {
    const wi = adamPair(f64x2.splat(<f64>ld(w, i)), f64x2.splat(<f64>ld(g, i)), f64x2.splat(<f64>ld(m, i)), f64x2.splat(<f64>ld(v, i)), mv, decay);
    st(m, i, <float>f64x2.extract_lane(v128.load(mv), 0));
    st(v, i, <float>f64x2.extract_lane(v128.load(mv, 16), 0));
    st(w, i, <float>f64x2.extract_lane(wi, 0));
  }
}
