// The playground page's shared shape: an arm as the page holds it, the overlay of a stored run, the
// hook tests read (window.__playground), and the App handle the page's modules work through. Types
// and two tiny helpers only; main.ts makes the App.

import type { RunConfig } from "../base/config.js";
import type { LogRow, SeedResult } from "../base/results.js";
import type { PlaygroundState } from "./state.js";

export const COLORS = ["#1f6feb", "#d1242f", "#1a7f37", "#8250df"];

export interface Arm {
  config: RunConfig;
  seed: number;
  worker: Worker | null;
  status: "idle" | "loading" | "running" | "paused" | "done" | "error";
  step: number;
  rows: LogRow[];
  spectra: number[][];
  T_mem: number | null;
  T_grok: number | null;
  result: SeedResult | null;
  steps_per_s: number;
  error: string | null;
}

export interface Overlay {
  label: string;
  rows: Array<Record<string, number>>;
}

/** What the page exposes as window.__playground (read by the tests). */
export interface Hook {
  ready: boolean;
  state: PlaygroundState;
  arms: Arm[];
  error: string | null;
  overlay: Overlay | null;
  storeMode: "server" | "file";
}

export interface App {
  state: PlaygroundState;
  arms: Arm[];
  overlay: Overlay | null;
  hook: Hook;
  /** validates, puts the state in the URL, resets the arms and redraws the controls */
  setState(next: PlaygroundState): void;
  showError(msg: string | null): void;
  scheduleDraw(): void;
}

export const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
