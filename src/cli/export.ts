// `grokscale export --format csv|jsonl --table cells|seeds|series|all`: writes a results store's
// tables to stdout or a file (or, for `all`, three files into a folder). The rows come from
// src/sweep/export.ts; this file only chooses and writes.

import { createWriteStream } from "node:fs";
import { join, resolve } from "node:path";
import { once } from "node:events";
import type { Writable } from "node:stream";
import { Option, type Command } from "commander";
import { EXPORT_TABLES, exportLines, type ExportFormat, type ExportTable } from "../sweep/export.js";
import { DEFAULT_STORE, openStore, type DB } from "../sweep/store.js";
import { makeDir } from "../sweep/store-identity.js";

async function writeLines(out: Writable, lines: Iterable<string>): Promise<number> {
  let n = 0;
  for (const line of lines) {
    n++;
    if (!out.write(`${line}\n`)) await once(out, "drain");
  }
  return n;
}

async function toFile(path: string, db: DB, table: ExportTable, format: ExportFormat, sweep: string | null): Promise<number> {
  const out = createWriteStream(path);
  const n = await writeLines(out, exportLines(db, table, format, sweep));
  out.end();
  await once(out, "finish");
  return n;
}

export function registerExport(program: Command): void {
  program
    .command("export")
    .description("export stored cells, seeds or series as CSV or JSON Lines")
    .addOption(new Option("--format <format>", "output format").choices(["csv", "jsonl"]).makeOptionMandatory())
    .addOption(new Option("--table <table>", "what to export").choices([...EXPORT_TABLES, "all"]).default("seeds"))
    .option("--store <path>", "results store (SQLite file)", DEFAULT_STORE)
    .option("--sweep <name>", "only this sweep")
    .option("--out <path>", "output file (a folder for --table all); default stdout")
    .action(async (opts: { format: ExportFormat; table: ExportTable | "all"; store: string; sweep?: string; out?: string }) => {
      const db = openStore(opts.store, { readonly: true });
      try {
        const sweep = opts.sweep ?? null;
        if (sweep !== null && db.prepare("SELECT 1 FROM sweeps WHERE name = ?").get(sweep) === undefined) {
          throw new Error(`export: no sweep named ${sweep} in ${opts.store}`);
        }
        if (opts.table === "all") {
          if (opts.out === undefined) throw new Error("export: --table all needs --out FOLDER");
          makeDir(resolve(opts.out), "output folder"); // not a recursive mkdir: that never returns under /proc
          for (const t of EXPORT_TABLES) {
            const path = join(opts.out, `${t}.${opts.format}`);
            const n = await toFile(path, db, t, opts.format, sweep);
            process.stderr.write(`wrote ${path} (${n} lines)\n`);
          }
        } else if (opts.out !== undefined) {
          const n = await toFile(opts.out, db, opts.table, opts.format, sweep);
          process.stderr.write(`wrote ${opts.out} (${n} lines)\n`);
        } else {
          // a reader that stops early (`| head`) is not an error
          process.stdout.on("error", (err: NodeJS.ErrnoException) => {
            if (err.code === "EPIPE") process.exit(0);
          });
          await writeLines(process.stdout, exportLines(db, opts.table, opts.format, sweep));
        }
      } finally {
        db.close();
      }
    });
}
