#!/usr/bin/env node
// The grokscale command: a thin launcher for the compiled CLI in dist/ (built by `npm run build`).
import { main } from "../dist/cli/main.js";

main(process.argv).catch((err) => {
  process.stderr.write(`grokscale: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
