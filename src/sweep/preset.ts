// Preset names for `grokscale sweep --preset`: a scale ("quick", "paper") runs every experiment of
// that scale in order; "SCALE/ID" (e.g. quick/E2, paper/e1-dose) runs one experiment, named by its
// id or its sweep name. The experiments themselves are defined in src/experiments/presets.ts; this
// file only looks names up.

import { SCALES, extraExperiments, isScale, presetExperiments, type PresetExperiment, type PresetOptions } from "../experiments/presets.js";

export class PresetError extends Error {}

/** The experiments a preset name denotes, in run order; throws PresetError listing the choices. */
export function presetSpecs(name: string, opts: PresetOptions = {}): PresetExperiment[] {
  if (isScale(name)) return presetExperiments(name, opts);
  const [scale, id, ...rest] = name.split("/");
  if (scale === undefined || id === undefined || rest.length > 0 || !isScale(scale)) {
    throw new PresetError(`unknown preset "${name}": use a scale (${SCALES.join(", ")}) or SCALE/EXPERIMENT, e.g. quick/E2`);
  }
  const all = [...presetExperiments(scale, opts), ...extraExperiments(scale)];
  const hit = all.filter((e) => e.id.toLowerCase() === id.toLowerCase() || e.spec.name === id);
  if (hit.length === 0) {
    const known = all.map((e) => `${scale}/${e.id} (${e.spec.name})`).join(", ");
    throw new PresetError(`unknown preset "${name}"; ${scale} has: ${known}`);
  }
  return hit;
}
