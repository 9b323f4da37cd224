// Reading a user's JSON file (a sweep spec, a --config file) at the command line's edge: one error
// line naming the file for an unreadable file, invalid JSON, or nesting deeper than the limit (which
// would overflow the stack of whatever walks it next). Returns the parsed value; validates nothing else.

import { readFileSync } from "node:fs";

/** Deepest nesting accepted in a user's JSON file. */
export const MAX_JSON_DEPTH = 64;

/** The deepest nesting of arrays/objects in JSON text, scanning past strings (no recursion). */
export function jsonDepth(text: string): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92) i++; // backslash: skip the escaped character
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 91 || c === 123) max = Math.max(max, ++depth);
    else if (c === 93 || c === 125) depth--;
  }
  return max;
}

/** Reads and parses `path`; `what` names it in errors ("sweep spec", "config file"). */
export function readJsonFile(path: string, what: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    throw new Error(`cannot read ${what} ${path}: ${(err as Error).message}`);
  }
  const depth = jsonDepth(text);
  if (depth > MAX_JSON_DEPTH) throw new Error(`${what} ${path}: JSON nested ${depth} levels deep, more than the limit of ${MAX_JSON_DEPTH}`);
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new Error(`${what} ${path} is not valid JSON: ${(err as Error).message}`);
  }
}
