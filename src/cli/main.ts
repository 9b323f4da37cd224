// The grokscale command line: one commander program; each command lives in its own file.
import { Command } from "commander";

export async function main(argv: string[]): Promise<void> {
  const program = new Command();
  program.name("grokscale").description("A laboratory for grokking: logit-scale mediation under cross-entropy.");
  await program.parseAsync(argv);
}
