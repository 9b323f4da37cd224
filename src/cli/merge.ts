// `grokscale merge STORE... [--store TARGET]`: combines results stores (the shards of an array job,
// or stores from several machines) into the target store, refusing conflicting duplicates with the
// job named. The merging is mergeStores in src/distributed/merge.ts; this file parses and prints.

import type { Command } from "commander";
import { mergeStores } from "../distributed/merge.js";
import { DEFAULT_STORE } from "../sweep/store.js";

export function registerMerge(program: Command): void {
  program
    .command("merge")
    .description("merge results stores into one (e.g. the shards of `sweep --shard I/N`); conflicting results are refused")
    .argument("<stores...>", "the stores to merge in (SQLite files)")
    .option("--store <path>", "the target store (created if missing)", DEFAULT_STORE)
    .option("--json", "print the summary as JSON")
    .action((stores: string[], opts: { store: string; json?: boolean }) => {
      const s = mergeStores(opts.store, stores);
      if (opts.json) {
        process.stdout.write(`${JSON.stringify(s)}\n`);
        return;
      }
      for (const x of s.sources) {
        process.stdout.write(
          `${x.path}: ${x.runs} runs: ${x.added} added, ${x.updated} finished here, ${x.identical} identical, ${x.skipped} unfinished\n`,
        );
      }
      process.stdout.write(`merged into ${s.target} (${s.sweeps_added} new sweeps, ${s.cells_added} new cells)\n`);
    });
}
