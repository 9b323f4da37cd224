// The study's layout, shared by the report document (doc.ts, index.ts) and the dashboard: which
// experiment's cells each section E1-E9 reads, and the study figures in the order they are drawn,
// each with the section it sits in. Layout facts only; the figures are drawn in figures*.ts.

import type { AnalysisReport } from "../analysis/analyze.js";
import type { ROUTED_EXPERIMENTS } from "../analysis/routing.js";
import { collapseFigure, doseFigure, gridFigure, tauFigure, type FigureSpec } from "./figures.js";
import { forkFigure } from "./figures-runs.js";
import type { CellGroups } from "./groups.js";
import type { ExpId } from "./paper.js";

/** The experiment name (CellRecord.experiment) whose cells each section reads. */
export const EXPERIMENT_OF: Record<ExpId, (typeof ROUTED_EXPERIMENTS)[number]> = {
  E1: "dose", E2: "mediation", E3: "collapse", E4: "mediation", E5: "mediation", E6: "audit", E7: "transformer", E8: "alloc", E9: "samestate",
};

export interface StudyFigure {
  id: string;
  section: ExpId;
  make: (analysis: AnalysisReport, groups: CellGroups) => FigureSpec;
}

/** The study's figures, in drawing order. (The training curves are chosen per report; see figures-runs.ts.) */
export const STUDY_FIGURES: readonly StudyFigure[] = [
  { id: "fig-collapse", section: "E2", make: (_, g) => collapseFigure(g) },
  { id: "fig-grid", section: "E3", make: gridFigure },
  { id: "fig-tau", section: "E5", make: tauFigure },
  { id: "fig-dose", section: "E1", make: doseFigure },
  { id: "fig-forks", section: "E9", make: (_, g) => forkFigure(g) },
];

/** The ids of the figures that sit in a section, in drawing order. */
export function figuresOf(e: ExpId): string[] {
  return STUDY_FIGURES.filter((f) => f.section === e).map((f) => f.id);
}
