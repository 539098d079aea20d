/**
 * The depth/residual comparison of the shallow lens as a chart (vega-lite rendered headless by vega to
 * SVG): for each architecture of the same total hidden units, the hidden units of its exact shallow
 * form on the box (log scale), one point per seed, at initialisation and after training.
 */
import { vegaSvg } from "./vega.js";

/** One measured network of the comparison. */
export interface ShallowComparisonRow {
  arch: string;
  state: string;
  seed: number;
  regions: number;
  pieces: number;
  shallowTerms: number;
  shallowUnits: number;
}

/** Render the comparison rows as an SVG document. */
export async function renderShallowComparisonSvg(rows: ShallowComparisonRow[], opts: { title?: string; subtitle?: string; width?: number; height?: number } = {}): Promise<string> {
  const archs = [...new Set(rows.map((r) => r.arch))];
  const spec = {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    width: opts.width ?? 520, height: opts.height ?? 300,
    title: { text: opts.title ?? "hidden units of the exact shallow form", subtitle: opts.subtitle ?? "", anchor: "start" },
    config: { font: "DejaVu Sans", view: { stroke: "#333" } },
    background: "white",
    data: { values: rows },
    mark: { type: "point", filled: true, size: 70, opacity: 0.85 },
    encoding: {
      x: { field: "arch", type: "nominal", sort: archs, title: "architecture (same hidden units)", axis: { labelAngle: 0 } },
      xOffset: { field: "state", type: "nominal" },
      y: { field: "shallowUnits", type: "quantitative", scale: { type: "log" }, title: "hidden units of max of one-hidden-layer nets" },
      color: { field: "state", type: "nominal", title: "state", scale: { range: ["#1f77b4", "#d62728"] } },
      shape: { field: "state", type: "nominal" },
      tooltip: [{ field: "arch" }, { field: "state" }, { field: "seed" }, { field: "regions" }, { field: "shallowTerms" }, { field: "shallowUnits" }],
    },
  };
  return vegaSvg(spec);
}
