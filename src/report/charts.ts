/**
 * The report's own charts, vega-lite compiled and rendered headless by vega to SVG (as prune-svg.ts
 * does): per-layer stability bars, GDV by layer, representation rank by layer, and a run's curves
 * against epoch. Data are aggregated (a few rows per layer or snapshot) before they are embedded.
 */
import type { StabilityResult } from "../lenses/stability/index.js";
import type { SimplicityResult } from "../lenses/simplicity/index.js";

export { vegaSvg } from "./vega.js";
import { vegaSvg } from "./vega.js";

const STATE_COLORS = { "stably active": "#59a14f", "stably inactive": "#4e79a7", unstable: "#e15759", unknown: "#bab0ac" } as const;

/** Per-layer stacked bars: stably active, stably inactive, unstable and unknown units. */
export function stabilityBarsSvg(s: StabilityResult, title?: string): Promise<string> {
  const rows = s.layers.flatMap((l, i) => [
    { layer: `${i + 1}. ${l.name}`, state: "stably active", units: l.stablyActive },
    { layer: `${i + 1}. ${l.name}`, state: "stably inactive", units: l.stablyInactive },
    { layer: `${i + 1}. ${l.name}`, state: "unstable", units: l.unstable },
    { layer: `${i + 1}. ${l.name}`, state: "unknown", units: l.unknown },
  ]);
  return vegaSvg({
    title: { text: title ?? `stable units per layer on ${s.domain.source ?? "the domain"}`, subtitle: `certificate: ${s.certificate}; ${s.complete ? "every unit decided" : "some units undecided (unknown)"}`, anchor: "start" },
    width: 640, height: Math.max(60, 28 * s.layers.length),
    data: { values: rows },
    mark: "bar",
    encoding: {
      y: { field: "layer", type: "nominal", title: null, sort: null },
      x: { field: "units", type: "quantitative", title: "units", stack: "zero" },
      color: { field: "state", type: "nominal", title: "state", scale: { domain: Object.keys(STATE_COLORS), range: Object.values(STATE_COLORS) } },
    },
  });
}

/** GDV of every layer (input … output), lower is better separated. */
export function gdvSvg(r: SimplicityResult): Promise<string> {
  const layers = r.gdv?.layers ?? [];
  const rows = layers.map((l, i) => ({ k: i, name: `${i}. ${l.name}`, gdv: l.gdv }));
  return vegaSvg({
    title: { text: "GDV by layer", subtitle: `generalised discrimination value of the class clusters (${r.gdv?.perClass ?? 0} points per class); more negative: better separated`, anchor: "start" },
    width: 640, height: 240,
    data: { values: rows },
    mark: { type: "line", point: { size: 40 }, color: "#6a3d9a" },
    encoding: { x: { field: "name", type: "ordinal", sort: null, title: "layer", axis: { labelAngle: -30 } }, y: { field: "gdv", type: "quantitative", title: "GDV" } },
  });
}

/** Numerical and effective rank of each representation against its width. */
export function rankSvg(r: SimplicityResult): Promise<string> {
  const rows = (r.representations?.layers ?? []).flatMap((l, i) => [
    { name: `${i + 1}. ${l.name}`, what: "units", v: l.units },
    { name: `${i + 1}. ${l.name}`, what: "rank", v: l.rank },
    { name: `${i + 1}. ${l.name}`, what: "effective rank", v: l.effectiveRank },
  ]);
  return vegaSvg({
    title: { text: "representation rank by layer", subtitle: `on ${r.data} (${r.samples.toLocaleString("en-US")} samples)`, anchor: "start" },
    width: 640, height: 220,
    data: { values: rows },
    mark: "bar",
    encoding: {
      x: { field: "name", type: "nominal", sort: null, title: "layer", axis: { labelAngle: -30 } }, xOffset: { field: "what", sort: ["units", "rank", "effective rank"] },
      y: { field: "v", type: "quantitative", title: "count" },
      color: { field: "what", type: "nominal", title: null, sort: ["units", "rank", "effective rank"], scale: { range: ["#bab0ac", "#4e79a7", "#f28e2b"] } },
    },
  });
}

/** One point of a run's curves. */
export interface RunPoint {
  epoch: number;
  step: number;
  regions?: number;
  stable?: number;
  units?: number;
  loss?: number;
  accuracy?: number;
  testAccuracy?: number;
}

/** A run's curves against epoch: regions on the fixed slice, stable units, and the training metrics. */
export function runCurvesSvg(points: RunPoint[], titles: { slice: string; domain: string }): Promise<string> {
  const epochs = points.map((p) => p.epoch);
  const x = { field: "epoch", type: "quantitative", title: "epoch", scale: { domain: [Math.min(...epochs), Math.max(...epochs)] }, axis: { tickMinStep: 1, format: "d" } } as const;
  const panel = (field: keyof RunPoint, title: string, color: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
    width: 300, height: 180, data: { values: points.filter((p) => p[field] !== undefined).map((p) => ({ epoch: p.epoch, v: p[field] })) },
    mark: { type: "line", point: true, color }, encoding: { x, y: { field: "v", type: "quantitative", title, scale: { zero: false }, ...extra } },
  });
  const panels: Record<string, unknown>[] = [];
  if (points.some((p) => p.regions !== undefined)) panels.push(panel("regions", `linear regions on ${titles.slice}`, "#4e79a7", { axis: { format: ",d" } }));
  if (points.some((p) => p.stable !== undefined)) panels.push(panel("stable", `stable units on ${titles.domain}`, "#59a14f", { scale: { zero: true, domainMin: 0 }, axis: { format: ",d", tickMinStep: 1 } }));
  if (points.some((p) => p.loss !== undefined)) panels.push(panel("loss", "training loss", "#333"));
  if (points.some((p) => p.testAccuracy !== undefined)) panels.push(panel("testAccuracy", "test accuracy", "#d62728", { axis: { format: ".0%" } }));
  else if (points.some((p) => p.accuracy !== undefined)) panels.push(panel("accuracy", "training accuracy", "#d62728", { axis: { format: ".0%" } }));
  const rows: Record<string, unknown>[] = [];
  for (let i = 0; i < panels.length; i += 2) rows.push({ hconcat: panels.slice(i, i + 2) });
  return vegaSvg({ title: { text: `over the run's ${points.length} snapshots`, subtitle: "Hanin & Rolnick's regions and Serra et al.'s stable units against training", anchor: "start" }, vconcat: rows });
}
