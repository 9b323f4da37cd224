// Tests for the cell statistics with censoring: medians over the seeds that reached the event, the
// at-least-half-grokked rule, L at the logged step nearest the median T_grok (ties to the earlier
// step), the norm at grok over grokked seeds only, and the messages when a cell does not count.
import { describe, expect, it } from "vitest";
import { grokTime, memTime, nearestStepIndex, normAtGrok, summarizeCell } from "../../src/analysis/cell-stats.js";
import { cellLabel } from "../../src/analysis/records.js";
import { cell, seeds } from "./fixtures.js";

describe("grokTime", () => {
  it("takes the median over grokked seeds only; censored seeds are not imputed", () => {
    // grokked 100, 300, 200 -> median 200 (a censored seed treated as +inf would give 250)
    expect(grokTime(seeds([100, null, 300, 200]))).toEqual({ ok: true, value: 200 });
  });

  it("keeps a cell where exactly half the seeds grok", () => {
    expect(grokTime(seeds([100, 300, null, null]))).toEqual({ ok: true, value: 200 });
  });

  it("drops a cell where fewer than half grok, saying so", () => {
    expect(grokTime(seeds([100, null, null, null, 400]))).toEqual({ ok: false, reason: "only 2 of 5 seeds grokked (fewer than half)" });
  });

  it("gives a message when every seed is censored, and for no seeds", () => {
    expect(grokTime(seeds([null, null, null]))).toEqual({ ok: false, reason: "no seed grokked (all 3 censored or diverged)" });
    expect(grokTime([])).toEqual({ ok: false, reason: "the cell has no seeds" });
  });
});

describe("memTime and normAtGrok", () => {
  it("T_mem is the median over seeds that memorised", () => {
    expect(memTime(seeds([1, 1, 1], [175, null, 200]))).toBe(187.5);
    expect(memTime(seeds([1], [null]))).toBeNull();
  });

  it("the norm at grok ignores censored seeds", () => {
    const s = seeds([100, 200, null, 300], undefined, [50, 52, null, 60]);
    s[2]!.norm_at_grok = 99; // a value logged for a censored seed must not count
    expect(normAtGrok(s)).toBe(52);
    expect(normAtGrok(seeds([null, null]))).toBeNull();
  });
});

describe("nearestStepIndex", () => {
  it("finds the nearest logged step, the earlier one on a tie", () => {
    expect(nearestStepIndex([1, 200, 400, 600], 290)).toBe(1);
    expect(nearestStepIndex([1, 200, 400, 600], 300)).toBe(1); // tie between 200 and 400
    expect(nearestStepIndex([1, 200, 400, 600], 10_000)).toBe(3);
    expect(nearestStepIndex([], 5)).toBeNull();
  });
});

describe("summarizeCell", () => {
  it("reads L at the step nearest the median T_grok", () => {
    // median T_grok over the grokked seeds 200, 250 is 225; steps are logged every 50, L = step / 10
    const c = cell({ seeds: seeds([200, 250, null]), L: (s) => s / 10 });
    const s = summarizeCell(c);
    expect(s.T_grok).toBe(225);
    expect(s.L_step).toBe(200); // 225 is equidistant from 200 and 250: the earlier step
    expect(s.L).toBe(20);
    expect(s.nGrokked).toBe(2);
    expect(s.nCensored).toBe(1);
    expect(s.dropped).toBeNull();
    expect(s.reason).toBeNull();
  });

  it("marks a cell that fails the half rule, with its label; its L is still read at the grokked seeds' median (as the paper's runner)", () => {
    const s = summarizeCell(cell({ id: "x1", seeds: seeds([200, null, null]), L: (t) => t / 10 }));
    expect(s.T_grok).toBeNull();
    expect(s.L).toBe(20);
    expect(s.L_step).toBe(200);
    expect(s.dropped).toMatch(/\[x1\]: only 1 of 3 seeds grokked/);
    expect(s.reason).toBe("only 1 of 3 seeds grokked (fewer than half)"); // the reason as data, no label to strip
    expect(s.dropped).toBe(`${cellLabel(s.cell)}: ${s.reason}`);
  });

  it("marks a cell with no logged steps, or a non-finite L at grok", () => {
    const empty = cell({ id: "e", series: { step: [], logit_scale: [], weight_norm: [] } });
    expect(summarizeCell(empty).dropped).toMatch(/no logged steps/);
    const nan = cell({ id: "n", L: () => NaN });
    expect(summarizeCell(nan).dropped).toMatch(/logit scale at step 100 is not finite/);
  });

  it("counts diverged seeds apart from censored ones", () => {
    const c = cell({ seeds: [...seeds([100, 100]), { seed: 2, T_grok: null, T_mem: null, norm_at_grok: null, status: "diverged" }] });
    const s = summarizeCell(c);
    expect([s.nGrokked, s.nCensored, s.nDiverged]).toEqual([2, 0, 1]);
  });
});
