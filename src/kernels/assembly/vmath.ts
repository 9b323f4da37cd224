// Vector float64 exp for the wasm kernels: exp on f64x2 lanes, accurate to about 1-2 ulp, for
// arguments in [-700, 700] only (callers guard the range; no overflow, underflow or NaN handling).
// Cody-Waite reduction by ln 2 and a degree-13 Taylor polynomial; no branches. Vector constants are
// loaded from a static table (v128.load64_splat): V8 rebuilds each v128.const with several instructions.

/** Splat of the float64 at address p (a static table entry). */
// @ts-ignore: decorator
@inline export function kv(p: usize): v128 {
  return v128.load64_splat(p);
}

/** [1/ln2, ln2 high (32 significant bits), ln2 low, 1/13!, 1/12!, …, 1/2!, 1, 1]. */
const EXP = memory.data<f64>([
  1.4426950408889634, 6.93147180369123816490e-1, 1.90821492927058770002e-10,
  1.6059043836821613e-10, 2.08767569878681e-9, 2.505210838544172e-8, 2.755731922398589e-7,
  2.7557319223985893e-6, 2.48015873015873e-5, 1.984126984126984e-4, 1.388888888888889e-3,
  8.333333333333333e-3, 4.1666666666666664e-2, 1.6666666666666666e-1, 0.5, 1, 1,
]);

/** e^r · 2^k for |r| ≲ 0.35 and integral k (as f64x2). */
// @ts-ignore: decorator
@inline function expReduced(r: v128, k: v128): v128 {
  // Σ_{n≤13} r^n/n! by Horner
  let p = kv(EXP + 24);
  p = f64x2.add(kv(EXP + 32), f64x2.mul(r, p));
  p = f64x2.add(kv(EXP + 40), f64x2.mul(r, p));
  p = f64x2.add(kv(EXP + 48), f64x2.mul(r, p));
  p = f64x2.add(kv(EXP + 56), f64x2.mul(r, p));
  p = f64x2.add(kv(EXP + 64), f64x2.mul(r, p));
  p = f64x2.add(kv(EXP + 72), f64x2.mul(r, p));
  p = f64x2.add(kv(EXP + 80), f64x2.mul(r, p));
  p = f64x2.add(kv(EXP + 88), f64x2.mul(r, p));
  p = f64x2.add(kv(EXP + 96), f64x2.mul(r, p));
  p = f64x2.add(kv(EXP + 104), f64x2.mul(r, p));
  p = f64x2.add(kv(EXP + 112), f64x2.mul(r, p));
  p = f64x2.add(kv(EXP + 120), f64x2.mul(r, p));
  p = f64x2.add(kv(EXP + 128), f64x2.mul(r, p));
  // × 2^k by adding k to the exponent field
  const ki = i64x2.extend_low_i32x4_s(i32x4.trunc_sat_f64x2_s_zero(k));
  return i64x2.add(p, i64x2.shl(ki, 52));
}

/** exp(x) lane-wise for x in [-700, 700]. */
// @ts-ignore: decorator
@inline export function vexp(x: v128): v128 {
  const k = f64x2.nearest(f64x2.mul(x, kv(EXP)));
  const r = f64x2.sub(f64x2.sub(x, f64x2.mul(k, kv(EXP + 8))), f64x2.mul(k, kv(EXP + 16)));
  return expReduced(r, k);
}

/**
 * exp(hi + lo) lane-wise, hi + lo in [-700, 700], for an exact hi whose bits end at or above 2^-50
 * (so hi − k·ln2_hi is exact) and a small lo: one exp where a product of two would be needed.
 */
// @ts-ignore: decorator
@inline export function vexpHiLo(hi: v128, lo: v128): v128 {
  const k = f64x2.nearest(f64x2.mul(f64x2.add(hi, lo), kv(EXP)));
  const r = f64x2.sub(f64x2.add(f64x2.sub(hi, f64x2.mul(k, kv(EXP + 8))), lo), f64x2.mul(k, kv(EXP + 16)));
  return expReduced(r, k);
}

/** vexp of two pairs side by side (a to out, b to out + 16): the same operations per lane as vexp. */
// @ts-ignore: decorator
@inline export function vexp2(a: v128, b: v128, out: usize): void {
  const ka = f64x2.nearest(f64x2.mul(a, kv(EXP)));
  const kb = f64x2.nearest(f64x2.mul(b, kv(EXP)));
  const ra = f64x2.sub(f64x2.sub(a, f64x2.mul(ka, kv(EXP + 8))), f64x2.mul(ka, kv(EXP + 16)));
  const rb = f64x2.sub(f64x2.sub(b, f64x2.mul(kb, kv(EXP + 8))), f64x2.mul(kb, kv(EXP + 16)));
  let pa = kv(EXP + 24), pb = pa;
  for (let i: usize = 32; i <= 128; i += 8) {
    const c = kv(EXP + i);
    pa = f64x2.add(c, f64x2.mul(ra, pa));
    pb = f64x2.add(c, f64x2.mul(rb, pb));
  }
  v128.store(out, i64x2.add(pa, i64x2.shl(i64x2.extend_low_i32x4_s(i32x4.trunc_sat_f64x2_s_zero(ka)), 52)));
  v128.store(out, i64x2.add(pb, i64x2.shl(i64x2.extend_low_i32x4_s(i32x4.trunc_sat_f64x2_s_zero(kb)), 52)), 16);
}

/**
 * vexp of four pairs side by side (to out, out + 16, + 32, + 48): the same operations per lane as
 * vexp. Four Horner chains in step hide more of each multiply-add's latency than two (the f64 GELU').
 */
// @ts-ignore: decorator
@inline export function vexp4(a: v128, b: v128, c: v128, d: v128, out: usize): void {
  const l2e = kv(EXP), h = kv(EXP + 8), l = kv(EXP + 16);
  const ka = f64x2.nearest(f64x2.mul(a, l2e)), kb = f64x2.nearest(f64x2.mul(b, l2e));
  const kc = f64x2.nearest(f64x2.mul(c, l2e)), kd = f64x2.nearest(f64x2.mul(d, l2e));
  const ra = f64x2.sub(f64x2.sub(a, f64x2.mul(ka, h)), f64x2.mul(ka, l));
  const rb = f64x2.sub(f64x2.sub(b, f64x2.mul(kb, h)), f64x2.mul(kb, l));
  const rc = f64x2.sub(f64x2.sub(c, f64x2.mul(kc, h)), f64x2.mul(kc, l));
  const rd = f64x2.sub(f64x2.sub(d, f64x2.mul(kd, h)), f64x2.mul(kd, l));
  let pa = kv(EXP + 24), pb = pa, pc = pa, pd = pa;
  for (let i: usize = 32; i <= 128; i += 8) {
    const q = kv(EXP + i);
    pa = f64x2.add(q, f64x2.mul(ra, pa));
    pb = f64x2.add(q, f64x2.mul(rb, pb));
    pc = f64x2.add(q, f64x2.mul(rc, pc));
    pd = f64x2.add(q, f64x2.mul(rd, pd));
  }
  v128.store(out, i64x2.add(pa, i64x2.shl(i64x2.extend_low_i32x4_s(i32x4.trunc_sat_f64x2_s_zero(ka)), 52)));
  v128.store(out, i64x2.add(pb, i64x2.shl(i64x2.extend_low_i32x4_s(i32x4.trunc_sat_f64x2_s_zero(kb)), 52)), 16);
  v128.store(out, i64x2.add(pc, i64x2.shl(i64x2.extend_low_i32x4_s(i32x4.trunc_sat_f64x2_s_zero(kc)), 52)), 32);
  v128.store(out, i64x2.add(pd, i64x2.shl(i64x2.extend_low_i32x4_s(i32x4.trunc_sat_f64x2_s_zero(kd)), 52)), 48);
}
