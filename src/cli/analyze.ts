// `grokscale analyze`: run the study's analysis on the paper's released .npz metrics (--from-npz DIR)
// or on our own results store (--store PATH), and print one JSON object (--json) or a short summary.
// Only reading inputs and printing live here; every statistic is in src/analysis/. The store reader
// (src/sweep/cells.ts, loadCellRecords) turns our store into cell records.

import type { Command } from "commander";
import { analyzeCells, reportObject, type AnalysisReport } from "../analysis/analyze.js";
import { loadNpzDir } from "../analysis/paper-files.js";
import type { CellRecord } from "../analysis/records.js";
import { loadCellRecords } from "../sweep/cells.js";
import { intFlag } from "./options.js";

export interface AnalyzeDeps {
  /** Reads our results store into cell records; default: `loadCellRecords` from ../sweep/cells.js. */
  loadCellRecords?: (storePath: string) => Promise<CellRecord[]>;
  /** Where output goes; default process.stdout. */
  write?: (text: string) => void;
}

interface AnalyzeFlags {
  fromNpz?: string;
  store?: string;
  json?: boolean;
  seed: string;
  resamples: string;
}

export function registerAnalyze(program: Command, deps: AnalyzeDeps = {}): void {
  program
    .command("analyze")
    .description("The study's statistics (E1-E9) from the paper's .npz metrics or from our results store")
    .option("--from-npz <dir>", "folder of the paper's released metrics (e.g. ../shared/paper-data/metrics)")
    .option("--store <path>", "our results store")
    .option("--json", "print one JSON object (headline keys, tables, notes)")
    .option("--seed <n>", "bootstrap RNG seed", "0")
    .option("--resamples <n>", "bootstrap resamples (the study uses 4000)", "4000")
    .action(async (flags: AnalyzeFlags, cmd: Command) => {
      const write = deps.write ?? ((s: string) => void process.stdout.write(s));
      if ((flags.fromNpz === undefined) === (flags.store === undefined)) cmd.error("analyze: give exactly one of --from-npz DIR or --store PATH");
      let seed: number, resamples: number;
      try {
        seed = intFlag("--seed", flags.seed, -Infinity);
        resamples = intFlag("--resamples", flags.resamples);
      } catch (e) {
        cmd.error(`analyze: ${(e as Error).message}`);
      }
      let cells: CellRecord[];
      const warnings: string[] = [];
      try {
        if (flags.fromNpz !== undefined) {
          const imp = await loadNpzDir(flags.fromNpz);
          cells = imp.cells;
          warnings.push(...imp.warnings);
        } else {
          cells = await (deps.loadCellRecords ?? loadCellRecords)(flags.store!);
        }
      } catch (e) {
        return cmd.error(`analyze: ${(e as Error).message}`);
      }
      if (cells.length === 0) cmd.error("analyze: no cells to analyse");
      const report = analyzeCells(cells, { bootstrap: { seed, resamples } });
      report.notes.unshift(...warnings);
      write(flags.json ? `${JSON.stringify(reportObject(report), null, 2)}\n` : formatSummary(report, cells.length));
    });
}

/** A short plain-text summary: the headline numbers, then the notes. */
export function formatSummary(report: AnalysisReport, nCells: number): string {
  const lines = [`grokscale analyze: ${nCells} cells`, ""];
  const keys = Object.keys(report.headline);
  const width = Math.max(0, ...keys.map((k) => k.length));
  for (const k of keys) {
    const v = report.headline[k]!;
    const s = Array.isArray(v) ? `[${v[0].toFixed(3)}, ${v[1].toFixed(3)}]` : v.toFixed(3);
    lines.push(`  ${k.padEnd(width)}  ${s}`);
  }
  if (keys.length === 0) lines.push("  (no headline numbers: see notes)");
  if (report.notes.length > 0) lines.push("", "notes:", ...report.notes.map((n) => `  - ${n}`));
  lines.push("", "(--json prints the full tables)");
  return `${lines.join("\n")}\n`;
}
