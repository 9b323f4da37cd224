// Fourier structure of an embedding against numpy: the power per frequency and the top-5 share of
// src/metrics/fourier.ts compared with numpy's rfft on the same matrices (fixtures/fourier.json,
// written once by fourier-oracle.py), for odd and even p, structured, random and constant E.

import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { fourierTopShare, frequencyPower } from "../../src/metrics/fourier.js";

interface Case {
  name: string;
  p: number;
  d: number;
  E: number[];
  power: number[];
  top5_share: number;
}

const fixture = JSON.parse(readFileSync(new URL("./fixtures/fourier.json", import.meta.url), "utf8")) as { cases: Case[] };

describe("Fourier power and top-5 share against numpy's rfft", () => {
  it("the fixture holds the cases it was written for", () => {
    expect(fixture.cases.map((c) => c.p)).toEqual([7, 8, 59, 59, 5]);
  });

  for (const c of fixture.cases) {
    it(c.name, () => {
      const power = frequencyPower(c.E, c.p, c.d);
      expect(power.length).toBe(Math.floor(c.p / 2) + 1);
      const scale = Math.max(...c.power, 1);
      for (let k = 1; k <= Math.floor(c.p / 2); k++) expect(Math.abs(power[k]! - c.power[k - 1]!) / scale).toBeLessThan(1e-12);
      expect(fourierTopShare(c.E, c.p, c.d)).toBeCloseTo(c.top5_share, 12);
    });
  }

  it("reads E in float32 the same as its float64 values", () => {
    const c = fixture.cases[2]!;
    const e32 = Float32Array.from(c.E);
    expect(fourierTopShare(e32, c.p, c.d)).toBeCloseTo(fourierTopShare(Array.from(e32), c.p, c.d), 14);
  });
});
