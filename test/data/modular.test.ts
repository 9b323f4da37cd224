// The modular-arithmetic tasks: every operation's labels against brute-force definitions written here
// (the inverse for division found by search, not by Fermat), the pair ranges and the split, and the
// random-label control (its labels, its independence from the split, its determinism per seed).

import { describe, expect, it } from "vitest";
import { OPS, resolveConfig, type Op } from "../../src/base/config.js";
import { makeDataset, type TaskSpec } from "../../src/data/modular.js";

const mod = (x: number, p: number) => ((x % p) + p) % p;
/** b⁻¹ mod p by trying every x. */
const inverse = (b: number, p: number) => {
  for (let x = 1; x < p; x++) if ((b * x) % p === 1) return x;
  throw new Error(`${b} has no inverse mod ${p}`);
};
const ORACLE: { [O in Op]: (a: number, b: number, p: number) => number } = {
  add: (a, b, p) => mod(a + b, p),
  sub: (a, b, p) => mod(a - b, p),
  mul: (a, b, p) => mod(a * b, p),
  div: (a, b, p) => mod(a * inverse(b, p), p),
  sq: (a, b, p) => mod(a * a + b * b, p),
};

const task = (op: Op, over: Partial<TaskSpec> = {}): TaskSpec => ({ p: 13, op, train_frac: 0.4, labels: "true", ...over });

describe("operations", () => {
  for (const op of OPS) {
    it(`${op}: every pair once, labelled by the definition`, () => {
      for (const p of [5, 13, 23]) {
        const d = makeDataset(task(op, { p }), 0);
        const bs = op === "div" ? [...Array(p - 1).keys()].map((x) => x + 1) : [...Array(p).keys()];
        expect(d.n).toBe(p * bs.length);
        const seen = new Set<string>();
        for (let k = 0; k < d.n; k++) {
          const a = d.a[k]!;
          const b = d.b[k]!;
          expect(a >= 0 && a < p && bs.includes(b)).toBe(true);
          seen.add(`${a},${b}`);
          expect(d.label[k], `${a} ${op} ${b} mod ${p}`).toBe(ORACLE[op](a, b, p));
        }
        expect(seen.size).toBe(d.n);
      }
    });
  }

  it("division: a / b · b = a for every pair", () => {
    const p = 23;
    const d = makeDataset(task("div", { p }), 1);
    for (let k = 0; k < d.n; k++) expect((d.label[k]! * d.b[k]!) % p).toBe(d.a[k]);
  });

  it("division needs a prime modulus (the config says so, naming p)", () => {
    expect(() => resolveConfig({ op: "div", p: 21 })).toThrow(/"p".*division needs a prime modulus \(got 21\)/);
    expect(resolveConfig({ op: "div", p: 23 }).p).toBe(23);
  });
});

describe("the split", () => {
  it("train and test partition the pairs; the train set is floor(α·N) pairs; seeds differ", () => {
    const d = makeDataset(task("sub", { p: 23, train_frac: 0.3 }), 4);
    expect(d.train.length).toBe(Math.floor(0.3 * 529));
    const all = [...d.train, ...d.test].sort((x, y) => x - y);
    expect(all).toEqual([...Array(529).keys()]);
    const other = makeDataset(task("sub", { p: 23, train_frac: 0.3 }), 5);
    expect(Array.from(other.train)).not.toEqual(Array.from(d.train));
    expect(Array.from(makeDataset(task("sub", { p: 23, train_frac: 0.3 }), 4).train)).toEqual(Array.from(d.train));
  });

  it("a train fraction that leaves a set empty is an error", () => {
    expect(() => makeDataset(task("add", { p: 5, train_frac: 0.01 }), 0)).toThrow(/empty train or test set/);
  });
});

describe("random labels (the memorisation control)", () => {
  const p = 23;
  const truth = makeDataset(task("add", { p }), 7);
  const rand = makeDataset(task("add", { p, labels: "random" }), 7);

  it("keep the pairs and the split of the true task; only the labels change", () => {
    expect(Array.from(rand.a)).toEqual(Array.from(truth.a));
    expect(Array.from(rand.b)).toEqual(Array.from(truth.b));
    expect(Array.from(rand.train)).toEqual(Array.from(truth.train));
    expect(Array.from(rand.label)).not.toEqual(Array.from(truth.label));
  });

  it("are classes in [0, p), spread over all of them, and agree with the truth about 1/p of the time", () => {
    const n = rand.n;
    const counts = new Array<number>(p).fill(0);
    let agree = 0;
    for (let k = 0; k < n; k++) {
      const y = rand.label[k]!;
      expect(Number.isInteger(y) && y >= 0 && y < p).toBe(true);
      counts[y]!++;
      if (y === truth.label[k]) agree++;
    }
    // n/p = 23 expected per class; a uniform draw puts every class well inside [5, 50] (Poisson tails ~1e-6)
    for (const c of counts) expect(c >= 5 && c <= 50).toBe(true);
    expect(agree).toBeLessThan(60); // expected 23 for independent labels; a function of (a, b) would agree far more or far less
    // not a function of (a + b): pairs with the same true label get many different random labels
    const byTruth = new Map<number, Set<number>>();
    for (let k = 0; k < n; k++) (byTruth.get(truth.label[k]!) ?? byTruth.set(truth.label[k]!, new Set()).get(truth.label[k]!)!).add(rand.label[k]!);
    for (const s of byTruth.values()) expect(s.size).toBeGreaterThan(5);
  });

  it("are a function of the seed", () => {
    expect(Array.from(makeDataset(task("add", { p, labels: "random" }), 7).label)).toEqual(Array.from(rand.label));
    expect(Array.from(makeDataset(task("add", { p, labels: "random" }), 8).label)).not.toEqual(Array.from(rand.label));
  });
});
