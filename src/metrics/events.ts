// Events (docs/study.md §6): T_mem = first evaluation step with train accuracy ≥ 0.99; T_grok = first with
// test accuracy ≥ 0.90; delay = T_grok − T_mem. A seed that never reaches an event is censored
// (null), never imputed.

export const MEM_ACC = 0.99;
export const GROK_ACC = 0.9;

export interface EventState {
  T_mem: number | null;
  T_grok: number | null;
}

/** Updates the events with one evaluation; returns which events fired at this step. */
export function observe(state: EventState, step: number, trainAcc: number, testAcc: number): { mem: boolean; grok: boolean } {
  const mem = state.T_mem === null && trainAcc >= MEM_ACC;
  const grok = state.T_grok === null && testAcc >= GROK_ACC;
  if (mem) state.T_mem = step;
  if (grok) state.T_grok = step;
  return { mem, grok };
}

export function delayOf(state: EventState): number | null {
  return state.T_mem !== null && state.T_grok !== null ? state.T_grok - state.T_mem : null;
}
