// Canvas drawing for the playground page: line charts with event markers (T_mem dotted, T_grok
// solid) and the spectrum heatmap (frequency against step). Draws what it is given; no state, no
// data fetching. Canvas rather than SVG so hundreds of redraws a second stay cheap.

export interface Series {
  color: string;
  dash?: number[];
  points: Array<[number, number]>;
  label?: string;
}

export interface Marker {
  x: number;
  color: string;
  dash?: number[];
}

export interface ChartSpec {
  title: string;
  series: Series[];
  markers?: Marker[];
  logY?: boolean;
  /** fixed y range (else from the data) */
  y?: [number, number];
  /** x range (else from the data) */
  x?: [number, number];
}

const PAD = { l: 46, r: 8, t: 18, b: 20 };

function fmt(v: number): string {
  if (Number.isInteger(v) && Math.abs(v) < 1e6) return String(v);
  const a = Math.abs(v);
  if (a !== 0 && (a >= 1e4 || a < 1e-2)) return v.toExponential(0);
  return a >= 100 ? v.toFixed(0) : a >= 10 ? v.toFixed(1) : v.toFixed(2);
}

function prepare(canvas: HTMLCanvasElement): CanvasRenderingContext2D {
  const dpr = globalThis.devicePixelRatio || 1;
  const w = canvas.clientWidth || 300;
  const h = canvas.clientHeight || 160;
  if (canvas.width !== Math.round(w * dpr)) canvas.width = Math.round(w * dpr);
  if (canvas.height !== Math.round(h * dpr)) canvas.height = Math.round(h * dpr);
  const g = canvas.getContext("2d")!;
  g.setTransform(dpr, 0, 0, dpr, 0, 0);
  g.clearRect(0, 0, w, h);
  g.font = "11px system-ui, sans-serif";
  return g;
}

export function drawChart(canvas: HTMLCanvasElement, spec: ChartSpec): void {
  const g = prepare(canvas);
  const w = canvas.clientWidth || 300;
  const h = canvas.clientHeight || 160;
  const ty = (v: number) => (spec.logY ? Math.log10(Math.max(v, 1e-12)) : v);
  const pts = spec.series.flatMap((s) => s.points).filter(([, y]) => Number.isFinite(y) && (!spec.logY || y > 0));
  let [x0, x1] = spec.x ?? [Math.min(0, ...pts.map((p) => p[0])), Math.max(1, ...pts.map((p) => p[0]))];
  if (x1 <= x0) x1 = x0 + 1;
  let [y0, y1] = spec.y ? spec.y.map(ty) as [number, number] : [Math.min(...pts.map((p) => ty(p[1]))), Math.max(...pts.map((p) => ty(p[1])))];
  if (!Number.isFinite(y0) || !Number.isFinite(y1)) [y0, y1] = [0, 1];
  if (y1 - y0 < 1e-9) [y0, y1] = [y0 - 0.5, y1 + 0.5];
  if (!spec.y) [y0, y1] = [y0 - 0.04 * (y1 - y0), y1 + 0.04 * (y1 - y0)];
  const X = (x: number) => PAD.l + ((x - x0) / (x1 - x0)) * (w - PAD.l - PAD.r);
  const Y = (y: number) => h - PAD.b - ((ty(y) - y0) / (y1 - y0)) * (h - PAD.t - PAD.b);
  g.strokeStyle = "#ccc";
  g.lineWidth = 1;
  g.strokeRect(PAD.l, PAD.t, w - PAD.l - PAD.r, h - PAD.t - PAD.b);
  g.fillStyle = "#333";
  g.fillText(spec.title, PAD.l, 12);
  g.fillStyle = "#666";
  for (const f of [0, 0.5, 1]) {
    const yv = y0 + f * (y1 - y0);
    g.fillText(fmt(spec.logY ? 10 ** yv : yv), 2, h - PAD.b - f * (h - PAD.t - PAD.b) + 4);
    const xv = x0 + f * (x1 - x0);
    const label = fmt(Math.round(xv));
    g.fillText(label, Math.min(X(xv) - (f * g.measureText(label).width), w - g.measureText(label).width), h - 5);
  }
  g.save();
  g.beginPath();
  g.rect(PAD.l, PAD.t, w - PAD.l - PAD.r, h - PAD.t - PAD.b);
  g.clip();
  for (const m of spec.markers ?? []) {
    g.strokeStyle = m.color;
    g.setLineDash(m.dash ?? []);
    g.beginPath();
    g.moveTo(X(m.x), PAD.t);
    g.lineTo(X(m.x), h - PAD.b);
    g.stroke();
  }
  g.lineWidth = 1.6;
  for (const s of spec.series) {
    g.strokeStyle = s.color;
    g.setLineDash(s.dash ?? []);
    g.beginPath();
    let pen = false;
    for (const [x, y] of s.points) {
      if (!Number.isFinite(y) || (spec.logY && y <= 0)) {
        pen = false;
        continue;
      }
      if (pen) g.lineTo(X(x), Y(y));
      else g.moveTo(X(x), Y(y));
      pen = true;
    }
    g.stroke();
  }
  g.restore();
  g.setLineDash([]);
}

/** Heatmap of spectra: column i = spectra[i] at steps[i], row k = frequency k+1; colour = share. */
export function drawSpectrum(canvas: HTMLCanvasElement, title: string, steps: number[], spectra: number[][], markers: Marker[] = []): void {
  const g = prepare(canvas);
  const w = canvas.clientWidth || 300;
  const h = canvas.clientHeight || 160;
  g.fillStyle = "#333";
  g.fillText(title, PAD.l, 12);
  const pw = w - PAD.l - PAD.r;
  const ph = h - PAD.t - PAD.b;
  g.fillStyle = "#f4f4f4";
  g.fillRect(PAD.l, PAD.t, pw, ph);
  const n = spectra.length;
  if (n === 0) return;
  const K = spectra[0]!.length;
  const cw = pw / n;
  const rh = ph / K;
  for (let i = 0; i < n; i++) {
    const col = spectra[i]!;
    for (let k = 0; k < K; k++) {
      // a flat spectrum (share 1/K each) is pale; a frequency holding 5× its flat share is full colour
      const v = Math.min(1, (col[k]! * K) / 5);
      g.fillStyle = `rgb(${Math.round(255 - 230 * v)},${Math.round(255 - 190 * v)},${Math.round(255 - 90 * v)})`;
      g.fillRect(PAD.l + i * cw, PAD.t + k * rh, Math.ceil(cw), Math.ceil(rh));
    }
  }
  g.fillStyle = "#666";
  g.fillText("k=1", 14, PAD.t + 9);
  g.fillText(`k=${K}`, 8, h - PAD.b);
  g.fillText("0", PAD.l, h - 5);
  const last = String(steps[n - 1]);
  g.fillText(last, w - PAD.r - g.measureText(last).width, h - 5);
  for (const m of markers) {
    const i = steps.findIndex((s) => s >= m.x);
    if (i < 0) continue;
    g.strokeStyle = m.color;
    g.setLineDash(m.dash ?? []);
    g.beginPath();
    g.moveTo(PAD.l + (i + 0.5) * cw, PAD.t);
    g.lineTo(PAD.l + (i + 0.5) * cw, h - PAD.b);
    g.stroke();
  }
  g.setLineDash([]);
}
