// The sweep layer's public surface, for the commands (sweep, status, export, reproduce) and the
// distributed queue: specs and job ids, the results store, running a sweep on local threads, one
// job with checkpoints, claims, recording, status, exports and CellRecords. Re-exports only.

export { SpecError } from "../experiments/spec-error.js";
export { SweepSpecSchema, cellIdOf, jobIdOf, resolveSweepSpec } from "../experiments/sweep-spec.js";
export type { Job, ResolvedSweep, SweepCell, SweepSpecInput } from "../experiments/sweep-spec.js";
export { DEFAULT_STORE, SCHEMA_VERSION, StoreError, checkpointRoot, openStore } from "./store.js";
export type { DB } from "./store.js";
export { runSweep } from "./run.js";
export type { ActiveJob, RunSweepOptions, SweepProgress, SweepSummary } from "./run.js";
export { runJobWithCheckpoints } from "./job.js";
export type { JobHooks, JobOutcome, JobTask } from "./job.js";
export { jobCheckpointDir, loadCheckpoint, removeCheckpoints, writeCheckpoint } from "./checkpoints.js";
export { claimJob, claimNext, heartbeat, ownerId, release } from "./claims.js";
export { noteStart, outcomeOf, recordDone, recordFailed, registerSweep } from "./record.js";
export { storeStatus } from "./status.js";
export type { StoreStatus, SweepStatus, UnfinishedJob } from "./status.js";
export { EXPORT_TABLES, exportLines } from "./export.js";
export type { ExportFormat, ExportTable } from "./export.js";
export { loadCellRecords, loadSeedRows, meanSeries, readRunSeries } from "./cells.js";
export type { JobRunner } from "./runner.js";
export { codeVersion } from "../base/version.js";
