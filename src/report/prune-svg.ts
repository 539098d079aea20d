/**
 * The prunability curve with vega-lite rendered headless by vega to SVG: loss (left axis) and
 * accuracy (right axis) of the magnitude-pruned network against the kept fraction ρ, the threshold
 * (1 + δ)·loss(1) as a dashed rule and ρ* as a vertical rule.
 */
import { vegaSvg } from "./vega.js";
import { fail } from "../core/errors.js";
import type { SimplicityResult } from "../lenses/simplicity/index.js";

/** Options of renderPruneSvg. */
export interface PruneSvgOptions {
  width?: number;
  height?: number;
  /** Title (default: ρ* and the model's weight count). */
  title?: string;
}

/** Render the prunability curve of a simplicity result as an SVG document. */
export async function renderPruneSvg(result: SimplicityResult, opts: PruneSvgOptions = {}): Promise<string> {
  const p = result.prunability;
  if (!p) fail("BAD_ARGUMENT", "the simplicity result has no prunability (measures without prunability); recompute with it");
  const rho = { field: "rho", type: "quantitative", title: "ρ (fraction of weights kept)", scale: { domain: [0, 1] } } as const;
  const lossLayer = [
    { mark: { type: "line", color: "#1f77b4", point: { size: 14, color: "#1f77b4" } }, encoding: { x: rho, y: { field: "loss", type: "quantitative", title: `${p.loss} loss`, axis: { titleColor: "#1f77b4" } } } },
    { data: { values: [{ t: p.threshold }] }, mark: { type: "rule", color: "#1f77b4", strokeDash: [5, 4] }, encoding: { y: { field: "t", type: "quantitative" } } },
  ];
  const layers: Record<string, unknown>[] = [{ layer: lossLayer }];
  if (p.accuracyFull !== undefined) {
    layers.push({ mark: { type: "line", color: "#d62728", strokeDash: [2, 2] }, encoding: { x: rho, y: { field: "accuracy", type: "quantitative", title: "accuracy", scale: { domain: [0, 1] }, axis: { titleColor: "#d62728", format: ".0%" } } } });
  }
  layers.push({ data: { values: [{ r: p.rhoStar }] }, mark: { type: "rule", color: "#333", strokeWidth: 1.5 }, encoding: { x: { field: "r", type: "quantitative" } } });
  const spec = {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    width: opts.width ?? 760, height: opts.height ?? 320,
    title: {
      text: opts.title ?? `prunability ρ* = ${p.rhoStar}: ${p.keptAtRhoStar.toLocaleString("en-US")} of ${p.weights.toLocaleString("en-US")} weights kept`,
      subtitle: `global magnitude pruning${result.options.layerwise ? " per layer" : ""}, no retraining, on ${result.data} (${result.samples.toLocaleString("en-US")} samples); dashed blue: threshold; red: accuracy`,
      anchor: "start",
    },
    config: { font: "DejaVu Sans", view: { stroke: "#333" } },
    background: "white",
    data: { values: p.curve.map((c) => ({ rho: c.rho, loss: c.loss, ...(c.accuracy !== undefined ? { accuracy: c.accuracy } : {}) })) },
    layer: layers,
    resolve: { scale: { y: "independent" } },
  };
  return vegaSvg(spec);
}
