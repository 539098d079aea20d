// Folding element-wise affine layers (normalisation, BatchNorm, MatMul's separate bias) into the
// neighbouring dense or conv layer, only where the result is exactly the same function.
import { Conv2dOp, DenseOp, ScaleOp, Shape, sizeOf } from "../network.js";
import { Ir, IrNode } from "./ir.js";

type ScaleNode = IrNode & { op: ScaleOp };

function perElement(op: ScaleOp, shape: Shape): { scale: Float64Array; shift: Float64Array } {
  if (!op.perChannel) return { scale: op.scale, shift: op.shift };
  const n = sizeOf(shape), per = n / (shape[0] ?? 1);
  const scale = new Float64Array(n), shift = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const ch = Math.floor(i / per);
    scale[i] = op.scale[ch]!;
    shift[i] = op.shift[ch]!;
  }
  return { scale, shift };
}

/** Per-channel values of a scale on C×... when they are uniform within each channel, else undefined. */
function perChannel(op: ScaleOp, shape: Shape): { scale: Float64Array; shift: Float64Array } | undefined {
  if (op.perChannel) return { scale: op.scale, shift: op.shift };
  const C = shape[0]!, per = sizeOf(shape) / C;
  const scale = new Float64Array(C), shift = new Float64Array(C);
  for (let c = 0; c < C; c++) {
    scale[c] = op.scale[c * per]!;
    shift[c] = op.shift[c * per]!;
    for (let i = 1; i < per; i++) {
      if (op.scale[c * per + i] !== scale[c] || op.shift[c * per + i] !== shift[c]) return undefined;
    }
  }
  return { scale, shift };
}

const allOnes = (a: Float64Array): boolean => a.every((v) => v === 1);
const allZero = (a: Float64Array): boolean => a.every((v) => v === 0);

/** Compose scale A then scale B (copying, not recomputing, where one side is the identity, so bits survive). */
function composeScales(a: ScaleOp, b: ScaleOp, shape: Shape): ScaleOp {
  const both = a.perChannel && b.perChannel;
  const A = both ? a : perElement(a, shape), B = both ? b : perElement(b, shape);
  const n = A.scale.length;
  const scale = allOnes(B.scale) ? Float64Array.from(A.scale) : allOnes(A.scale) ? Float64Array.from(B.scale) : A.scale.map((s, i) => s * B.scale[i]!);
  const shift = allZero(A.shift) ? Float64Array.from(B.shift) : new Float64Array(n).map((_, i) => A.shift[i]! * B.scale[i]! + B.shift[i]!);
  return { kind: "scale", perChannel: both, scale, shift };
}

/** y = s ⊙ (W x + b) + t as one dense / conv layer (s, t per output unit or channel). */
function scaleOutputs<T extends DenseOp | Conv2dOp>(op: T, s: Float64Array, t: Float64Array, rows: number): T {
  const per = op.weight.length / rows;
  const weight = allOnes(s) ? Float64Array.from(op.weight) : op.weight.map((w, i) => w * s[Math.floor(i / per)]!);
  const bias = op.bias.map((b, o) => s[o]! * b + t[o]!);
  return { ...op, weight, bias };
}

/** W (s ⊙ x + t) + b as one dense layer. */
function denseAfterScale(op: DenseOp, s: Float64Array, t: Float64Array): DenseOp {
  const { inSize, outSize } = op;
  const weight = new Float64Array(op.weight.length), bias = Float64Array.from(op.bias);
  for (let o = 0; o < outSize; o++) {
    let acc = 0;
    for (let i = 0; i < inSize; i++) {
      const w = op.weight[o * inSize + i]!;
      weight[o * inSize + i] = w * s[i]!;
      acc += w * t[i]!;
    }
    bias[o] = bias[o]! + acc;
  }
  return { ...op, weight, bias };
}

/** conv(s ⊙ x + t) + b as one conv layer (per input channel s, t). */
function convAfterScale(op: Conv2dOp, s: Float64Array, t: Float64Array): Conv2dOp {
  const C = op.inChannels, k = op.kernel[0] * op.kernel[1];
  const weight = new Float64Array(op.weight.length), bias = Float64Array.from(op.bias);
  for (let o = 0; o < op.outChannels; o++) {
    let acc = 0;
    for (let c = 0; c < C; c++) for (let q = 0; q < k; q++) {
      const idx = (o * C + c) * k + q, w = op.weight[idx]!;
      weight[idx] = w * s[c]!;
      acc += w * t[c]!;
    }
    bias[o] = bias[o]! + acc;
  }
  return { ...op, weight, bias };
}

/**
 * Fold scale layers into neighbours until nothing changes; returns the (possibly new) output id.
 * With `withinGroups` (netsize's own files) only nodes of the same exported layer merge, so a
 * round trip keeps every layer.
 */
export function foldScales(ir: Ir, output: number, withinGroups: boolean): number {
  const nodes = ir.nodes;
  const may = (a: IrNode, b: IrNode): boolean => !withinGroups || (a.group !== undefined && a.group === b.group);
  const sole = (id: number): number | undefined => {
    if (id === output) return undefined;
    const cs = ir.consumers(id);
    return cs.length === 1 ? cs[0] : undefined;
  };
  let changed = true;
  while (changed) {
    changed = false;
    for (let id = 0; id < nodes.length; id++) {
      const n = nodes[id]!;
      if (n.dead || n.op.kind !== "scale") continue;
      const src = n.inputs[0]!;
      const prev = src >= 0 ? nodes[src]! : undefined;
      // Into the producer: scale after scale / dense / conv.
      if (prev && sole(src) === id && may(prev, n)) {
        let merged: IrNode["op"] | undefined;
        if (prev.op.kind === "scale") merged = composeScales(prev.op, n.op, n.shape);
        else if (prev.op.kind === "dense") merged = scaleOutputs(prev.op, perElement(n.op, n.shape).scale, perElement(n.op, n.shape).shift, prev.op.outSize);
        else if (prev.op.kind === "conv2d") {
          const pc = perChannel(n.op, n.shape);
          if (pc) merged = scaleOutputs(prev.op, pc.scale, pc.shift, prev.op.outChannels);
        }
        if (merged) {
          n.op = merged;
          n.inputs = [...prev.inputs];
          if (prev.op.kind !== "scale") n.name = prev.name;
          prev.dead = true;
          changed = true;
          continue;
        }
      }
      if (withinGroups) continue;
      // Into the consumer: scale → (flatten | reshape)* → dense, or scale → conv.
      if (tryIntoConsumer(ir, id as number, sole)) changed = true;
      else if (allOnes(n.op.scale) && allZero(n.op.shift) && id !== output) {
        for (const j of ir.consumers(id)) nodes[j]!.inputs = nodes[j]!.inputs.map((i) => (i === id ? src : i));
        n.dead = true;
        changed = true;
      }
    }
  }
  return output;
}

function tryIntoConsumer(ir: Ir, id: number, sole: (id: number) => number | undefined): boolean {
  const nodes = ir.nodes;
  const s = nodes[id] as ScaleNode;
  let cur = sole(id);
  const chain: number[] = [];
  while (cur !== undefined && (nodes[cur]!.op.kind === "flatten" || nodes[cur]!.op.kind === "reshape")) {
    chain.push(cur);
    cur = sole(cur);
  }
  if (cur === undefined) return false;
  const target = nodes[cur]!;
  if (target.op.kind === "dense") {
    const pe = perElement(s.op, s.shape);
    target.op = denseAfterScale(target.op, pe.scale, pe.shift);
  } else if (target.op.kind === "conv2d" && chain.length === 0) {
    const pc = perChannel(s.op, s.shape);
    // Zero padding is applied after normalisation, so a shift only folds when nothing is padded.
    if (!pc || (!target.op.pads.every((p) => p === 0) && !allZero(pc.shift))) return false;
    target.op = convAfterScale(target.op, pc.scale, pc.shift);
  } else return false;
  const first = nodes[chain[0] ?? cur]!;
  first.inputs = first.inputs.map((i) => (i === id ? s.inputs[0]! : i));
  s.dead = true;
  return true;
}
