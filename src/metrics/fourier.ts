// Fourier structure of an embedding (docs/study.md §6): the share of E's non-constant DFT power, taken along
// the token axis (p rows) and summed over embedding columns, held by its 5 strongest frequencies.
// Frequencies k and p−k carry the same power for real E, so they count as one frequency.

import { cos as fdCos, sin as fdSin } from "../base/fdlibm.js";

const tables = new Map<number, { cos: Float64Array; sin: Float64Array }>();

function trig(p: number): { cos: Float64Array; sin: Float64Array } {
  let t = tables.get(p);
  if (!t) {
    const cos = new Float64Array(p);
    const sin = new Float64Array(p);
    for (let j = 0; j < p; j++) {
      cos[j] = fdCos((2 * Math.PI * j) / p); // fdlibm's: the same bits on every engine
      sin[j] = fdSin((2 * Math.PI * j) / p);
    }
    t = { cos, sin };
    tables.set(p, t);
  }
  return t;
}

/** Power per frequency k = 1..floor(p/2) (k and p−k merged), summed over the d columns of E (p, d). */
export function frequencyPower(E: ArrayLike<number>, p: number, d: number): Float64Array {
  const { cos, sin } = trig(p);
  const half = Math.floor(p / 2);
  const power = new Float64Array(half + 1);
  for (let k = 1; k < p; k++) {
    const kk = Math.min(k, p - k);
    let pk = 0;
    for (let c = 0; c < d; c++) {
      let re = 0;
      let im = 0;
      for (let a = 0; a < p; a++) {
        const x = E[a * d + c]!;
        const j = (k * a) % p;
        re += x * cos[j]!;
        im -= x * sin[j]!;
      }
      pk += re * re + im * im;
    }
    power[kk] = power[kk]! + pk;
  }
  return power;
}

/** Share of non-constant power in the `top` strongest frequencies; 0 when E is constant along tokens.
 *  "Constant" allows for the rounding of the trig tables: non-constant power below 1e-20 of all the
 *  power (p·Σx², by Parseval) is rounding noise, far below float32's resolution of real structure. */
export function fourierTopShare(E: ArrayLike<number>, p: number, d: number, top = 5): number {
  const power = Array.from(frequencyPower(E, p, d).subarray(1));
  const total = power.reduce((a, b) => a + b, 0);
  let all = 0;
  for (let i = 0; i < p * d; i++) all += E[i]! * E[i]!;
  if (!(total > 1e-20 * p * all)) return 0;
  power.sort((x, y) => y - x);
  return power.slice(0, top).reduce((a, b) => a + b, 0) / total;
}
