// Stands in for node:fs and node:fs/promises in the browser bundle (scripts/build-playground.mjs maps
// them here): the trainer's path reads wasm files only when no module was handed in, which the
// playground's worker always does, so reaching any of these is a bug and says so.

const absent = (name: string) => (): never => {
  throw new Error(`${name} is not available in the browser (the playground hands the wasm modules in)`);
};
export const existsSync = absent("fs.existsSync");
export const readFileSync = absent("fs.readFileSync");
export const readFile = absent("fs.promises.readFile");
