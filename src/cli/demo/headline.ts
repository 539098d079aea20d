// The headline measurement of one network, as the demo's table shows it: accuracy, exact regions on a
// slice with the bounds for those widths, stable units on the pixel box, and the lossless compression.
import { Network, inputSize } from "../../core/network.js";
import { summarize } from "../../core/summary.js";
import { Box } from "../../core/domain.js";
import { LensContext } from "../../core/lens.js";
import { Dataset } from "../../data/dataset.js";
import { planeThrough, regionBounds, SliceResult } from "../../lenses/regions/index.js";
import { compressLens, evalLens, sliceLens } from "../../lenses/registry.js";
import type { EvalResult } from "../../lenses/eval/index.js";
import type { CompressRunResult } from "../../lenses/stability/index.js";

/** Everything the demo reports about one network. */
export interface HeadlineRow {
  label: string;
  accuracy?: number;
  params: number;
  hiddenWidths: number[];
  slice: { regions: number; serraUpper2d: string; ofBound: number; seconds: number };
  stable: { active: number; inactive: number; units: number; complete: boolean; certificate: string; seconds: number };
  compressed: { params: number; hiddenWidths: number[]; maxAbsDiff: number; points: number };
}

/** Options of the headline measurement. */
export interface HeadlineOptions {
  /** Three anchor inputs for the slice. */
  anchors: [Float64Array, Float64Array, Float64Array];
  /** Slice half-width (slice coordinates). */
  halfWidth: number;
  /** Domain for stability and compression (e.g. [0,1]^784). */
  box: Box;
  /** Held-out data for accuracy (optional) and for the equivalence check's data points. */
  test?: Dataset;
  /** Equivalence points (default 100,000). */
  points?: number;
  /** Seconds for the exact stage of the stability lens. */
  timeLimit?: number;
}

function hiddenWidths(net: Network): number[] {
  return summarize(net).layers.filter((l) => l.units > 0).map((l) => l.units);
}

/** Measure one network the way the demo's table reports it; returns the row, the slice (for its picture) and the compressed network. */
export async function headline(label: string, net: Network, opts: HeadlineOptions, ctx: LensContext = {}): Promise<{ row: HeadlineRow; slice: SliceResult; compressed: Network; results: { eval?: EvalResult; compress: CompressRunResult } }> {
  const params = summarize(net).params;
  const widths = hiddenWidths(net);
  const evaluated = opts.test ? await evalLens.run(net, opts.test, {}, { ...(ctx.engine ? { engine: ctx.engine } : {}) }) : undefined;
  const accuracy = evaluated?.accuracy;

  const t0 = performance.now();
  const plane = planeThrough(...opts.anchors);
  const slice = await sliceLens.run(net, plane, { halfWidth: opts.halfWidth, patterns: false }, ctx);
  const sliceSeconds = (performance.now() - t0) / 1000;
  // A 2-D slice of this network is a network with 2 inputs and the same hidden widths: that is its maximum.
  const bound = regionBounds([2, ...widths]);
  const serra2d = BigInt(bound.bounds.serraUpper);

  const run = await compressLens.run(net, opts.box, {
    method: "auto", timeLimit: opts.timeLimit ?? 120, float: 64,
    ...(opts.points !== undefined ? { points: opts.points } : {}),
    ...(opts.test ? { data: { x: opts.test.x, n: opts.test.n } } : {}),
  }, ctx);
  const stab = run.stability, eq = run.equivalence, small = run.network;
  const stabSeconds = stab.timings.total / 1000;

  const row: HeadlineRow = {
    label,
    ...(accuracy !== undefined ? { accuracy } : {}),
    params,
    hiddenWidths: widths,
    slice: { regions: slice.count, serraUpper2d: bound.bounds.serraUpper, ofBound: slice.count / Number(serra2d), seconds: sliceSeconds },
    stable: {
      active: stab.totals.stablyActive,
      inactive: stab.totals.stablyInactive,
      units: stab.totals.units,
      complete: stab.complete,
      certificate: stab.certificate,
      seconds: stabSeconds,
    },
    compressed: { params: summarize(small).params, hiddenWidths: hiddenWidths(small), maxAbsDiff: Math.max(eq.maxAbsDiff, eq.exported?.maxAbsDiff ?? 0), points: eq.points },
  };
  if (inputSize(small) !== inputSize(net)) throw new Error("compression changed the input size");
  return { row, slice, compressed: small, results: { ...(evaluated ? { eval: evaluated } : {}), compress: run } };
}
