// Durations as the CLI prints them (sweep's ETA, plan's estimates, reproduce's wall time): each rounds
// to its last unit before splitting, so a plan never says 7h60m or 0m60s.
import { describe, expect, it } from "vitest";
import { fmtTime } from "../../src/cli/sweep.js";

describe("fmtTime", () => {
  it("seconds, minutes and hours, carried across every unit boundary", () => {
    expect([0, 0.4, 42, 59.4].map(fmtTime)).toEqual(["0s", "0s", "42s", "59s"]);
    expect([59.6, 60, 425, 3599.4].map(fmtTime)).toEqual(["1m00s", "1m00s", "7m05s", "59m59s"]);
    expect([3599.6, 3600, 28_770, 28_799, 54_660].map(fmtTime)).toEqual(["1h00m", "1h00m", "8h00m", "8h00m", "15h11m"]);
    expect([null, NaN, Infinity].map(fmtTime)).toEqual(["?", "?", "?"]);
  });
});
