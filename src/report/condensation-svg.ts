/**
 * Pictures of condensation, hand-written SVG: the cosine heatmap of a layer's neurons (the authors'
 * figure: rows and columns ordered by the leading eigenvector of S, matplotlib's YlGnBu from −1 to
 * +1, so +1 is navy and −1 pale yellow — the scale is drawn beside every strip), a strip of frames
 * (one per snapshot), and the 1-D feature plot θ_k against A_k.
 */
import type { LayerCondensation } from "../lenses/condensation/index.js";
import { xmlEscape } from "./colors.js";

/** ColorBrewer's YlGnBu, 9 classes (matplotlib's 'YlGnBu' interpolates these). */
const YLGNBU = ["#ffffd9", "#edf8b1", "#c7e9b4", "#7fcdbb", "#41b6c4", "#1d91c0", "#225ea8", "#253494", "#081d58"];

function rgb(c: string): number[] {
  return [1, 3, 5].map((i) => parseInt(c.slice(i, i + 2), 16));
}

/** YlGnBu at cos ∈ [−1, 1]: −1 pale yellow, +1 navy. */
export function ylgnbu(cos: number): string {
  const t = (Math.max(-1, Math.min(1, Number.isFinite(cos) ? cos : 0)) + 1) / 2 * (YLGNBU.length - 1);
  const i = Math.min(Math.floor(t), YLGNBU.length - 2), f = t - i;
  const a = rgb(YLGNBU[i]!), b = rgb(YLGNBU[i + 1]!);
  return "#" + a.map((v, j) => Math.round(v + f * (b[j]! - v)).toString(16).padStart(2, "0")).join("");
}

/** Display order of a heatmap: the authors' (leading eigenvector of S) or by cluster. */
export type HeatmapOrder = "eigenvector" | "cluster";

/** One frame: a title and a layer's report (it must carry its cosine matrix). */
export interface HeatmapFrame {
  title: string;
  layer: LayerCondensation;
  /** The line under the title (default: lines, orientations and kept neurons of the layer). */
  note?: string;
}

/** Options of the heatmap pictures. */
export interface HeatmapSvgOptions {
  order?: HeatmapOrder;
  /** Side of one frame in pixels (default 220). */
  size?: number;
  /** Frames per row of the strip (default: all in one row, at most 6). */
  perRow?: number;
  title?: string;
}

const LEVELS = 96;

/** The <rect>s of one ordered matrix at (x, y), side `size`; equal neighbouring cells along a row are merged. */
function matrixRects(layer: LayerCondensation, order: HeatmapOrder, x: number, y: number, size: number): string {
  const S = layer.cosine;
  const n = layer.kept;
  if (!S || n === 0) return `<text x="${x + size / 2}" y="${y + size / 2}" text-anchor="middle" font-size="11">${n === 0 ? "no neuron kept" : "matrix not included"}</text>`;
  const pos = new Map(layer.order.keptUnits.map((k, i) => [k, i]));
  const units = order === "cluster" ? [...layer.order.cluster, ...layer.order.keptUnits.filter((k) => !layer.order.cluster.includes(k))] : layer.order.eigenvector;
  const idx = units.map((k) => pos.get(k)!);
  const cell = size / n;
  const parts: string[] = [];
  for (let r = 0; r < n; r++) {
    let c0 = 0;
    const level = (c: number): number => Math.round(((S[idx[r]! * n + idx[c]!]! + 1) / 2) * (LEVELS - 1));
    while (c0 < n) {
      const lv = level(c0);
      let c1 = c0 + 1;
      while (c1 < n && level(c1) === lv) c1++;
      const col = ylgnbu((lv / (LEVELS - 1)) * 2 - 1);
      parts.push(`<rect x="${(x + c0 * cell).toFixed(2)}" y="${(y + r * cell).toFixed(2)}" width="${((c1 - c0) * cell + 0.4).toFixed(2)}" height="${(cell + 0.4).toFixed(2)}" fill="${col}"/>`);
      c0 = c1;
    }
  }
  return parts.join("");
}

function colorBar(x: number, y: number, h: number): string {
  const steps = 40, parts: string[] = [];
  for (let i = 0; i < steps; i++) {
    const v = 1 - (2 * i) / (steps - 1);
    parts.push(`<rect x="${x}" y="${(y + (i * h) / steps).toFixed(2)}" width="12" height="${(h / steps + 0.5).toFixed(2)}" fill="${ylgnbu(v)}"/>`);
  }
  parts.push(`<rect x="${x}" y="${y}" width="12" height="${h}" fill="none" stroke="#333" stroke-width="0.5"/>`);
  for (const [v, t] of [[1, "+1"], [0, "0"], [-1, "−1"]] as const) {
    parts.push(`<text x="${x + 16}" y="${(y + ((1 - v) / 2) * h + 4).toFixed(1)}" font-size="11">${t}</text>`);
  }
  parts.push(`<text x="${x + 6}" y="${y - 8}" font-size="10" text-anchor="middle">cos</text>`);
  return parts.join("");
}

/** A strip of cosine heatmaps, one per frame, with the colour scale (YlGnBu, −1 … +1) at the right. */
export function renderCondensationStripSvg(frames: HeatmapFrame[], opts: HeatmapSvgOptions = {}): string {
  const size = opts.size ?? 220, order = opts.order ?? "eigenvector";
  const perRow = Math.max(1, opts.perRow ?? Math.min(frames.length, 6));
  const rows = Math.ceil(frames.length / perRow);
  const pad = 14, head = opts.title ? 30 : 8, cap = 34;
  const width = Math.max(pad + perRow * (size + pad) + 50, opts.title ? 2 * pad + 8.5 * opts.title.length : 0);
  const height = head + rows * (size + cap + pad);
  const body: string[] = [];
  if (opts.title) body.push(`<text x="${pad}" y="20" font-size="14" font-weight="bold">${xmlEscape(opts.title)}</text>`);
  frames.forEach((f, i) => {
    const x = pad + (i % perRow) * (size + pad), y = head + Math.floor(i / perRow) * (size + cap + pad) + cap;
    const l = f.layer;
    body.push(`<text x="${x}" y="${y - 20}" font-size="12" font-weight="bold">${xmlEscape(f.title)}</text>`);
    body.push(`<text x="${x}" y="${y - 6}" font-size="11">${f.note !== undefined ? xmlEscape(f.note) : `${l.lines} line${l.lines === 1 ? "" : "s"}, ${l.orientations} orientation${l.orientations === 1 ? "" : "s"} · ${l.kept}/${l.units} kept`}</text>`);
    body.push(matrixRects(l, order, x, y, size));
    body.push(`<rect x="${x}" y="${y}" width="${size}" height="${size}" fill="none" stroke="#333" stroke-width="0.5"/>`);
  });
  body.push(colorBar(pad + perRow * (size + pad) + 6, head + cap, Math.min(size, 200)));
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="DejaVu Sans, sans-serif">` +
    `<rect width="100%" height="100%" fill="white"/>${body.join("")}</svg>`;
}

/** One layer's heatmap (a strip of one). */
export function renderCosineHeatmapSvg(layer: LayerCondensation, opts: HeatmapSvgOptions & { caption?: string } = {}): string {
  return renderCondensationStripSvg([{ title: opts.caption ?? `${layer.layer} (${layer.activation})`, layer }], { size: 360, ...opts });
}

/** The 1-D feature plot: θ_k = sign(b_k)·arccos(w_k/‖u_k‖) against A_k = a_k·‖u_k‖, one panel per frame. */
export function renderFeatureSvg(frames: HeatmapFrame[], opts: { size?: number; perRow?: number; title?: string } = {}): string {
  const size = opts.size ?? 220, pad = 64;
  const withF = frames.filter((f) => f.layer.features);
  const perRow = Math.max(1, opts.perRow ?? Math.min(withF.length, 4));
  const rows = Math.max(1, Math.ceil(withF.length / perRow));
  const head = opts.title ? 30 : 8;
  const width = pad + perRow * (size + pad), height = head + rows * (size + pad + 20);
  const body: string[] = [];
  if (opts.title) body.push(`<text x="12" y="20" font-size="14" font-weight="bold">${xmlEscape(opts.title)}</text>`);
  withF.forEach((f, i) => {
    const { theta, amplitude } = f.layer.features!;
    const x0 = pad + (i % perRow) * (size + pad), y0 = head + 20 + Math.floor(i / perRow) * (size + pad + 20);
    const amax = Math.max(1e-300, ...amplitude.map(Math.abs));
    const px = (t: number): number => x0 + ((t + Math.PI) / (2 * Math.PI)) * size;
    const py = (a: number): number => y0 + size / 2 - (a / amax) * (size / 2) * 0.95;
    body.push(`<text x="${x0}" y="${y0 - 6}" font-size="12" font-weight="bold">${xmlEscape(f.title)}</text>`);
    body.push(`<rect x="${x0}" y="${y0}" width="${size}" height="${size}" fill="none" stroke="#333" stroke-width="0.6"/>`);
    body.push(`<line x1="${x0}" x2="${x0 + size}" y1="${y0 + size / 2}" y2="${y0 + size / 2}" stroke="#bbb" stroke-width="0.5"/>`);
    for (const [t, lab] of [[-Math.PI, "−π"], [0, "0"], [Math.PI, "π"]] as const) {
      body.push(`<text x="${px(t)}" y="${y0 + size + 13}" font-size="10" text-anchor="middle">${lab}</text>`);
    }
    body.push(`<text x="${x0 + size / 2}" y="${y0 + size + 26}" font-size="10" text-anchor="middle">θ_k</text>`);
    body.push(`<text x="${x0 - 4}" y="${y0 + 8}" font-size="9" text-anchor="end">${amax.toPrecision(2)}</text>`);
    body.push(`<text x="${x0 - 4}" y="${y0 + size}" font-size="9" text-anchor="end">${(-amax).toPrecision(2)}</text>`);
    body.push(`<text x="${x0 - 28}" y="${y0 + size / 2}" font-size="10" transform="rotate(-90 ${x0 - 28} ${y0 + size / 2})" text-anchor="middle">A_k = a_k·‖u_k‖</text>`);
    theta.forEach((t, k) => body.push(`<circle cx="${px(t).toFixed(2)}" cy="${py(amplitude[k]!).toFixed(2)}" r="2.2" fill="#225ea8" fill-opacity="0.75"/>`));
  });
  if (withF.length === 0) body.push(`<text x="12" y="${head + 20}" font-size="12">the feature plot needs a layer with one input and one output</text>`);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="DejaVu Sans, sans-serif">` +
    `<rect width="100%" height="100%" fill="white"/>${body.join("")}</svg>`;
}
