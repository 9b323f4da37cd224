// bench/windows.ts against hand-computed marks: window rates, the median's convention, and the
// machine-wide rate of workers whose timed spans overlap only in part.
import { describe, expect, it } from "vitest";
import { machineWindows, spread, stepAtTime, stepWindows } from "../../src/bench/windows.js";

describe("timing windows", () => {
  it("cuts one run's marks into equal step windows", () => {
    // 100 steps: the first 50 at 2 ms per step, the next 50 at 4 ms per step
    const marks = [[0, 1000], [25, 1050], [50, 1100], [75, 1200], [100, 1300]] as const;
    expect(stepWindows(marks, 2)).toEqual([2, 4]);
    expect(stepWindows(marks, 4)).toEqual([2, 2, 4, 4]);
    expect(stepWindows(marks, 1)).toEqual([3]);
  });

  it("min, median (mean of the middle two for an even count) and max", () => {
    expect(spread([5, 1, 3])).toMatchObject({ min: 1, median: 3, max: 5, windows: [5, 1, 3] });
    expect(spread([4, 1, 3, 2]).median).toBe(2.5);
    expect(() => spread([])).toThrow(/no windows/);
  });

  it("interpolates progress between marks and clamps outside them", () => {
    const marks = [[10, 0], [20, 100]] as const;
    expect(stepAtTime(marks, -5)).toBe(10);
    expect(stepAtTime(marks, 25)).toBe(12.5);
    expect(stepAtTime(marks, 500)).toBe(20);
  });

  it("machine-wide rate counts every worker's steps over the span all of them ran", () => {
    // worker A: 1 step per ms from t=0 to 100; worker B: 0.5 step per ms from t=50 to 250
    const a = [[0, 0], [100, 100]] as const;
    const b = [[0, 50], [100, 250]] as const;
    const m = machineWindows([a, b], 2);
    // the common span is t = 50..100: A does 50 steps, B 25 → 50 ms / 75 seed-steps
    expect(m.overall).toBeCloseTo(50 / 75, 12);
    expect(m.windows).toEqual([25 / 37.5, 25 / 37.5]);
    expect(() => machineWindows([[[0, 0], [1, 10]], [[0, 20], [1, 30]]], 1)).toThrow(/do not overlap/);
  });
});
