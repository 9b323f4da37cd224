// `grokscale status`: what a results store holds, per sweep (jobs done by outcome, pending, running,
// failed) and which jobs are unfinished and how far they got. Reads only; the data comes from
// src/sweep/status.ts and this file formats it.

import type { Command } from "commander";
import { storeStatus, type StoreStatus } from "../sweep/status.js";
import { DEFAULT_STORE, openStore } from "../sweep/store.js";

function render(st: StoreStatus, all: boolean): string {
  const out: string[] = [`store ${st.store} (schema v${st.schema_version}), ${st.sweeps.length} sweep(s)`];
  if (st.sweeps.length === 0) out.push("  (empty)");
  for (const s of st.sweeps) {
    out.push(
      `sweep ${s.name}: ${s.cells} cells, ${s.total} jobs: ${s.done} done (grokked ${s.grokked}, censored ${s.censored}, ` +
        `diverged ${s.diverged}), ${s.running} running, ${s.pending} pending, ${s.failed} failed  [${s.code_version}]`,
    );
    const shown = all ? s.unfinished : s.unfinished.slice(0, 20);
    for (const u of shown) {
      const at = u.last_step === null ? "not started" : `step ${u.last_step}/${u.steps}`;
      const who =
        u.status === "running"
          ? u.orphaned
            ? " (claimer gone: the next sweep resumes it)"
            : ` (by ${u.claimed_by}, heartbeat ${u.heartbeat_age_s?.toFixed(0)}s ago)`
          : u.status === "failed"
            ? `: ${(u.error ?? "").split("\n")[0]}`
            : "";
      out.push(`  ${u.status.padEnd(7)} ${u.jobId.slice(0, 12)} ${u.label} seed ${u.seed} ${at}${who}`);
    }
    if (shown.length < s.unfinished.length) out.push(`  ... ${s.unfinished.length - shown.length} more (--all)`);
  }
  if (st.checkpointed_jobs > 0) out.push(`${st.checkpointed_jobs} job(s) have checkpoints on disk`);
  return out.join("\n");
}

export function registerStatus(program: Command): void {
  program
    .command("status")
    .description("show what a results store holds and what is unfinished")
    .option("--store <path>", "results store (SQLite file)", DEFAULT_STORE)
    .option("--sweep <name>", "only this sweep")
    .option("--all", "list every unfinished job")
    .option("--json", "print as JSON")
    .action((opts: { store: string; sweep?: string; all?: boolean; json?: boolean }) => {
      const db = openStore(opts.store, { readonly: true });
      try {
        const st = storeStatus(db, opts.store, opts.sweep);
        if (opts.sweep !== undefined && st.sweeps.length === 0) throw new Error(`status: no sweep named ${opts.sweep} in ${opts.store}`);
        process.stdout.write(`${opts.json ? JSON.stringify(st, null, 2) : render(st, opts.all === true)}\n`);
      } finally {
        db.close();
      }
    });
}
