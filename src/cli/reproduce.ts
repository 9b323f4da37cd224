// `grokscale reproduce`: the main job. Runs (or resumes) every job a preset needs as one sweep on the
// local worker pool, longest jobs first, then analyses the stored results and writes the report.
// A second invocation finds every job in the store and only rebuilds the report. For the paper scale
// it first runs the free controls that calibrate the layer-allocation experiment (E8: w_c, θ0, f_W1).

import { availableParallelism, cpus } from "node:os";
import type { Command } from "commander";
import { calibrationOf } from "../train/calibrate.js";
import { resolveConfig } from "../base/config.js";
import { expectedCost } from "../experiments/cost.js";
import { PAPER_WC } from "../experiments/paper-wc.js";
import { allocControlCell, isScale, mergedPresetSpec, SCALES, type AllocCalibration, type PresetOptions, type Scale } from "../experiments/presets.js";
import { writeReport } from "../report/index.js";
import { loadCellRecords } from "../sweep/cells.js";
import { runDistributedSweep } from "../distributed/coordinator.js";
import { runSweep, type SweepProgress, type SweepSummary } from "../sweep/run.js";
import { resolveSweepSpec } from "../experiments/sweep-spec.js";
import { DEFAULT_STORE } from "../sweep/store.js";
import { DEFAULT_REPORT_DIR } from "./report.js";
import { fmtTime, makeDisplay } from "./sweep.js";
import { intFlag } from "./options.js";

const META = new Set(["experiment", "arm", "label", "seeds"]);

/** The estimated cost of a spec cell (its config without the metadata keys). */
function cellCost(cell: Record<string, unknown>): number {
  return expectedCost(resolveConfig(Object.fromEntries(Object.entries(cell).filter(([k]) => !META.has(k)))));
}

/** Runs a spec on the local pool, or through the Redis queue when `redis` is given. */
async function runWithDisplay(spec: unknown, store: string, workers: number, signal: AbortSignal, redis?: string): Promise<SweepSummary> {
  const display = makeDisplay(process.stderr);
  try {
    const onProgress = (p: SweepProgress) => display.update(p);
    if (redis) return await runDistributedSweep(spec, { redis, store, signal, onProgress, onNotice: (m: string) => process.stderr.write(m + "\n") });
    return await runSweep(spec, { store, workers, signal, onProgress, onNotice: (m: string) => process.stderr.write(m + "\n") });
  } finally {
    display.stop();
  }
}

/** The free controls the paper scale runs first for E8's calibration (also counted by `grokscale plan`). */
export const ALLOC_CONTROLS_SPEC = { name: "paper-controls", experiment: "alloc", seeds: 12, cells: [59, 97].map(allocControlCell) };

/**
 * E8's calibration per modulus from the free controls (paper scale), as train/calibrate.ts defines
 * it: w_c, θ0 and f_W1 from each control cell trained to its last grok.
 */
async function calibrateAlloc(store: string, workers: number, signal: AbortSignal, redis?: string): Promise<Record<number, AllocCalibration>> {
  const spec = ALLOC_CONTROLS_SPEC;
  const sum = await runWithDisplay(spec, store, workers, signal, redis);
  if (sum.interrupted) throw new Error("interrupted during the free controls; run the same command again to resume");
  const out: Record<number, AllocCalibration> = {};
  const records = await loadCellRecords(store, { sweep: spec.name });
  for (const cell of resolveSweepSpec(spec).cells) {
    const rec = records.find((r) => r.id === cell.cellId || r.id.startsWith(`${cell.cellId}#`));
    const c = rec ? calibrationOf(rec) : null;
    if (!c || c.wc === null || c.theta0 === null || c.base_frac === null) {
      throw new Error(`no free control grokked at p=${cell.config.p}; E8's calibration (w_c, θ0, f_W1) is undefined`);
    }
    out[cell.config.p] = { wc: c.wc, theta0: c.theta0, f_w1: c.base_frac[1] };
  }
  return out;
}

export function registerReproduce(program: Command): void {
  program
    .command("reproduce")
    .description("run (or resume) a preset's experiments, analyse them and write the report")
    .option("--preset <scale>", `${SCALES.join(" | ")}`, "quick")
    .option("--workers <n>", "worker threads (default: one per core)")
    .option("--store <path>", "results store", DEFAULT_STORE)
    .option("--out <dir>", "report folder", DEFAULT_REPORT_DIR)
    .option("--redis <url>", "run the jobs through a BullMQ queue on this Redis (start `grokscale worker --redis URL` on any machines)")
    .option("--json", "print a JSON summary on stdout")
    .action(async (opts: Record<string, string | boolean | undefined>) => {
      const scale = String(opts["preset"]);
      if (!isScale(scale)) throw new Error(`invalid value for --preset: ${JSON.stringify(scale)} (expected ${SCALES.join(" or ")})`);
      const workers = opts["workers"] === undefined ? availableParallelism() : intFlag("--workers", opts["workers"]);
      const store = String(opts["store"]);
      const redis = typeof opts["redis"] === "string" ? opts["redis"] : undefined;
      const out = String(opts["out"]);
      const t0 = performance.now();
      const ac = new AbortController();
      const stop = () => ac.abort();
      process.once("SIGINT", stop);
      process.once("SIGTERM", stop);
      const say = (m: string) => process.stderr.write(m + "\n");
      try {
        const presetOpts: PresetOptions = scale === "paper" ? { alloc: await calibrateAlloc(store, workers, ac.signal, redis) } : {};
        const spec = mergedPresetSpec(scale as Scale, presetOpts, cellCost);
        const resolved = resolveSweepSpec(spec);
        say(`grokscale reproduce --preset ${scale}: ${resolved.cells.length} cells, ${resolved.jobs.length} jobs, ${workers} workers, store ${store}`);
        const sum = await runWithDisplay(spec, store, workers, ac.signal, redis);
        if (sum.interrupted) {
          say(`interrupted: ${sum.left} jobs left (checkpoints kept); run the same command again to resume`);
          process.exitCode = 130;
          return;
        }
        if (sum.failed > 0) say(`${sum.failed} jobs failed: ${sum.errors.map((e) => e.message).join("; ")}`);
        say(`sweep: ${sum.already_done} of ${sum.total} jobs reused from the store, ${sum.ran} run now${sum.extended ? `, ${sum.extended} early grokkers continued to their cell's end` : ""} (${fmtTime(sum.wall_s)})`);
        const cells = await loadCellRecords(store, { sweep: spec.name });
        const wcNote = `w_c: the paper's published values (CE ${Object.values(PAPER_WC.ce).join(", ")}; MSE ${Object.values(PAPER_WC.mse).join(", ")}; dose ${Object.values(PAPER_WC.dose).join(", ")})`;
        const report = await writeReport(cells, {
          outDir: out,
          source: `results store: ${store} (sweep ${spec.name})`,
          title: `grokscale reproduction (${scale} preset)`,
          notes: [
            `preset ${scale}: ${resolved.cells.length} cells, ${resolved.jobs.length} jobs; ${sum.already_done} reused from the store, ${sum.ran} run by this invocation`,
            wcNote,
            ...(presetOpts.alloc ? [`E8's w_c, θ0 and f_W1 from the free controls: ${JSON.stringify(presetOpts.alloc)}`] : []),
            `machine: ${availableParallelism()} cores (${cpus()[0]?.model ?? "unknown"}), ${workers} workers; wall time of this invocation ${fmtTime((performance.now() - t0) / 1000)}`,
          ],
        });
        const wall = (performance.now() - t0) / 1000;
        say(`report: ${report.html}\n        ${report.markdown} (${report.figures.length} figures)\ndone in ${fmtTime(wall)}`);
        if (opts["json"]) {
          process.stdout.write(JSON.stringify({ preset: scale, store, sweep: sum, report: { ...report, dir: out }, wall_s: wall }) + "\n");
        }
      } finally {
        process.off("SIGINT", stop);
        process.off("SIGTERM", stop);
      }
    });
}

