// Softmax-family kernels for the wasm backend: cross-entropy and MSE with their gradients, the logit
// statistics, row softmax and LayerNorm, in the reference's exact order of operations (PyTorch's
// log_softmax order, its lane-wise sums; see types.ts): float ops round in `float`; f32 exp is
// math32.ts's expf (so f32 agrees with reference.ts bit for bit, up to float64 log's last ulp before
// rounding), f64 exp is vexp (within an ulp or two). Only the cross-entropy exps are vectorised (in
// chunks through scratch). softmaxRows/layerNorm are scalar loops with float64 exp rounded to float.

import { L, at, hi64, join, ld, lo64, scratchBase, st } from "./common";
import { expf1, vexpf, vexpf4 } from "./math32";
import { kv, vexp, vexp2, vexp4 } from "./vmath";

/** Elements per exp chunk (the buffer sits at scratchBase + 64, GEMM's packing area, unused here). */
// @ts-ignore: decorator
@inline const CHUNK: i32 = 1024;
const EXP_MIN = memory.data<f64>([-700]);

/** exp of two float64 lanes; a pair with a lane below −700 (vexp's range) goes through scalar Math.exp. */
// @ts-ignore: decorator
@inline function exp2(v: v128): v128 {
  if (v128.any_true(f64x2.lt(v, kv(EXP_MIN)))) {
    return f64x2.replace_lane(f64x2.splat(Math.exp(f64x2.extract_lane(v, 0))), 1, Math.exp(f64x2.extract_lane(v, 1)));
  }
  return vexp(v);
}

/** exp2 of two pairs, to out and out + 16: side by side through vexp2 unless a lane is below −700. */
// @ts-ignore: decorator
@inline function pairExps(a: v128, b: v128, out: usize): void {
  if (v128.any_true(v128.or(f64x2.lt(a, kv(EXP_MIN)), f64x2.lt(b, kv(EXP_MIN))))) {
    v128.store(out, exp2(a));
    v128.store(out, exp2(b), 16);
  } else vexp2(a, b, out);
}

/** exp2 of four pairs, to out … out + 48: side by side through vexp4 unless a lane is below −700. */
// @ts-ignore: decorator
@inline function quadExps(a: v128, b: v128, c: v128, d: v128, out: usize): void {
  const lo = kv(EXP_MIN);
  if (v128.any_true(v128.or(v128.or(f64x2.lt(a, lo), f64x2.lt(b, lo)), v128.or(f64x2.lt(c, lo), f64x2.lt(d, lo))))) {
    pairExps(a, b, out);
    pairExps(c, d, out + 32);
  } else vexp4(a, b, c, d, out);
}

/**
 * buf[k] = exp((float(z_k/tau) − m) − ls) for k < n (n ≤ CHUNK), each step rounded to float: f32 with
 * expf (math32.ts) on f32x4, the tail through a padded vector (buf has room for it); f64 with vexp.
 * tau is a float value; ls = 0 leaves x − m as it is.
 */
function expChunk(z: usize, n: i32, tau: f64, m: float, ls: float, buf: usize): void {
  let k = 0;
  if (sizeof<float>() == 4) {
    const mv = f32x4.splat(<f32>m);
    const lv = f32x4.splat(<f32>ls);
    const tv = f64x2.splat(tau);
    if (tau == 1) {
      for (; k + 4 <= n; k += 4) v128.store(at(buf, k), vexpf(f32x4.sub(f32x4.sub(v128.load(at(z, k)), mv), lv)));
    } else {
      for (; k + 4 <= n; k += 4) {
        const zv = v128.load(at(z, k));
        const xv = join(f64x2.div(lo64(zv), tv), f64x2.div(hi64(zv), tv));
        v128.store(at(buf, k), vexpf(f32x4.sub(f32x4.sub(xv, mv), lv)));
      }
    }
    if (k < n) {
      const t = at(buf, k);
      v128.store(t, i32x4.splat(0));
      for (let j = k; j < n; j++) st(buf, j, scaled(z, j, tau));
      v128.store(t, vexpf(f32x4.sub(f32x4.sub(v128.load(t), mv), lv)));
    }
    return;
  }
  const tv = f64x2.splat(tau);
  const mv = f64x2.splat(<f64>m);
  const lv = f64x2.splat(<f64>ls);
  // two pairs at a time, their exps side by side (pairExps)
  for (; k + 4 <= n; k += 4) {
    const a = f64x2.sub(f64x2.sub(f64x2.div(v128.load(at(z, k)), tv), mv), lv);
    const b = f64x2.sub(f64x2.sub(f64x2.div(v128.load(at(z, k + 2)), tv), mv), lv);
    pairExps(a, b, at(buf, k));
  }
  for (; k + 2 <= n; k += 2) v128.store(at(buf, k), exp2(f64x2.sub(f64x2.sub(f64x2.div(v128.load(at(z, k)), tv), mv), lv)));
  for (; k < n; k++) st(buf, k, <float>Math.exp(<f64>(scaled(z, k, tau) - m - ls)));
}

/** exp in the working precision for one value: expf (f32) or Math.exp (f64). */
// @ts-ignore: decorator
@inline function expS(x: float): float {
  if (sizeof<float>() == 4) return <float>expf1(<f32>x);
  return <float>Math.exp(<f64>x);
}

/** z_k/tau rounded to float (tau a float value: the division is float division). */
// @ts-ignore: decorator
@inline function scaled(zr: usize, k: i32, tau: f64): float {
  return <float>(<f64>ld(zr, k) / tau);
}

/** max_k z_k/tau and its first index, packed: returns the max, argmax via the global. */
let argmaxOut: i32 = 0;
function rowMax(cols: i32, zr: usize, tau: f64): float {
  if (sizeof<float>() == 4 && tau == 1 && cols >= 8) return rowMaxUnit32(cols, zr);
  if (sizeof<float>() == 8 && tau == 1 && cols >= 4) return rowMaxUnit64(cols, zr);
  let m = <float>-Infinity;
  let arg = 0;
  for (let k = 0; k < cols; k++) {
    const x = scaled(zr, k, tau);
    if (x > m) {
      m = x;
      arg = k;
    }
  }
  argmaxOut = arg;
  return m;
}

/**
 * rowMax for f32 and tau = 1, vectorised with the same result: the largest value M (pmax skips NaN,
 * as `x > m` does), then its first index; m is the value found there (so ±0 comes out as the scalar
 * loop would have it), and a row without any value above −∞ gives (−∞, 0).
 */
function rowMaxUnit32(cols: i32, zr: usize): float {
  let mv = f32x4.splat(-Infinity);
  let k = 0;
  for (; k + 4 <= cols; k += 4) mv = f32x4.pmax(mv, v128.load(zr + (<usize>k << 2)));
  let M = <f32>-Infinity;
  for (let j = 0; j < 4; j++) {
    const x = f32x4.extract_lane(mv, 0);
    if (x > M) M = x;
    mv = i32x4.shuffle(mv, mv, 1, 2, 3, 0);
  }
  for (; k < cols; k++) {
    const x = load<f32>(zr + (<usize>k << 2));
    if (x > M) M = x;
  }
  argmaxOut = 0;
  if (!(M > <f32>-Infinity)) return <float>-Infinity;
  let a = 0;
  while (load<f32>(zr + (<usize>a << 2)) != M) a++;
  argmaxOut = a;
  return <float>load<f32>(zr + (<usize>a << 2));
}

/** rowMaxUnit32's method for f64 and tau = 1 (z/1 = z, and a NaN never wins either way). */
function rowMaxUnit64(cols: i32, zr: usize): float {
  let mv = f64x2.splat(-Infinity);
  let k = 0;
  for (; k + 2 <= cols; k += 2) mv = f64x2.pmax(mv, v128.load(zr + (<usize>k << 3)));
  let M = f64x2.extract_lane(mv, 0);
  const x1 = f64x2.extract_lane(mv, 1);
  if (x1 > M) M = x1;
  for (; k < cols; k++) {
    const x = load<f64>(zr + (<usize>k << 3));
    if (x > M) M = x;
  }
  argmaxOut = 0;
  if (!(M > -Infinity)) return <float>-Infinity;
  let a = 0;
  while (load<f64>(zr + (<usize>a << 3)) != M) a++;
  argmaxOut = a;
  return <float>load<f64>(zr + (<usize>a << 3));
}

/** Lanes of PyTorch's vectorised CPU sum (AVX-512): 16 float32 or 8 float64, four v128 either way. */
// @ts-ignore: decorator
@inline const LANES: i32 = sizeof<float>() == 4 ? 16 : 8;
/** The lane accumulators, after the exp chunk buffer in scratch. */
// @ts-ignore: decorator
@inline function accBase(): usize {
  return scratchBase + 64 + (<usize>(CHUNK + 8) << 3);
}

/**
 * s = Σ_k exp(x_k − m) in torch's lane order (reference.ts laneSum): below LANES terms left to right,
 * otherwise lane j sums terms j, j + LANES, …, and the lanes fold in halves.
 */
function rowSum(cols: i32, zr: usize, tau: f64, m: float): float {
  const buf = scratchBase + 64;
  if (cols < LANES) {
    expChunk(zr, cols, tau, m, 0, buf);
    let s = ld(buf, 0);
    for (let k = 1; k < cols; k++) s += ld(buf, k);
    return s;
  }
  const acc = accBase();
  for (let q = 0; q < 4; q++) v128.store(acc + (<usize>q << 4), i32x4.splat(0));
  for (let k0 = 0; k0 < cols; k0 += CHUNK) {
    const n = min(CHUNK, cols - k0);
    expChunk(at(zr, k0), n, tau, m, 0, buf);
    let k = 0;
    for (; k + LANES <= n; k += LANES) {
      for (let q = 0; q < 4; q++) {
        const a = acc + (<usize>q << 4);
        v128.store(a, v128.add<float>(v128.load(a), v128.load(at(buf, k) + (<usize>q << 4))));
      }
    }
    for (; k < n; k++) st(acc, k % LANES, ld(acc, k % LANES) + ld(buf, k));
  }
  for (let w = LANES >> 1; w >= 1; w >>= 1) for (let j = 0; j < w; j++) st(acc, j, ld(acc, j) + ld(acc, j + w));
  return ld(acc, 0);
}

/**
 * a·b + c rounded once to float32 for float32 a, b, c (the exact product plus c rounded to odd, then to
 * float32: math32.ts fmaf); in the f64 build a·b + c rounded twice, as reference.ts.
 */
function fmaS(a: f64, b: f64, c: f64): float {
  const p = a * b;
  let s = p + c;
  if (sizeof<float>() == 8) return <float>s;
  const bb = s - p;
  const err = (p - (s - bb)) + (c - bb);
  let bits = reinterpret<i64>(s);
  if (err != 0 && (bits & 1) == 0) bits += (reinterpret<i64>(err) ^ bits) >= 0 ? 1 : -1;
  return <float>reinterpret<f64>(bits);
}

/**
 * dz_k = float(p_k·c), dz_y = fma(p_y, c, −c), p_k = exp((x_k − m) − ls), then dz/tau when
 * tau ≠ 1, for one row (c a float value).
 */
function gradRow(cols: i32, zr: usize, y: i32, tau: f64, m: float, ls: float, c: f64, dr: usize): void {
  const buf = scratchBase + 64;
  const cv = f64x2.splat(c);
  for (let k0 = 0; k0 < cols; k0 += CHUNK) {
    const n = min(CHUNK, cols - k0);
    expChunk(at(zr, k0), n, tau, m, ls, buf);
    const d = at(dr, k0);
    let k = 0;
    for (; k + L <= n; k += L) {
      const p = v128.load(at(buf, k));
      v128.store(at(d, k), sizeof<float>() == 4 ? join(f64x2.mul(lo64(p), cv), f64x2.mul(hi64(p), cv)) : f64x2.mul(p, cv));
    }
    for (; k < n; k++) st(d, k, <float>(<f64>ld(buf, k) * c));
    if (y >= k0 && y < k0 + n) st(d, y - k0, fmaS(<f64>ld(buf, y - k0), c, -c));
  }
  if (tau != 1) for (let k = 0; k < cols; k++) st(dr, k, <float>(<f64>ld(dr, k) / tau));
}

/** Lanes j < n of an i32x4 set: the valid lanes of a row's partial last vector. */
// @ts-ignore: decorator
@inline function lanesBelow(n: i32): v128 {
  return i32x4.lt_s(i32x4(0, 1, 2, 3), i32x4.splat(n));
}

/**
 * One row of softmaxCrossEntropy in the f32 build for LANES ≤ cols ≤ CHUNK, in registers: the same
 * operations on the same values as rowMax, rowSum and gradRow (so the same bits), without their passes
 * through scratch. x = float(z/τ) is formed once into scratch (padded with −∞ to whole vectors); the
 * lane sums live in four f32x4 (vector v feeds lanes 4v mod 16, as laneSum's k mod 16); the last,
 * partial vector adds zeros in its missing lanes, which leaves a lane's sum as it was. Writes dz's row
 * when dr ≠ 0; returns the row's (x_y − m) − ls.
 */
function ceRow32(cols: i32, zr: usize, y: i32, tau: f64, c: f64, dr: usize): f64 {
  const xb = scratchBase + 64;
  const n4 = cols & ~3;
  const rem = cols - n4;
  const tv = f64x2.splat(tau);
  let k = 0;
  if (tau == 1) {
    for (; k < n4; k += 4) v128.store(xb + (<usize>k << 2), v128.load(zr + (<usize>k << 2)));
  } else {
    for (; k < n4; k += 4) {
      const zv = v128.load(zr + (<usize>k << 2));
      v128.store(xb + (<usize>k << 2), join(f64x2.div(lo64(zv), tv), f64x2.div(hi64(zv), tv)));
    }
  }
  if (rem) {
    v128.store(xb + (<usize>n4 << 2), f32x4.splat(-Infinity));
    for (let j = n4; j < cols; j++) store<f32>(xb + (<usize>j << 2), <f32>scaled(zr, j, tau));
  }
  const nv = (cols + 3) >> 2;
  // m: the first largest x (as rowMaxUnit32: pmax skips NaN as `x > m` does; the value found there)
  let mx = f32x4.splat(-Infinity);
  for (let v = 0; v < nv; v++) mx = f32x4.pmax(mx, v128.load(xb + (<usize>v << 4)));
  let M = <f32>-Infinity;
  for (let j = 0; j < 4; j++) {
    const x = f32x4.extract_lane(mx, 0);
    if (x > M) M = x;
    mx = i32x4.shuffle(mx, mx, 1, 2, 3, 0);
  }
  let m = M;
  if (M > <f32>-Infinity) {
    const Mv = f32x4.splat(M);
    for (let v = 0; v < nv; v++) {
      const hit = i32x4.bitmask(f32x4.eq(v128.load(xb + (<usize>v << 4)), Mv));
      if (hit) {
        m = load<f32>(xb + (<usize>(v * 4 + ctz(hit)) << 2));
        break;
      }
    }
  }
  const mv = f32x4.splat(m);
  // s = Σ exp(x − m) in torch's lane order
  const zero = f32x4.splat(0);
  let a0 = zero, a1 = zero, a2 = zero, a3 = zero;
  const nf = cols >> 2;
  let v = 0;
  const eb = xb + (<usize>CHUNK << 3); // exps of four vectors, past the row and its gradient's exps
  // groups of four vectors while two or more are left, as in the gradient pass below: the last group
  // may run past the row (at most two vectors, in pb's area), whose exps are computed and not added
  for (; v + 1 < nv; v += 4) {
    const p = xb + (<usize>v << 4);
    vexpf4(f32x4.sub(v128.load(p), mv), f32x4.sub(v128.load(p, 16), mv), f32x4.sub(v128.load(p, 32), mv), f32x4.sub(v128.load(p, 48), mv), eb);
    if (rem && nf < v + 4) { // the partial vector's lanes
      const q = eb + (<usize>(nf - v) << 4);
      v128.store(q, v128.and(v128.load(q), lanesBelow(rem)));
    }
    a0 = f32x4.add(a0, v128.load(eb));
    a1 = f32x4.add(a1, v128.load(eb, 16));
    if (v + 2 < nv) a2 = f32x4.add(a2, v128.load(eb, 32));
    if (v + 3 < nv) a3 = f32x4.add(a3, v128.load(eb, 48));
  }
  if (v < nv) {
    // a last single vector alone (the partial one, if any)
    let e = vexpf(f32x4.sub(v128.load(xb + (<usize>v << 4)), mv));
    if (rem) e = v128.and(e, lanesBelow(rem));
    a0 = f32x4.add(a0, e);
  }
  a0 = f32x4.add(f32x4.add(a0, a2), f32x4.add(a1, a3)); // lanes j < 8 += j + 8, then j < 4 += j + 4
  a0 = f32x4.add(a0, i32x4.shuffle(a0, a0, 2, 3, 2, 3));
  const s = f32x4.extract_lane(a0, 0) + f32x4.extract_lane(a0, 1);
  const ls = <f32>Math.log(<f64>s);
  const xmY = load<f32>(xb + (<usize>y << 2)) - m;
  if (dr) {
    // p_k = exp((x_k − m) − ls) into the padded row buffer's second half, then dz = float(p·c) (/τ)
    const lv = f32x4.splat(ls);
    const pb = xb + (<usize>nv << 4);
    let v = 0;
    // groups of four vectors while two or more are left: the last group may run past the row, reading
    // and writing at most 2·nv + 2 ≤ CHUNK/2 + 2 vectors from xb, so at most into eb, which the sum
    // pass is done with; a last single vector alone
    for (; v + 1 < nv; v += 4) {
      const q = xb + (<usize>v << 4);
      vexpf4(f32x4.sub(f32x4.sub(v128.load(q), mv), lv), f32x4.sub(f32x4.sub(v128.load(q, 16), mv), lv),
        f32x4.sub(f32x4.sub(v128.load(q, 32), mv), lv), f32x4.sub(f32x4.sub(v128.load(q, 48), mv), lv), pb + (<usize>v << 4));
    }
    if (v < nv) v128.store(pb + (<usize>v << 4), vexpf(f32x4.sub(f32x4.sub(v128.load(xb + (<usize>v << 4)), mv), lv)));
    const cv = f64x2.splat(c);
    if (tau == 1) {
      for (let v = 0; v < nf; v++) {
        const pr = v128.load(pb + (<usize>v << 4));
        v128.store(dr + (<usize>v << 4), join(f64x2.mul(lo64(pr), cv), f64x2.mul(hi64(pr), cv)));
      }
    } else {
      for (let v = 0; v < nf; v++) {
        const pr = v128.load(pb + (<usize>v << 4));
        const lo = f64x2.promote_low_f32x4(f32x4.demote_f64x2_zero(f64x2.mul(lo64(pr), cv)));
        const hi = f64x2.promote_low_f32x4(f32x4.demote_f64x2_zero(f64x2.mul(hi64(pr), cv)));
        v128.store(dr + (<usize>v << 4), join(f64x2.div(lo, tv), f64x2.div(hi, tv)));
      }
    }
    for (let j = n4; j < cols; j++) {
      const d = <f32>(<f64>load<f32>(pb + (<usize>j << 2)) * c);
      store<f32>(dr + (<usize>j << 2), tau == 1 ? d : <f32>(<f64>d / tau));
    }
    const dy = fmaS(<f64>expf1(xmY - ls), c, -c);
    store<f32>(dr + (<usize>y << 2), tau == 1 ? <f32>dy : <f32>(<f64>dy / tau));
  }
  return <f64>(xmY - ls);
}

/**
 * ceRow32's f64 twin for LANES ≤ cols ≤ CHUNK: the same operations as rowMax, rowSum and gradRow in
 * the f64 build (pairs through exp2, an odd last element through Math.exp as expChunk does; vector v
 * feeds lanes 2v mod 8), so the same bits, with x = z/τ formed once.
 */
function ceRow64(cols: i32, zr: usize, y: i32, tau: f64, c: f64, dr: usize): f64 {
  const xb = scratchBase + 64;
  const n2 = cols & ~1;
  const odd = cols & 1;
  const tv = f64x2.splat(tau);
  for (let k = 0; k < n2; k += 2) {
    const o = <usize>k << 3;
    v128.store(xb + o, f64x2.div(v128.load(zr + o), tv));
  }
  if (odd) {
    store<f64>(xb + (<usize>n2 << 3), load<f64>(zr + (<usize>n2 << 3)) / tau);
    store<f64>(xb + (<usize>n2 << 3), -Infinity, 8);
  }
  const nv = (cols + 1) >> 1;
  let mx = f64x2.splat(-Infinity);
  for (let v = 0; v < nv; v++) mx = f64x2.pmax(mx, v128.load(xb + (<usize>v << 4)));
  let M = f64x2.extract_lane(mx, 0);
  const M1 = f64x2.extract_lane(mx, 1);
  if (M1 > M) M = M1;
  let m = M;
  if (M > -Infinity) {
    const Mv = f64x2.splat(M);
    for (let v = 0; v < nv; v++) {
      const hit = i64x2.bitmask(f64x2.eq(v128.load(xb + (<usize>v << 4)), Mv));
      if (hit) {
        m = load<f64>(xb + (<usize>(v * 2 + ctz(hit)) << 3));
        break;
      }
    }
  }
  const mv = f64x2.splat(m);
  const zero = f64x2.splat(0);
  let a0 = zero, a1 = zero, a2 = zero, a3 = zero;
  const nf = cols >> 1;
  let v = 0;
  const eb = xb + (<usize>CHUNK << 4); // exps of four pairs, past the row and its gradient's exps
  for (; v + 4 <= nf; v += 4) {
    const p = xb + (<usize>v << 4);
    quadExps(f64x2.sub(v128.load(p), mv), f64x2.sub(v128.load(p, 16), mv), f64x2.sub(v128.load(p, 32), mv), f64x2.sub(v128.load(p, 48), mv), eb);
    a0 = f64x2.add(a0, v128.load(eb));
    a1 = f64x2.add(a1, v128.load(eb, 16));
    a2 = f64x2.add(a2, v128.load(eb, 32));
    a3 = f64x2.add(a3, v128.load(eb, 48));
  }
  for (; v < nv; v++) {
    let e: v128;
    if (v == nf) e = f64x2.replace_lane(zero, 0, Math.exp(load<f64>(xb + (<usize>n2 << 3)) - m)); // the odd last element
    else e = exp2(f64x2.sub(v128.load(xb + (<usize>v << 4)), mv));
    const q = v & 3;
    if (q == 0) a0 = f64x2.add(a0, e);
    else if (q == 1) a1 = f64x2.add(a1, e);
    else if (q == 2) a2 = f64x2.add(a2, e);
    else a3 = f64x2.add(a3, e);
  }
  a0 = f64x2.add(f64x2.add(a0, a2), f64x2.add(a1, a3)); // lanes j < 4 += j + 4, then j < 2 += j + 2
  const s = f64x2.extract_lane(a0, 0) + f64x2.extract_lane(a0, 1);
  const ls = Math.log(s);
  const xmY = load<f64>(xb + (<usize>y << 3)) - m;
  if (dr) {
    const lv = f64x2.splat(ls);
    const cv = f64x2.splat(c);
    const pb = xb + (<usize>CHUNK << 3);
    let v = 0;
    for (; v + 4 <= nf; v += 4) {
      const o = <usize>v << 4;
      const q = xb + o;
      quadExps(f64x2.sub(f64x2.sub(v128.load(q), mv), lv), f64x2.sub(f64x2.sub(v128.load(q, 16), mv), lv),
        f64x2.sub(f64x2.sub(v128.load(q, 32), mv), lv), f64x2.sub(f64x2.sub(v128.load(q, 48), mv), lv), pb + o);
    }
    for (; v + 2 <= nf; v += 2) {
      const o = <usize>v << 4;
      pairExps(f64x2.sub(f64x2.sub(v128.load(xb + o), mv), lv), f64x2.sub(f64x2.sub(v128.load(xb + o + 16), mv), lv), pb + o);
    }
    if (v < nf) v128.store(pb + (<usize>v << 4), exp2(f64x2.sub(f64x2.sub(v128.load(xb + (<usize>v << 4)), mv), lv)));
    for (let v = 0; v < nf; v++) {
      const o = <usize>v << 4;
      const d = f64x2.mul(v128.load(pb + o), cv);
      v128.store(dr + o, tau == 1 ? d : f64x2.div(d, tv));
    }
    if (odd) {
      const d = Math.exp(load<f64>(xb + (<usize>n2 << 3)) - m - ls) * c;
      store<f64>(dr + (<usize>n2 << 3), tau == 1 ? d : d / tau);
    }
    let py: f64;
    if (y < n2) {
      // from y's pair, as gradRow has it: exp2 takes a pair to Math.exp when either lane is out of range
      const pr = exp2(f64x2.sub(f64x2.sub(v128.load(xb + (<usize>(y >> 1) << 4)), mv), lv));
      py = y & 1 ? f64x2.extract_lane(pr, 1) : f64x2.extract_lane(pr, 0);
    } else py = Math.exp(xmY - ls);
    const dy = <f64>fmaS(py, c, -c);
    store<f64>(dr + (<usize>y << 3), tau == 1 ? dy : dy / tau);
  }
  return xmY - ls;
}

/** Whether softmaxCrossEntropy takes the one-pass rows (ceRow32/ceRow64) where they apply. */
let onePass = true;

/** Switches the one-pass rows off (0) or on: a test checks them against the chunked passes bit for bit. */
export function setCeOnePass(on: i32): void {
  onePass = on != 0;
}

export function softmaxCrossEntropy(
  rows: i32, cols: i32, z: usize, labels: usize, tau: f64, dz: usize, gradScale: f64,
): f64 {
  const t = <f64><float>tau;
  const c = <f64><float>(gradScale / <f64>rows);
  let total: f64 = 0;
  for (let i = 0; i < rows; i++) {
    const zr = z + ((<usize>(i * cols)) * sizeof<float>());
    const y = load<i32>(labels + (<usize>i << 2));
    if (onePass && cols >= LANES && cols <= CHUNK) {
      const dr = dz ? dz + ((<usize>(i * cols)) * sizeof<float>()) : 0;
      total -= sizeof<float>() == 4 ? ceRow32(cols, zr, y, t, c, dr) : ceRow64(cols, zr, y, t, c, dr);
      continue;
    }
    const m = rowMax(cols, zr, t);
    const ls = <float>Math.log(<f64>rowSum(cols, zr, t, m));
    total -= <f64>(scaled(zr, y, t) - m - ls);
    if (dz) gradRow(cols, zr, y, t, m, ls, c, dz + ((<usize>(i * cols)) * sizeof<float>()));
  }
  return total / <f64>rows;
}

/** Σ_k (z_k/tau − onehot_k)² for one row, accumulated in float; dz_k = float(c·2d_k), then /tau. */
function mseRow(cols: i32, zr: usize, y: i32, tau: f64, dr: usize, c: f64): float {
  let s: float = 0;
  for (let k = 0; k < cols; k++) {
    const x = scaled(zr, k, tau);
    const d: float = k == y ? x - 1 : x;
    s += d * d;
    if (!dr) continue;
    const g = <float>(c * <f64>(d * 2));
    st(dr, k, tau == 1 ? g : <float>(<f64>g / tau));
  }
  return s;
}

export function mse(rows: i32, cols: i32, z: usize, labels: usize, tau: f64, dz: usize, gradScale: f64): f64 {
  const t = <f64><float>tau;
  const c = <f64><float>(gradScale / <f64>rows);
  let total: f64 = 0;
  for (let i = 0; i < rows; i++) {
    const off = (<usize>(i * cols)) * sizeof<float>();
    total += <f64>mseRow(cols, z + off, load<i32>(labels + (<usize>i << 2)), t, dz ? dz + off : 0, c);
  }
  return total / <f64>rows;
}

/**
 * Writes [correct, l2sum, saturated, collapsed, lossSum] as float64 at the scratch base; loss 0 = CE,
 * 1 = MSE. Probabilities as torch.softmax: exp(x_k − m)·float(1/s).
 */
export function logitStats(rows: i32, cols: i32, z: usize, labels: usize, tau: f64, loss: i32): void {
  const t = <f64><float>tau;
  let correct = 0, saturated = 0, collapsed = 0;
  let l2sum: f64 = 0, lossSum: f64 = 0;
  for (let i = 0; i < rows; i++) {
    const zr = z + ((<usize>(i * cols)) * sizeof<float>());
    const y = load<i32>(labels + (<usize>i << 2));
    let sq: f64 = 0;
    for (let k = 0; k < cols; k++) {
      const x = <f64>ld(zr, k) / tau;
      sq += x * x;
    }
    l2sum += Math.sqrt(sq);
    const m = rowMax(cols, zr, t);
    const arg = argmaxOut;
    const s = rowSum(cols, zr, t, m);
    const inv = <f64><float>(1 / <f64>s);
    if (arg == y) correct++;
    if (<float>(<f64>expS(scaled(zr, arg, t) - m) * inv) > <float>0.999) saturated++;
    if (<float>(<f64>expS(scaled(zr, y, t) - m) * inv) >= 1) collapsed++;
    if (loss == 0) lossSum -= <f64>(scaled(zr, y, t) - m - <float>Math.log(<f64>s));
    else lossSum += <f64>mseRow(cols, zr, y, t, 0, 0);
  }
  const out = scratchBase;
  store<f64>(out, <f64>correct);
  store<f64>(out, l2sum, 8);
  store<f64>(out, <f64>saturated, 16);
  store<f64>(out, <f64>collapsed, 24);
  store<f64>(out, lossSum, 32);
}

export function softmaxRows(rows: i32, cols: i32, x: usize, y: usize): void {
  for (let i = 0; i < rows; i++) {
    const off = (<usize>(i * cols)) * sizeof<float>();
    const xr = x + off;
    const yr = y + off;
    let m = <float>-Infinity;
    for (let k = 0; k < cols; k++) m = max(m, ld(xr, k));
    let s: float = 0;
    for (let k = 0; k < cols; k++) {
      const e = <float>Math.exp(<f64>(ld(xr, k) - m));
      st(yr, k, e);
      s += e;
    }
    for (let k = 0; k < cols; k++) st(yr, k, ld(yr, k) / s);
  }
}

export function softmaxRowsBackward(rows: i32, cols: i32, y: usize, gy: usize, gx: usize, beta: i32): void {
  for (let i = 0; i < rows; i++) {
    const off = (<usize>(i * cols)) * sizeof<float>();
    let dot: f64 = 0;
    for (let k = 0; k < cols; k++) dot += <f64>ld(gy + off, k) * <f64>ld(y + off, k);
    const d = <float>dot;
    for (let k = 0; k < cols; k++) {
      const v: float = ld(y + off, k) * (ld(gy + off, k) - d);
      st(gx + off, k, beta ? ld(gx + off, k) + v : v);
    }
  }
}

export function layerNorm(rows: i32, cols: i32, x: usize, y: usize, mean: usize, rstd: usize, eps: f64): void {
  for (let i = 0; i < rows; i++) {
    const off = (<usize>(i * cols)) * sizeof<float>();
    const xr = x + off;
    let s: f64 = 0;
    for (let k = 0; k < cols; k++) s += <f64>ld(xr, k);
    const mu = s / <f64>cols;
    let v: f64 = 0;
    for (let k = 0; k < cols; k++) {
      const d = <f64>ld(xr, k) - mu;
      v += d * d;
    }
    const rs = 1 / Math.sqrt(v / <f64>cols + eps);
    for (let k = 0; k < cols; k++) st(y + off, k, <float>((<f64>ld(xr, k) - mu) * rs));
    st(mean, i, <float>mu);
    st(rstd, i, <float>rs);
  }
}

export function layerNormBackward(rows: i32, cols: i32, y: usize, rstd: usize, gy: usize, gx: usize, beta: i32): void {
  for (let i = 0; i < rows; i++) {
    const off = (<usize>(i * cols)) * sizeof<float>();
    let sg: f64 = 0, sgy: f64 = 0;
    for (let k = 0; k < cols; k++) {
      const g = <f64>ld(gy + off, k);
      sg += g;
      sgy += g * <f64>ld(y + off, k);
    }
    const mg = sg / <f64>cols;
    const mgy = sgy / <f64>cols;
    const rs = <f64>ld(rstd, i);
    for (let k = 0; k < cols; k++) {
      const v = rs * (<f64>ld(gy + off, k) - mg - <f64>ld(y + off, k) * mgy);
      st(gx + off, k, beta ? <float>(<f64>ld(gx + off, k) + v) : <float>v);
    }
  }
}
