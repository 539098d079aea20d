import { Network, inputSize, outputSize, sizeOf } from "../network.js";
import { fail } from "../errors.js";
import { unitLayerIndices } from "../summary.js";
import { activationForward, conv2dForward, denseForward, padForward, poolForward, scaleForward } from "./kernels.js";

/** Every layer's output for one sample, plus the activation pattern of each unit layer. */
export interface Trace {
  /** values[i] = output of layer i (flat). */
  values: Float64Array[];
  /** patterns[i] = piece index per element for unit layers (activation: piece, maxpool: window argmax); undefined elsewhere. */
  patterns: (Uint8Array | undefined)[];
  output: Float64Array;
}

/** The exact float64 forward pass of one sample through every layer: the oracle for all tests. */
export function forwardTrace(net: Network, x: Float64Array | readonly number[]): Trace {
  const n = inputSize(net);
  if (x.length !== n) fail("DOMAIN_MISMATCH", `input has ${x.length} values, the network expects ${n} ([${net.inputShape.join(",")}])`);
  const input = x instanceof Float64Array ? x : Float64Array.from(x);
  const values: Float64Array[] = [];
  const patterns: (Uint8Array | undefined)[] = [];
  const units = new Set(unitLayerIndices(net));
  net.layers.forEach((layer, i) => {
    const src = layer.inputs.map((j) => (j === -1 ? input : values[j]!));
    const inShape = layer.inputs[0] === -1 ? net.inputShape : net.layers[layer.inputs[0]!]!.shape;
    const a = src[0]!;
    const y = new Float64Array(sizeOf(layer.shape));
    let pattern: Uint8Array | undefined;
    if (units.has(i)) pattern = new Uint8Array(y.length);
    switch (layer.kind) {
      case "dense": denseForward(layer, a, y); break;
      case "conv2d": conv2dForward(layer, inShape, layer.shape, a, y); break;
      case "scale": scaleForward(layer, inShape, a, y); break;
      case "activation": activationForward(layer, a, y, pattern); break;
      case "flatten": case "reshape": y.set(a); break;
      case "pad": padForward(layer, inShape, layer.shape, a, y); break;
      case "maxpool": case "avgpool": poolForward(layer, inShape, layer.shape, a, y, pattern); break;
      case "add": { const b = src[1]!; for (let k = 0; k < y.length; k++) y[k] = a[k]! + b[k]!; break; }
    }
    values.push(y);
    patterns.push(pattern);
  });
  return { values, patterns, output: values[values.length - 1]! };
}

/** The network's output for one sample (exact float64). */
export function forward(net: Network, x: Float64Array | readonly number[]): Float64Array {
  return forwardTrace(net, x).output;
}

/** Outputs, pre-activations and patterns of a batch; the shape both engines return. */
export interface BatchResult {
  n: number;
  /** n × outputSize, row-major. */
  outputs: Float64Array;
  /** Indices of the unit layers, in order (see unitLayerIndices). */
  unitLayers: number[];
  /**
   * Per unit layer: n × units, the layer's input (the pre-activation; for max pools the pooled input's
   * max), in the engine's precision: float64, or float32 from a float32 engine (a float32 network's
   * values exactly; converting 10⁸ of them to float64 cost more than the pass itself).
   */
  preActivations: (Float64Array | Float32Array)[];
  /** Per unit layer: n × units piece indices. */
  patterns: Uint8Array[];
}

/** Options for batched passes. */
export interface BatchOptions {
  /** Also return pre-activations and patterns (default true). */
  withUnits?: boolean;
}

/** The exact float64 forward pass over a batch X (n × inputSize, row-major). */
export function forwardBatchReference(net: Network, X: Float64Array, n: number, opts: BatchOptions = {}): BatchResult & { preActivations: Float64Array[] } {
  const d = inputSize(net), m = outputSize(net);
  if (X.length !== n * d) fail("DOMAIN_MISMATCH", `batch has ${X.length} values, expected ${n} × ${d}`);
  const withUnits = opts.withUnits ?? true;
  const unitLayers = unitLayerIndices(net);
  const sizes = unitLayers.map((i) => sizeOf(net.layers[i]!.shape));
  const outputs = new Float64Array(n * m);
  const preActivations = withUnits ? sizes.map((s) => new Float64Array(n * s)) : [];
  const patterns = withUnits ? sizes.map((s) => new Uint8Array(n * s)) : [];
  for (let s = 0; s < n; s++) {
    const t = forwardTrace(net, X.subarray(s * d, (s + 1) * d));
    outputs.set(t.output, s * m);
    if (!withUnits) continue;
    unitLayers.forEach((li, k) => {
      const layer = net.layers[li]!;
      const pre = layer.kind === "maxpool" ? t.values[li]! : t.values[layer.inputs[0]!] ?? X.subarray(s * d, (s + 1) * d);
      preActivations[k]!.set(layer.inputs[0] === -1 ? X.subarray(s * d, (s + 1) * d) : pre, s * sizes[k]!);
      patterns[k]!.set(t.patterns[li]!, s * sizes[k]!);
    });
  }
  return { n, outputs, unitLayers, preActivations, patterns };
}
