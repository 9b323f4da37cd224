// Tests for the paired seed bootstrap: the same indices go to every cell (a difference between two
// identical cells never varies), it is deterministic for a seed, it resamples uniformly, and it
// explains mismatched seeds or a statistic that is never defined.
import { describe, expect, it } from "vitest";
import { pairedBootstrap, sharedSeedCount } from "../../src/analysis/bootstrap.js";
import { fail, ok } from "../../src/analysis/outcome.js";
import { seeds } from "./fixtures.js";

const opts = { resamples: 4000, seed: 0, level: 0.95 };
const mean = (xs: { T_grok: number | null }[]) => xs.reduce((a, s) => a + s.T_grok!, 0) / xs.length;

describe("pairedBootstrap", () => {
  it("applies the same seed indices to every cell", () => {
    const a = seeds([100, 200, 300, 400, 500]);
    const b = seeds([100, 200, 300, 400, 500]);
    const r = pairedBootstrap([a, b], ([x, y]) => ok(mean(x!) - mean(y!)), opts, "t");
    expect(r).toMatchObject({ ok: true, value: { lo: 0, hi: 0, valid: 4000 } });
    // the unpaired spread of the same statistic is wide, so the test above can fail
    const single = pairedBootstrap([a], ([x]) => ok(mean(x!)), opts, "t");
    if (!single.ok) throw new Error(single.reason);
    expect(single.value.hi - single.value.lo).toBeGreaterThan(100);
  });

  it("resamples with replacement, uniformly: two seeds 0 and 10 give means 0, 5, 10 w.p. 1/4, 1/2, 1/4", () => {
    const s = seeds([0, 10]);
    let fives = 0;
    const r = pairedBootstrap([s], ([x]) => {
      const m = mean(x!);
      if (m === 5) fives++;
      return ok(m);
    }, opts, "u");
    expect(r).toMatchObject({ ok: true, value: { lo: 0, hi: 10 } });
    expect(fives / 4000).toBeGreaterThan(0.47);
    expect(fives / 4000).toBeLessThan(0.53);
  });

  it("is deterministic for a seed and stream, and changes with them", () => {
    const s = seeds([1, 5, 9, 14, 20, 31, 40]);
    const run = (seed: number, stream: string) => pairedBootstrap([s], ([x]) => ok(mean(x!)), { ...opts, seed }, stream);
    expect(run(3, "a")).toEqual(run(3, "a"));
    expect(run(3, "a")).not.toEqual(run(4, "a"));
    expect(run(3, "a")).not.toEqual(run(3, "b"));
  });

  it("counts resamples where the statistic is undefined, and fails if it never is", () => {
    const s = seeds([1, 2]);
    let n = 0;
    const some = pairedBootstrap([s], () => (n++ % 2 === 0 ? ok(1) : fail("no")), opts, "v");
    expect(some).toMatchObject({ ok: true, value: { valid: 2000, resamples: 4000 } });
    expect(pairedBootstrap([s], () => fail("never"), opts, "v")).toEqual({ ok: false, reason: "bootstrap: the statistic was undefined in every resample" });
  });

  it("needs the same seeds in every cell", () => {
    expect(sharedSeedCount([seeds([1, 2, 3]), seeds([1, 2])])).toMatchObject({ ok: false });
    expect(sharedSeedCount([])).toEqual({ ok: false, reason: "paired bootstrap: no cells" });
    expect(sharedSeedCount([seeds([1, 2]), seeds([3, 4])])).toEqual({ ok: true, value: 2 });
  });
});
