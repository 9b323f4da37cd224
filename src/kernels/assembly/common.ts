// Shared definitions of the AssemblyScript kernels: element size and lanes of `float` (f32 or f64, a
// global alias set per build by --lib), the scratch region the loader hands over, and tiny helpers.
// No allocation: the runtime is the stub and memory is the arena's, imported.

/** Bytes per element. */
// @ts-ignore: decorator
@inline export const S: usize = sizeof<float>();
/** Lanes per v128. */
// @ts-ignore: decorator
@inline export const L: i32 = <i32>(16 / sizeof<float>());
/** log2 of the element size, for index → byte offset shifts. */
// @ts-ignore: decorator
@inline export const SHIFT: usize = sizeof<float>() == 4 ? 2 : 3;

/** Scratch region inside the arena's reserved first MiB: [scratchBase, scratchBase + scratchBytes). */
export let scratchBase: usize = 0;
export let scratchBytes: usize = 0;

/** Sets the scratch region (called once by the loader); returns __heap_base so the loader can check it. */
export function init(base: usize, bytes: usize): usize {
  scratchBase = base;
  scratchBytes = bytes;
  return __heap_base;
}

/** Address of element i of the float array at p. */
// @ts-ignore: decorator
@inline export function at(p: usize, i: i32): usize {
  return p + (<usize>i << SHIFT);
}

// @ts-ignore: decorator
@inline export function ld(p: usize, i: i32): float {
  return load<float>(p + (<usize>i << SHIFT));
}

// @ts-ignore: decorator
@inline export function st(p: usize, i: i32, v: float): void {
  store<float>(p + (<usize>i << SHIFT), v);
}

/** Loads L floats at p as float64 pairs: the low pair (f32: lanes 0-1). */
// @ts-ignore: decorator
@inline export function lo64(v: v128): v128 {
  return sizeof<float>() == 4 ? f64x2.promote_low_f32x4(v) : v;
}

/** The high pair (f32 lanes 2-3) as float64; meaningless for f64 (one pair per v128). */
// @ts-ignore: decorator
@inline export function hi64(v: v128): v128 {
  return f64x2.promote_low_f32x4(i32x4.shuffle(v, v, 2, 3, 0, 1));
}

/** Two float64 pairs back to L floats (f32: demote both and join; f64: the first pair). */
// @ts-ignore: decorator
@inline export function join(a: v128, b: v128): v128 {
  if (sizeof<float>() == 4) {
    return i64x2.shuffle(f32x4.demote_f64x2_zero(a), f32x4.demote_f64x2_zero(b), 0, 2);
  }
  return a;
}
