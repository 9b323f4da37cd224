// Data types of the tensor core: float32 and float64, and the one function that maps a dtype to its
// typed array. dtype is always a parameter, never a global.

export type DType = "f32" | "f64";
export type FArray = Float32Array | Float64Array;

export const BYTES: { [D in DType]: number } = { f32: 4, f64: 8 };

/** A typed-array view of `length` elements at `byteOffset` of `buffer`. */
export function view(dtype: DType, buffer: ArrayBufferLike, byteOffset: number, length: number): FArray {
  switch (dtype) {
    case "f32":
      return new Float32Array(buffer, byteOffset, length);
    case "f64":
      return new Float64Array(buffer, byteOffset, length);
  }
}

/** A fresh heap array (outside any arena), for small results and tests. */
export function alloc(dtype: DType, length: number): FArray {
  switch (dtype) {
    case "f32":
      return new Float32Array(length);
    case "f64":
      return new Float64Array(length);
  }
}

export function dtypeOf(a: FArray): DType {
  return a instanceof Float32Array ? "f32" : "f64";
}

/** Rounds to the dtype's precision: identity for f64, Math.fround for f32. */
export function rounder(dtype: DType): (x: number) => number {
  switch (dtype) {
    case "f32":
      return Math.fround;
    case "f64":
      return (x: number) => x;
  }
}
