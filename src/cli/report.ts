// `grokscale report`: rebuild the report (HTML page, Markdown twin, SVG figures) from stored cells
// alone — our results store (--store PATH) or the paper's released .npz metrics (--from-npz DIR) —
// without training. Only reading inputs, writing the output folder and printing live here; the
// report itself is src/report/. The store reader is src/sweep/cells.ts.

import { resolve } from "node:path";
import type { Command } from "commander";
import { loadNpzDir } from "../analysis/paper-files.js";
import type { CellRecord } from "../analysis/records.js";
import { writeReport } from "../report/index.js";
import { loadCellRecords } from "../sweep/cells.js";
import { makeDir } from "../sweep/store-identity.js";
import { intFlag } from "./options.js";

export const DEFAULT_REPORT_DIR = "./grokscale-results/report";

export interface ReportDeps {
  /** Reads our results store into cell records; default: `loadCellRecords` from ../sweep/cells.js. */
  loadCellRecords?: (storePath: string) => Promise<CellRecord[]>;
  /** Where messages go; default process.stdout. */
  write?: (text: string) => void;
}

interface ReportFlags {
  store?: string;
  fromNpz?: string;
  out: string;
  title?: string;
  curves?: string;
  seed: string;
  resamples: string;
}

export function registerReport(program: Command, deps: ReportDeps = {}): void {
  program
    .command("report")
    .description("Write the study report (HTML, Markdown, SVG figures) from stored cells, without training")
    .option("--store <path>", "our results store")
    .option("--from-npz <dir>", "folder of the paper's released metrics (e.g. ../shared/paper-data/metrics)")
    .option("--out <dir>", "output folder", DEFAULT_REPORT_DIR)
    .option("--title <text>", "report title")
    .option("--curves <ids>", "comma-separated cell ids whose training curves to draw")
    .option("--seed <n>", "bootstrap RNG seed", "0")
    .option("--resamples <n>", "bootstrap resamples (the study uses 4000)", "4000")
    .action(async (flags: ReportFlags, cmd: Command) => {
      const write = deps.write ?? ((s: string) => void process.stdout.write(s));
      if ((flags.fromNpz === undefined) === (flags.store === undefined)) cmd.error("report: give exactly one of --store PATH or --from-npz DIR");
      let seed: number, resamples: number;
      try {
        seed = intFlag("--seed", flags.seed, -Infinity);
        resamples = intFlag("--resamples", flags.resamples);
      } catch (e) {
        cmd.error(`report: ${(e as Error).message}`);
      }
      let cells: CellRecord[];
      const notes: string[] = [];
      let source: string;
      try {
        if (flags.fromNpz !== undefined) {
          const imp = await loadNpzDir(flags.fromNpz);
          cells = imp.cells;
          notes.push(...imp.warnings);
          source = `the paper's released metrics (.npz): ${flags.fromNpz}`;
        } else {
          cells = await (deps.loadCellRecords ?? loadCellRecords)(flags.store!);
          source = `results store: ${flags.store}`;
        }
      } catch (e) {
        return cmd.error(`report: ${(e as Error).message}`);
      }
      if (cells.length === 0) cmd.error("report: no cells to report");
      const curveCells = flags.curves ? flags.curves.split(",").map((s) => s.trim()).filter(Boolean) : undefined;
      try {
        makeDir(resolve(flags.out), "report folder"); // not a recursive mkdir: that never returns under /proc
      } catch (e) {
        return cmd.error(`report: ${(e as Error).message}`);
      }
      const out = await writeReport(cells, {
        outDir: flags.out,
        source,
        notes,
        analysis: { bootstrap: { seed, resamples } },
        ...(flags.title ? { title: flags.title } : {}),
        ...(curveCells ? { curveCells } : {}),
      });
      write(`grokscale report: ${cells.length} cells\n  ${out.html}\n  ${out.markdown}\n  ${out.figures.length} figures in ${out.figures.length ? out.figures[0]!.replace(/[^/\\]+$/, "") : "(none)"}\n`);
    });
}
