// The info lens: layers, shapes, units, parameters and piecewise linearity of a network.
import { LensResultBase, since } from "../../core/lens.js";
import { Network } from "../../core/network.js";
import { outputTransformOf } from "../../core/output-transform.js";
import { LayerSummary, summarize, unitLayerIndices } from "../../core/summary.js";

/** What info is about besides the network: the file it came from, for the record. */
export interface InfoInput {
  file?: string;
}

/** The summary of a network (schema "netsize.info/1"). */
export interface InfoResult extends LensResultBase {
  schema: "netsize.info/1";
  file: string;
  inputShape: number[];
  outputShape: number[];
  params: number;
  units: number;
  /** Units plus max-pool outputs: every element with an activation state. */
  unitLayers: number[];
  piecewiseLinear: boolean;
  layers: LayerSummary[];
  /** A final Softmax / LogSoftmax / Sigmoid kept as the output transform (the layers end at the logits). */
  outputTransform?: string;
  meta: Record<string, unknown>;
}

/** Summarise a loaded network as the info result. */
export function infoOf(net: Network, file = ""): InfoResult {
  const t0 = performance.now();
  const s = summarize(net);
  const transform = outputTransformOf(net);
  return {
    schema: "netsize.info/1",
    options: {},
    tolerance: {},
    timings: { total: since(t0) },
    file,
    inputShape: [...net.inputShape],
    outputShape: [...net.layers[net.layers.length - 1]!.shape],
    params: s.params,
    units: s.units,
    unitLayers: unitLayerIndices(net),
    piecewiseLinear: s.piecewiseLinear,
    layers: s.layers,
    ...(transform ? { outputTransform: transform.op } : {}),
    meta: net.meta,
  };
}
