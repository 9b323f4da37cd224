// runShard: one slice (`--shard I/N`) of a sweep on the local pool of worker threads, for array-job
// schedulers (Slurm job arrays, Kubernetes indexed Jobs). The store gets the whole sweep registered
// (so that `grokscale merge` of all shards' stores yields the complete sweep) but only the slice runs,
// through the local sweep's own path (sweep/run.ts: claims, checkpoints, live rows, resume, clean
// stop). What is the shard's own: which jobs. Prints nothing.

import { runSweep, type RunSweepOptions, type SweepSummary } from "../sweep/run.js";
import { shardJobs, type Shard } from "./jobs.js";

export interface ShardOptions extends RunSweepOptions {
  shard: Shard;
}

/** Runs (or resumes) shard I of N of a sweep; resolves when nothing of the slice is claimable. */
export function runShard(spec: unknown, opts: ShardOptions): Promise<SweepSummary> {
  const { shard, ...rest } = opts;
  // cells complete in this store (all their seeds in this slice) are finished here, from step 0: a
  // shard keeps no final states, as most of its cells complete only after `grokscale merge`, in the
  // `sweep`/`reproduce` on the merged store that finds them complete
  return runSweep(spec, { ...rest, select: (sweep) => shardJobs(sweep, shard), keepFinalStates: false });
}
