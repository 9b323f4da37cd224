// The GELU kernels of both builds, chosen at compile time: the f32 build runs the float32 algorithms
// of math32.ts (f32x4), the f64 build fdlibm's erfc in float64 pairs (erf.ts). Nothing else here.

import { geluBackward64, geluForward64, geluForwardGrad64 } from "./erf";
import { geluBackward32, geluForward32, geluForwardGrad32 } from "./math32";

export function geluForward(n: i32, x: usize, out: usize): void {
  if (sizeof<float>() == 4) geluForward32(n, x, out);
  else geluForward64(n, x, out);
}

export function geluForwardGrad(n: i32, x: usize, y: usize, dydx: usize): void {
  if (sizeof<float>() == 4) geluForwardGrad32(n, x, y, dydx);
  else geluForwardGrad64(n, x, y, dydx);
}

export function geluBackward(n: i32, x: usize, gy: usize, gx: usize, beta: i32): void {
  if (sizeof<float>() == 4) geluBackward32(n, x, gy, gx, beta);
  else geluBackward64(n, x, gy, gx, beta);
}
