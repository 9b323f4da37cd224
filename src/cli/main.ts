// The grokscale command line: one commander program; each command lives in its own file.
import { Command } from "commander";
import { packageVersion } from "../base/version.js";
import { registerAnalyze } from "./analyze.js";
import { registerBench } from "./bench.js";
import { registerCalibrate } from "./calibrate.js";
import { registerExport } from "./export.js";
import { registerMerge } from "./merge.js";
import { registerPlayground } from "./playground.js";
import { registerPlan } from "./plan.js";
import { registerServe } from "./serve.js";
import { registerReport } from "./report.js";
import { registerReproduce } from "./reproduce.js";
import { registerStatus } from "./status.js";
import { registerSweep } from "./sweep.js";
import { registerTrain } from "./train.js";
import { registerWorker } from "./worker.js";
import { dropWasmStackChecks } from "./v8-flags.js";

/** The whole command line, every command registered; `main` parses argv with it. */
export function buildProgram(): Command {
  const program = new Command();
  program
    .name("grokscale")
    .version(packageVersion(), "-V, --version", "print the version")
    .description("A laboratory for grokking: logit-scale mediation under cross-entropy.")
    .showHelpAfterError(false)
    .configureOutput({ outputError: (str, write) => write(str.replace(/^error: /, "grokscale: ")) });
  registerTrain(program);
  registerCalibrate(program);
  registerBench(program);
  registerAnalyze(program);
  registerSweep(program);
  registerStatus(program);
  registerExport(program);
  registerWorker(program);
  registerMerge(program);
  registerServe(program);
  registerPlayground(program);
  registerReport(program);
  registerReproduce(program);
  registerPlan(program);
  return program;
}

export async function main(argv: string[]): Promise<void> {
  dropWasmStackChecks(); // before any kernel module is compiled (cli/v8-flags.ts)
  await buildProgram().parseAsync(argv);
}
