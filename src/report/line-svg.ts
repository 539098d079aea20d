/**
 * Picture of the output along a line, with vega-lite rendered headless by vega to SVG: one curve per
 * output (exact: the output is affine between breakpoints, so the curve is drawn through them), the
 * knots as rules, the polyline's corners as dashed rules.
 */
import { vegaSvg } from "./vega.js";
import { fail } from "../core/errors.js";
import type { LineResult } from "../lenses/regions/index.js";
import { CLASS_COLORS } from "./colors.js";

/** Options of renderLineSvg. */
export interface LineSvgOptions {
  /** Plot width and height in pixels (default 720 × 360). */
  width?: number;
  height?: number;
  /** Title (default: counts of regions and knots). */
  title?: string;
  /** Draw knots as rules only up to this many (default 400); beyond, a tick strip marks them. */
  maxKnotRules?: number;
}

/** Render a line result (it must include its intervals) as an SVG document. */
export async function renderLineSvg(result: LineResult, opts: LineSvgOptions = {}): Promise<string> {
  const intervals = result.intervals;
  if (!intervals) fail("BAD_ARGUMENT", "the line result has no interval list (computed with details: false); recompute with details");
  const m = result.network.outputSize;
  const points: { t: number; y: number; output: string }[] = [];
  for (const iv of intervals) {
    for (let o = 0; o < m; o++) {
      const name = m === 1 ? "output" : `output ${o}`;
      points.push({ t: iv.t0, y: iv.slope[o]! * iv.t0 + iv.offset[o]!, output: name });
      points.push({ t: iv.t1, y: iv.slope[o]! * iv.t1 + iv.offset[o]!, output: name });
    }
  }
  const knots = result.knots.map((t) => ({ t }));
  const segs = result.path.segments;
  const labels = result.path.kind === "polyline"
    ? [...segs.map((s, i) => ({ t: s.t0, label: `p${i}`, align: i === 0 ? "left" : "center" })), { t: segs[segs.length - 1]!.t1, label: `p${segs.length}`, align: "right" }]
    : [];
  const corners = segs.slice(1).map((s) => ({ t: s.t0 }));
  const maxRules = opts.maxKnotRules ?? 400;
  const title = opts.title ?? `${result.count.toLocaleString("en-US")} regions, ${result.knots.length.toLocaleString("en-US")} knots (${result.pieces.toLocaleString("en-US")} linear pieces) along the path`;
  const x = { field: "t", type: "quantitative", title: "t (path parameter)", scale: { nice: false, zero: false } } as const;
  const layers: Record<string, unknown>[] = [];
  if (knots.length <= maxRules) {
    layers.push({ data: { values: knots }, mark: { type: "rule", color: "#bbb", strokeWidth: 0.6 }, encoding: { x } });
  } else {
    layers.push({ data: { values: knots }, mark: { type: "tick", color: "#888", thickness: 0.5, size: 10 }, encoding: { x, y: { value: opts.height ?? 360 } } });
  }
  if (corners.length) layers.push({ data: { values: corners }, mark: { type: "rule", color: "#444", strokeDash: [4, 3] }, encoding: { x } });
  for (const align of ["left", "center", "right"]) {
    const vals = labels.filter((l) => l.align === align);
    if (vals.length) layers.push({ data: { values: vals }, mark: { type: "text", align, dy: -6, fontSize: 12, fontWeight: "bold" }, encoding: { x, y: { value: 0 }, text: { field: "label" } } });
  }
  layers.push({
    data: { values: points },
    mark: { type: "line", strokeWidth: 1.6 },
    encoding: {
      x, y: { field: "y", type: "quantitative", title: "output", scale: { zero: false } },
      color: { field: "output", type: "nominal", title: "", scale: { range: [...CLASS_COLORS] }, sort: null },
      order: { field: "t", type: "quantitative" },
    },
  });
  const spec = {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    width: opts.width ?? 720, height: opts.height ?? 360,
    title: { text: title, subtitle: `grey rules: knots (the output's slope changes); ${result.breakpoints.length - result.knots.length} further breakpoints change a unit but not the slope`, anchor: "start" },
    config: { font: "DejaVu Sans", view: { stroke: "#333" } },
    background: "white",
    layer: layers,
  };
  return vegaSvg(spec);
}

/**
 * About how many bytes renderLineSvg(result) produces, without building it: a fixed frame (vega's
 * axes, title, legend) plus ~24 bytes per plotted point (two per interval and output) and ~90 per knot mark.
 */
export function estimateLineSvgBytes(result: LineResult): number {
  const points = 2 * (result.intervals?.length ?? 0) * result.network.outputSize;
  return 20_000 + 24 * points + 90 * result.knots.length;
}
