// The package version (package.json), and the code version recorded with every run: the package
// version plus the git commit when the package sits in a git checkout (read from .git, no process
// spawned). GROKSCALE_CODE_VERSION overrides the code version. Nothing else here.

import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

let cached: string | null = null;
const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

/** package.json's version; "unknown" outside the package layout. */
export function packageVersion(): string {
  try {
    return (JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { version: string }).version;
  } catch {
    return "unknown"; // not in a package layout
  }
}

function gitCommit(root: string): string | null {
  try {
    const head = readFileSync(join(root, ".git", "HEAD"), "utf8").trim();
    if (!head.startsWith("ref: ")) return head.slice(0, 12);
    const ref = head.slice(5);
    try {
      return readFileSync(join(root, ".git", ref), "utf8").trim().slice(0, 12);
    } catch {
      const packed = readFileSync(join(root, ".git", "packed-refs"), "utf8");
      const line = packed.split("\n").find((l) => l.endsWith(` ${ref}`));
      return line ? line.slice(0, 12) : null;
    }
  } catch {
    return null;
  }
}

export function codeVersion(): string {
  if (process.env["GROKSCALE_CODE_VERSION"]) return process.env["GROKSCALE_CODE_VERSION"];
  if (cached !== null) return cached;
  const commit = gitCommit(root);
  cached = `grokscale@${packageVersion()}${commit ? `+${commit}` : ""}`;
  return cached;
}
