#!/usr/bin/env node
// Moves source files with `git mv` and rewrites every relative import that points at them (and the
// relative imports inside them), across the tracked .ts/.js/.mjs/.cjs files; imports of dist/ files
// follow their src/ twins. A development tool for moving modules between folders; it edits nothing
// else (comments and docs that name a path are left to the author).
//   node scripts/mv-module.mjs OLD NEW [OLD NEW ...]    (paths from the repository root)

import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, normalize, relative } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
process.chdir(root);
const args = process.argv.slice(2);
if (args.length === 0 || args.length % 2 !== 0) {
  process.stderr.write("usage: node scripts/mv-module.mjs OLD NEW [OLD NEW ...]\n");
  process.exit(2);
}
/** old path → new path (repository-relative, normalised) */
const moves = new Map();
for (let i = 0; i < args.length; i += 2) {
  const [from, to] = [normalize(args[i]), normalize(args[i + 1])];
  if (!existsSync(from)) throw new Error(`no such file: ${from}`);
  if (existsSync(to)) throw new Error(`already exists: ${to}`);
  moves.set(from, to);
}
const oldOf = new Map([...moves].map(([o, n]) => [n, o]));

const git = (...a) => execFileSync("git", a, { encoding: "utf8" });
for (const [from, to] of moves) {
  mkdirSync(dirname(to), { recursive: true });
  git("mv", from, to);
}

/** The module a specifier names, as a source path (dist/x.js → src/x.ts, x.js → x.ts when that exists). */
function sourceOf(target) {
  const inDist = target.startsWith("dist/");
  const asSrc = inDist ? `src/${target.slice(5).replace(/\.js$/, ".ts")}` : target;
  for (const cand of [asSrc, asSrc.replace(/\.js$/, ".ts")]) if (moves.has(cand) || existsSync(cand) || oldOf.has(cand)) return { path: cand, inDist };
  return null;
}

/** The specifier for `target` (a source path, possibly moved) from a file at `fromFile`. */
function specifier(fromFile, target, inDist, hadJs) {
  let path = target;
  if (inDist) path = `dist/${path.slice(4).replace(/\.ts$/, ".js")}`;
  else if (hadJs) path = path.replace(/\.ts$/, ".js");
  const rel = relative(dirname(fromFile), path).split("\\").join("/");
  return rel.startsWith(".") ? rel : `./${rel}`;
}

const SPEC = /(\bfrom\s*|\bimport\s*\(\s*|\bimport\s+|\bnew URL\(\s*)(["'])(\.\.?\/[^"']+)\2/g;
const files = git("ls-files", "-z").split("\0").filter((f) => /\.(ts|mts|cts|js|mjs|cjs)$/.test(f) && !f.startsWith("dist/"));
let changed = 0;
for (const file of files) {
  const was = oldOf.get(file) ?? file; // where the file stood when its imports were written
  const text = readFileSync(file, "utf8");
  const out = text.replace(SPEC, (all, lead, q, spec) => {
    const hadJs = spec.endsWith(".js");
    const found = sourceOf(normalize(join(dirname(was), spec)));
    if (found === null) return all; // not a file of this repository (or a folder import): leave it
    const now = moves.get(found.path) ?? found.path;
    if (now === found.path && was === file) return all;
    return `${lead}${q}${specifier(file, now, found.inDist, hadJs)}${q}`;
  });
  if (out !== text) {
    writeFileSync(file, out);
    changed++;
  }
}
process.stdout.write(`moved ${moves.size} file(s), rewrote imports in ${changed} file(s)\n`);
