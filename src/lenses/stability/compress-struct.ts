// Layer-preserving compression for networks that are not plain dense chains (convolutions, pooling,
// residual additions): units whose output is exactly 0 on the whole domain (stably inactive ReLUs,
// dead channels of a convolution) are deleted together with what reads them, and every other layer
// keeps its kind. A convolution stays a convolution: a channel is removed when all its units are
// zero on the domain, so the network never grows (densifying a convolution to fold it would
// multiply its parameters). The removed units contributed exactly 0 downstream, so the function is
// unchanged on the domain; the equivalence check confirms it.
import { activations } from "../../core/activations.js";
import { Conv2dOp, DenseOp, Layer, LayerSpec, Network, createNetwork, sizeOf } from "../../core/network.js";
import { pieceAffine } from "./pieces.js";
import { StabilityResult } from "./report.js";
import { CERTIFIERS, Certifier } from "./state.js";

/** What happened to one unit layer. */
export interface CompressedLayer {
  name: string;
  unitsBefore: number;
  unitsAfter: number;
  /** Constant units deleted (their value moved into the next bias). */
  removedConstant: number;
  /** Stably linear units folded into the next layer (their rows depend on kept ones). */
  folded: number;
  /** The whole layer was affine on the domain and was merged into the next affine map. */
  merged: boolean;
}

/** Output channels (or dense rows) to drop per producer layer, input channels / columns per consumer. */
interface Plan {
  dropOut: Map<number, Set<number>>;
  /** Consumer layer → indices of its flat input (dense columns) or input channels (conv) to drop. */
  dropIn: Map<number, Set<number>>;
}

/**
 * Follow the channels of a unit layer to the layers that read them (through pooling, zero padding,
 * flattening and activations with f(0) = 0) and plan to drop them there; false when some path cannot.
 */
function trace(net: Network, unitLayer: number, channels: Set<number>, readers: number[][], plan: Plan): boolean {
  const spatial = (shape: readonly number[]): number => (shape.length === 3 ? shape[1]! * shape[2]! : 1);
  const pendingIn = new Map<number, Set<number>>();
  // [layer, elements per channel of its output (kept through a flatten: channel k is a block of the flat vector)]
  const stack: [number, number][] = [[unitLayer, spatial(net.layers[unitLayer]!.shape)]];
  const seen = new Set<number>();
  while (stack.length) {
    const [i, block] = stack.pop()!;
    if (seen.has(i)) continue;
    seen.add(i);
    if (i === net.layers.length - 1) return false; // an output: its channels are the network's outputs
    const flat = net.layers[i]!.shape.length === 1;
    for (const r of readers[i]!) {
      const L = net.layers[r]!;
      switch (L.kind) {
        case "conv2d": if (flat) return false; add(pendingIn, r, channels); break;
        case "dense": {
          const cols = new Set<number>();
          for (const k of channels) for (let t = 0; t < block; t++) cols.add(k * block + t);
          add(pendingIn, r, cols);
          break;
        }
        case "maxpool": case "avgpool": stack.push([r, spatial(L.shape)]); break;
        case "flatten": stack.push([r, block]); break;
        case "pad": if (L.value !== 0) return false; stack.push([r, spatial(L.shape)]); break;
        case "activation": if (activations[L.fn].output(0, L) !== 0) return false; stack.push([r, block]); break;
        default: return false; // add (a residual branch), scale, reshape: the zeros would not stay whole channels
      }
    }
  }
  for (const [r, s] of pendingIn) add(plan.dropIn, r, s);
  return true;
}

function add(m: Map<number, Set<number>>, k: number, s: Iterable<number>): void {
  let t = m.get(k);
  if (!t) m.set(k, (t = new Set()));
  for (const v of s) t.add(v);
}

/** Compress a network that is not a plain dense chain by deleting units that are exactly 0 on the domain. */
export function compressStructural(net: Network, result: StabilityResult): { network: Network; layers: CompressedLayer[]; certificate: Certifier } {
  const readers: number[][] = net.layers.map(() => []);
  net.layers.forEach((l, i) => l.inputs.forEach((s) => { if (s >= 0) readers[s]!.push(i); }));
  const plan: Plan = { dropOut: new Map(), dropIn: new Map() };
  const layers: CompressedLayer[] = [];
  let strongest = 0;
  for (const rep of result.layers) {
    const U = net.layers[rep.layer]!;
    const entry: CompressedLayer = { name: U.name, unitsBefore: rep.units, unitsAfter: rep.units, removedConstant: 0, folded: 0, merged: false };
    layers.push(entry);
    if (U.kind !== "activation") continue;
    const src = U.inputs[0]!;
    const P = src >= 0 ? net.layers[src]! : undefined;
    // The producer's rows/channels can go only if this activation is its one reader.
    if (!P || (P.kind !== "conv2d" && P.kind !== "dense") || readers[src]!.length !== 1) continue;
    const zero = rep.state.map((s, i) => {
      const p = s === "inactive" || s === "saturated-low" ? 0 : s === "active" || s === "linear" ? 1 : s === "saturated-high" ? 2 : -1;
      if (p < 0) return false;
      const { a, c } = pieceAffine(U.fn, U, p);
      return a === 0 && c === 0 && rep.by[i] !== undefined;
    });
    const shape = U.shape;
    const C = shape.length === 3 ? shape[0]! : sizeOf(shape);
    const per = shape.length === 3 ? shape[1]! * shape[2]! : 1;
    const dead = new Set<number>();
    for (let k = 0; k < C; k++) {
      let all = true;
      for (let t = 0; t < per && all; t++) all = zero[k * per + t]!;
      if (all) dead.add(k);
    }
    if (dead.size === 0 || dead.size === C) continue; // keep at least one channel: an empty layer is not a network
    if (!trace(net, rep.layer, dead, readers, plan)) continue;
    add(plan.dropOut, src, dead);
    entry.removedConstant = dead.size * per;
    entry.unitsAfter = rep.units - dead.size * per;
    for (let i = 0; i < rep.units; i++) if (zero[i] && dead.has(Math.floor(i / per))) strongest = Math.max(strongest, CERTIFIERS.indexOf(rep.by[i]!));
  }
  const specs: LayerSpec[] = net.layers.map((l, i) => rebuildLayer(l, plan.dropOut.get(i), plan.dropIn.get(i)));
  const network = createNetwork(net.inputShape, specs, { ...net.meta, compressedBy: "netsize stability (lossless on the domain; layer kinds kept)" });
  return { network, layers, certificate: CERTIFIERS[strongest]! };
}

const keepOf = (n: number, drop: Set<number> | undefined): number[] => Array.from({ length: n }, (_, i) => i).filter((i) => !drop?.has(i));

function rebuildLayer(l: Layer, dropOut: Set<number> | undefined, dropIn: Set<number> | undefined): LayerSpec {
  const { shape: _shape, ...spec } = l;
  if (!dropOut && !dropIn) return spec as LayerSpec;
  if (l.kind === "dense") {
    const outs = keepOf(l.outSize, dropOut), ins = keepOf(l.inSize, dropIn);
    const weight = new Float64Array(outs.length * ins.length);
    outs.forEach((o, r) => ins.forEach((c, k) => { weight[r * ins.length + k] = l.weight[o * l.inSize + c]!; }));
    const op: DenseOp = { kind: "dense", inSize: ins.length, outSize: outs.length, weight, bias: Float64Array.from(outs, (o) => l.bias[o]!) };
    return { ...op, name: l.name, inputs: l.inputs };
  }
  const c = l as Layer & Conv2dOp;
  const outs = keepOf(c.outChannels, dropOut), ins = keepOf(c.inChannels, dropIn);
  const kk = c.kernel[0] * c.kernel[1];
  const weight = new Float64Array(outs.length * ins.length * kk);
  outs.forEach((o, r) => ins.forEach((i, k) => {
    weight.set(c.weight.subarray((o * c.inChannels + i) * kk, (o * c.inChannels + i + 1) * kk), (r * ins.length + k) * kk);
  }));
  const op: Conv2dOp = { ...c, kind: "conv2d", inChannels: ins.length, outChannels: outs.length, weight, bias: Float64Array.from(outs, (o) => c.bias[o]!) };
  const { shape: _s, ...rest } = op as Conv2dOp & { shape?: unknown };
  return { ...rest, name: l.name, inputs: l.inputs } as LayerSpec;
}
