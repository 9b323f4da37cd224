// `grokscale serve [--store PATH] [--port N] [--host ADDR]`: the dashboard (src/dashboard) over one
// results store, read-only, until SIGINT/SIGTERM. It binds 127.0.0.1 unless told otherwise. This file
// parses flags, starts the server and prints its address; the server and page live in src/dashboard.

import type { Command } from "commander";
import { DEFAULT_HOST, DEFAULT_PORT, startServer } from "../dashboard/server.js";
import { DEFAULT_STORE } from "../sweep/store.js";
import { intFlag } from "./options.js";

interface ServeFlags {
  store: string;
  port: string;
  host: string;
}

export function registerServe(program: Command): void {
  program
    .command("serve")
    .description("serve the dashboard: sweeps, cells, live training curves, the study's figures (read-only)")
    .option("--store <path>", "results store (SQLite file)", DEFAULT_STORE)
    .option("--port <n>", "port (0: any free port)", String(DEFAULT_PORT))
    .option("--host <addr>", "address to bind (anything but loopback exposes the store to the network)", DEFAULT_HOST)
    .action(async (flags: ServeFlags) => {
      const port = intFlag("--port", flags.port, 0, 65535);
      if (!/^[A-Za-z0-9.:-]+$/.test(flags.host)) throw new Error(`serve: --host ${JSON.stringify(flags.host)} is not an address`);
      const d = await startServer({ store: flags.store, host: flags.host, port });
      const loopback = ["127.0.0.1", "localhost", "::1"].includes(flags.host);
      process.stdout.write(`grokscale dashboard: ${d.url}  (store ${flags.store}, read-only; Ctrl-C to stop)\n`);
      if (!loopback) process.stderr.write(`warning: bound to ${flags.host}: anyone who can reach this machine can read the store\n`);
      await new Promise<void>((resolve) => {
        const stop = (): void => {
          process.off("SIGINT", stop);
          process.off("SIGTERM", stop);
          void d.app.close().then(resolve, resolve);
        };
        process.on("SIGINT", stop);
        process.on("SIGTERM", stop);
      });
    });
}
