// Messages between the playground page and its training workers (one worker per arm). Plain data
// that survives structured cloning exactly (numbers are float64 both sides, so no bits are lost).

import type { RunConfig } from "../base/config.js";
import type { LogRow, SeedResult } from "../base/results.js";

export type ToWorker =
  | { type: "start"; config: RunConfig; seed: number }
  /** train until paused or done */
  | { type: "run" }
  | { type: "pause" }
  /** train this many steps, then pause */
  | { type: "step"; steps: number };

export interface LoggedRow {
  row: LogRow;
  /** the embedding's DFT power per frequency k = 1..floor(p/2), as shares of the total */
  spectrum: number[];
}

export type FromWorker =
  | { type: "ready" }
  /** rows logged since the last message, the step reached, and the training rate so far */
  | { type: "progress"; step: number; rows: LoggedRow[]; steps_per_s: number; running: boolean }
  | { type: "done"; result: SeedResult; steps_per_s: number }
  | { type: "error"; message: string };
