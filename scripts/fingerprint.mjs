// Fingerprint of short wasm training runs (p = 59 MLP, f32 and f64, CE and MSE, full batch and
// minibatch): a SHA-256 of every logged row and the parameters one step before the end. Used to check that a speed
// change leaves the wasm path's bits unchanged: run it before and after and compare the lines.
// Not a test (the numbers are only meaningful as a before/after pair); needs `npm run build` first.
//   node scripts/fingerprint.mjs [STEPS] [DIST]   (DIST: another build's dist/, default this one's)
import { createHash } from "node:crypto";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";

const dist = resolve(process.argv[3] ?? new URL("../dist", import.meta.url).pathname);
const { resolveConfig } = await import(pathToFileURL(`${dist}/experiments/config.js`).href);
const { runSeed } = await import(pathToFileURL(`${dist}/train/trainer.js`).href);

const cases = [
  { p: 59, dtype: "f32", loss: "ce", wc: 50, t_int: 20 },
  { p: 59, dtype: "f64", loss: "ce", wc: 50, t_int: 20 },
  { p: 59, dtype: "f32", loss: "mse", tau: 1.3 },
  { p: 31, dtype: "f32", loss: "ce", batch_size: 128 },
  { p: 31, dtype: "f64", loss: "ce", gamma: 0.2, theta0: 0.4, wc: 30, t_int: 10 },
  { p: 13, d_embed: 8, hidden: 16, dtype: "f32", kernels: "reference", wc: 5, t_int: 10 },
  { p: 13, d_embed: 8, hidden: 16, dtype: "f64", kernels: "reference", loss: "mse" },
  { model: "transformer", p: 31, dtype: "f32", layernorm: "pre" },
  { model: "transformer", p: 31, dtype: "f64" },
];
const steps = Number(process.argv[2] ?? 60);
for (const c of cases) {
  const cfg = resolveConfig({ ...c, steps, eval_every: 10, log_every: 10, stop_on_grok: false });
  let last = null;
  const out = runSeed(cfg, 3, { checkpointEvery: steps - 1, onCheckpoint: (s) => (last = s) });
  const h = createHash("sha256");
  h.update(JSON.stringify(out.result.log));
  for (const [k, v] of Object.entries(last.params)) h.update(k).update(Buffer.from(v.buffer));
  console.log(JSON.stringify(c), h.digest("hex").slice(0, 16));
}
