import { pieceIndex } from "../activations.js";
import { fail } from "../errors.js";
import { Network, sizeOf } from "../network.js";
import { poolForward } from "./kernels.js";

/**
 * Pre-activations and patterns of unit layer `li` for k samples from `input`, that layer's input (k × inputs):
 * activation layers copy it and take each unit's piece (pieceIndex's convention: ReLU active iff z > 0);
 * max pools recompute each window's max and its window-local argmax in JS, as the reference does.
 */
export function unitStates(net: Network, li: number, input: Float64Array | Float32Array, k: number, pre: Float64Array | Float32Array, pattern: Uint8Array): void {
  const layer = net.layers[li]!;
  const units = sizeOf(layer.shape);
  if (layer.kind === "activation") {
    if (input.length !== k * units) fail("SHAPE_MISMATCH", `unit output of layer ${li} has ${input.length} values, expected ${k} × ${units}`, { node: layer.name });
    pre.set(input);
    unitPatterns(net, li, input, k, pattern);
    return;
  }
  if (layer.kind !== "maxpool") fail("BAD_ARGUMENT", `layer ${li} (${layer.kind}) is not a unit layer`, { node: layer.name });
  const inShape = layer.inputs[0] === -1 ? net.inputShape : net.layers[layer.inputs[0]!]!.shape;
  const d = sizeOf(inShape);
  if (input.length !== k * d) fail("SHAPE_MISMATCH", `unit output of layer ${li} has ${input.length} values, expected ${k} × ${d}`, { node: layer.name });
  const x = new Float64Array(d), y = new Float64Array(units);
  for (let s = 0; s < k; s++) {
    x.set(input.subarray(s * d, (s + 1) * d));
    poolForward(layer, inShape, layer.shape, x, y, pattern.subarray(s * units, (s + 1) * units));
    pre.set(y, s * units);
  }
}

/** Patterns of activation layer `li` for k samples whose pre-activations are `pre` (k × units). */
export function unitPatterns(net: Network, li: number, pre: Float64Array | Float32Array, k: number, pattern: Uint8Array): void {
  const layer = net.layers[li]!;
  if (layer.kind !== "activation") fail("BAD_ARGUMENT", `layer ${li} (${layer.kind}) is not an activation layer`, { node: layer.name });
  const n = k * sizeOf(layer.shape);
  if (pre.length !== n || pattern.length < n) fail("SHAPE_MISMATCH", `pre-activations of layer ${li} have ${pre.length} values, expected ${k} × ${sizeOf(layer.shape)}`, { node: layer.name });
  if (layer.fn === "relu") {
    if (pre instanceof Float32Array) reluPattern32(pre, pattern, n);
    else reluPattern64(pre, pattern, n);
  } else {
    for (let i = 0; i < n; i++) pattern[i] = pieceIndex(layer.fn, pre[i]!, layer);
  }
}

// One loop per element type, so that each stays monomorphic; +(z > 0) is branch-free (setcc), 5× faster than ?: on mixed signs.
function reluPattern32(x: Float32Array, p: Uint8Array, n: number): void {
  for (let i = 0; i < n; i++) p[i] = +(x[i]! > 0);
}

function reluPattern64(x: Float64Array, p: Uint8Array, n: number): void {
  for (let i = 0; i < n; i++) p[i] = +(x[i]! > 0);
}
