// A/B timing of the training step between two builds of grokscale (e.g. a baseline's dist/ and this
// one's), interleaved round by round in one process: CPU milliseconds per step of this process over
// the timed steps, wall milliseconds, and the fastest 25-step window (evaluation included) of each
// build — the least disturbed figure on a shared machine. A script for before/after, not a test:
//   node scripts/ab-step.mjs BEFORE_DIST AFTER_DIST [p] [dtype] [steps] [rounds]
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";

const [beforeDir, afterDir] = process.argv.slice(2, 4).map((d) => resolve(d));
const p = Number(process.argv[4] ?? 59);
const dtype = process.argv[5] ?? "f32";
const steps = Number(process.argv[6] ?? 200);
const rounds = Number(process.argv[7] ?? 4);
const warmup = 25;

async function load(dir) {
  const { runSeed } = await import(pathToFileURL(`${dir}/train/trainer.js`).href);
  const { resolveConfig } = await import(pathToFileURL(`${dir}/experiments/config.js`).href);
  return () => {
    const cfg = resolveConfig({ p, dtype, wc: 50, t_int: 1, steps: warmup + steps, stop_on_grok: false, log_every: 1000000 });
    let c0, w0, cpu = 0, wall = 0, last = 0, best = Infinity;
    runSeed(cfg, 0, {
      onProgress: (s) => {
        const now = performance.now();
        if (s > warmup && s % 25 === 0) best = Math.min(best, (now - last) / 25);
        last = now;
        if (s === warmup) [c0, w0] = [process.cpuUsage(), performance.now()];
        if (s === warmup + steps) {
          const c = process.cpuUsage(c0);
          cpu = (c.user + c.system) / 1000 / steps;
          wall = (performance.now() - w0) / steps;
        }
      },
    });
    return { cpu, wall, best };
  };
}
const builds = { before: await load(beforeDir), after: await load(afterDir) };
const out = { before: { cpu: [], wall: [], best: [] }, after: { cpu: [], wall: [], best: [] } };
for (let r = 0; r < rounds; r++) {
  for (const name of r % 2 ? ["after", "before"] : ["before", "after"]) {
    const t = builds[name]();
    out[name].cpu.push(t.cpu);
    out[name].wall.push(t.wall);
    out[name].best.push(t.best);
  }
}
const med = (a) => { const s = [...a].sort((x, y) => x - y); return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2; };
const f = (a) => a.map((x) => x.toFixed(2)).join(" ");
for (const name of ["before", "after"]) {
  console.log(`${name}: p=${p} ${dtype} cpu ms/step ${f(out[name].cpu)} (median ${med(out[name].cpu).toFixed(2)}); wall ${f(out[name].wall)} (median ${med(out[name].wall).toFixed(2)}); fastest 25-step window ${Math.min(...out[name].best).toFixed(2)}`);
}
console.log(`after/before: cpu (medians) ${(med(out.after.cpu) / med(out.before.cpu)).toFixed(3)}, wall (medians) ${(med(out.after.wall) / med(out.before.wall)).toFixed(3)}, fastest windows ${(Math.min(...out.after.best) / Math.min(...out.before.best)).toFixed(3)}`);
