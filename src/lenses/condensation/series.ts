// Condensation over a training run: for every snapshot the counts, the share of neurons in counted
// clusters, the loss on the run's data, the spectrum and the ordered cosine matrix (one heatmap
// frame each) — the time course of condensation.
import { fail } from "../../core/errors.js";
import { LensContext, LensOptions, LensResultBase, checkAborted, since } from "../../core/lens.js";
import { Network, outputSize } from "../../core/network.js";
import type { Dataset } from "../../data/dataset.js";
import { CONDENSATION_OPTIONS, CondensationOptions, checkData, lossOf, outputsOf, resolveSettings } from "./condensation.js";
import { analyzeLayer, LayerCondensation } from "./layer.js";
import { selectLayers, unitLayers } from "./measure.js";

/** One snapshot of a run, as the face reads it from DIR/snapshots. */
export interface RunSnapshot {
  name: string;
  epoch: number;
  step: number;
  network: Network;
}

/** The input of condensation.run: the snapshots in order, and the data the loss is measured on. */
export interface RunInput {
  snapshots: RunSnapshot[];
  data?: Dataset;
}

/** One frame of the time course (the first unit layer, or the one asked for). */
export interface RunFrame {
  name: string;
  epoch: number;
  step: number;
  loss?: number;
  lossKind?: "mse" | "ce";
  layer: LayerCondensation;
}

/** The result of condensation.run (schema "netsize.condensation.run/1"). */
export interface CondensationRunResult extends LensResultBase {
  schema: "netsize.condensation.run/1";
  layer: string;
  data?: string;
  frames: RunFrame[];
}

/** Options of condensation.run: the lens's, without merging (merge a single snapshot with the condensation lens). */
export type CondensationRunOptions = Omit<CondensationOptions, "merge">;

/** The run lens's options: the condensation lens's, less `merge`. */
export const CONDENSATION_RUN_OPTIONS: LensOptions<CondensationRunOptions> = (() => {
  const { merge: _m, ...rest } = CONDENSATION_OPTIONS;
  return rest;
})();

/** Condensation in one layer of every snapshot of a run (default: the first unit layer). */
export async function condensationOverRun(input: RunInput, opts: CondensationRunOptions = {}, ctx: LensContext = {}): Promise<CondensationRunResult> {
  const t0 = performance.now();
  const s = resolveSettings({ ...opts, merge: false });
  if (!input || !Array.isArray(input.snapshots) || input.snapshots.length === 0) fail("BAD_ARGUMENT", "condensation over a run needs at least one snapshot");
  const frames: RunFrame[] = [];
  let layerName = "";
  for (const [i, snap] of input.snapshots.entries()) {
    checkAborted(ctx);
    ctx.onProgress?.({ done: i, total: input.snapshots.length, stage: snap.name });
    const all = unitLayers(snap.network);
    if (all.length === 0) fail("BAD_ARGUMENT", `snapshot ${snap.name} has no dense or conv layer followed by an activation`);
    const u = s.layer === undefined ? all[0]! : selectLayers(all, s.layer)[0]!;
    if (u.units > s.maxUnits) fail("LIMIT_EXCEEDED", `layer ${u.name} has ${u.units} neurons, more than maxUnits ${s.maxUnits}`);
    layerName = u.name;
    const frame: RunFrame = { name: snap.name, epoch: snap.epoch, step: snap.step, layer: analyzeLayer(u, s).report };
    if (input.data) {
      checkData(snap.network, [input.data]);
      const l = lossOf(await outputsOf(snap.network, input.data, ctx), input.data, outputSize(snap.network));
      if (l.loss !== undefined) { frame.loss = l.loss; frame.lossKind = l.kind!; }
    }
    frames.push(frame);
  }
  return {
    schema: "netsize.condensation.run/1",
    options: { ...s },
    tolerance: { normCut: s.normCut },
    timings: { total: since(t0) },
    layer: layerName,
    ...(input.data ? { data: input.data.name } : {}),
    frames,
  };
}
