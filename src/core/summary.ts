import { activations } from "./activations.js";
import { Layer, Network, sizeOf } from "./network.js";

/** Per-layer description used by `netsize info` and the lenses' reports. */
export interface LayerSummary {
  index: number;
  name: string;
  kind: Layer["kind"];
  /** Activation name for activation layers. */
  fn?: string;
  inputs: number[];
  shape: number[];
  params: number;
  /** Units (neurons) this layer contributes: the size of an activation layer, else 0. */
  units: number;
  piecewiseLinear: boolean;
}

/** Trainable parameter count of one layer. */
export function layerParams(layer: Layer): number {
  switch (layer.kind) {
    case "dense":
    case "conv2d":
      return layer.weight.length + layer.bias.length;
    case "scale":
      return layer.scale.length + layer.shift.length;
    default:
      return 0;
  }
}

/** Indices of the layers whose elements are units: activation layers other than identity, and max pools. */
export function unitLayerIndices(net: Network): number[] {
  const out: number[] = [];
  net.layers.forEach((l, i) => {
    if ((l.kind === "activation" && l.fn !== "identity") || l.kind === "maxpool") out.push(i);
  });
  return out;
}

/** Summaries of every layer plus totals. */
export function summarize(net: Network): { layers: LayerSummary[]; params: number; units: number; piecewiseLinear: boolean } {
  const units = new Set(unitLayerIndices(net));
  const layers = net.layers.map((l, index): LayerSummary => ({
    index,
    name: l.name,
    kind: l.kind,
    ...(l.kind === "activation" ? { fn: l.fn } : {}),
    inputs: [...l.inputs],
    shape: [...l.shape],
    params: layerParams(l),
    units: units.has(index) && l.kind === "activation" ? sizeOf(l.shape) : 0,
    piecewiseLinear: l.kind !== "activation" || activations[l.fn].piecewiseLinear,
  }));
  return {
    layers,
    params: layers.reduce((s, l) => s + l.params, 0),
    units: layers.reduce((s, l) => s + l.units, 0),
    piecewiseLinear: layers.every((l) => l.piecewiseLinear),
  };
}
