// Architecture specs of the training lab, parsed into a small DAG of training nodes (no tensors).
import { ActivationName, ActivationParams } from "../core/activations.js";
import { fail } from "../core/errors.js";
import { sizeOf } from "../core/network.js";
import { trainActivation } from "./activations.js";

/** Batch-norm statistic after Hoffer et al. ("none" = no normalisation layers). */
export type NormKind = "none" | "l2" | "l1" | "linf";

/** The normalisation kinds, for option validation. */
export const NORM_KINDS: readonly NormKind[] = ["none", "l2", "l1", "linf"];

interface NodeBase {
  name: string;
  /** Indices of earlier nodes; -1 = network input. */
  inputs: number[];
  /** Per-sample output shape, netsize convention ([n] or C×H×W). */
  shape: number[];
}

/** A dense (fully connected) layer; `hidden` ones are followed by normalisation and an activation. */
export interface DenseNode extends NodeBase { kind: "dense"; inSize: number; outSize: number; hidden: boolean }
/** A 2-D convolution (always hidden). */
export interface ConvNode extends NodeBase {
  kind: "conv2d"; inChannels: number; outChannels: number;
  kernel: [number, number]; stride: [number, number]; pads: [number, number, number, number];
}
/** Batch normalisation of the preceding affine layer's output, per unit or per channel. */
export interface NormNode extends NodeBase { kind: "norm"; norm: Exclude<NormKind, "none">; channels: number }
/** An element-wise activation. */
export interface ActNode extends NodeBase { kind: "activation"; fn: ActivationName; params: ActivationParams }
/** Inverted dropout (training only; the identity on export). */
export interface DropoutNode extends NodeBase { kind: "dropout"; rate: number }
/** Residual sum of two equal-shaped inputs. */
export interface AddNode extends NodeBase { kind: "add" }
/** Max or average pooling, kernel = stride, no padding. */
export interface PoolNode extends NodeBase { kind: "maxpool" | "avgpool"; kernel: [number, number]; stride: [number, number] }
/** Flatten C×H×W (in C,H,W order, as netsize does) to a vector. */
export interface FlattenNode extends NodeBase { kind: "flatten" }

/** One node of a training architecture. */
export type ArchNode = DenseNode | ConvNode | NormNode | ActNode | DropoutNode | AddNode | PoolNode | FlattenNode;

/** A parsed architecture: nodes in topological order, the last one the output. */
export interface Arch {
  /** The spec it was parsed from. */
  spec: string;
  family: "mlp" | "res" | "bottleneck" | "cnn";
  inputShape: number[];
  nodes: ArchNode[];
}

/** Options that shape every architecture. */
export interface ArchOptions {
  activation: ActivationName;
  activationParams?: ActivationParams;
  norm?: NormKind;
  /** Dropout rate after each hidden activation (0 = none). */
  dropout?: number;
}

/** Accepted syntax, for messages and --help. */
export const ARCH_HELP =
  "MLP '784-100-100-10'; residual MLP 'res:IN-WxL-OUT' (L blocks h ← h + σ(Wh+b) of width W); " +
  "bottleneck ResNet 'bottleneck:IN-KxL-OUT' (L blocks h ← h + V·σ(Uh+b) with K hidden units on the IN-dim stream; K=1 is Lin & Jegelka's); " +
  "CNN 'cnn:CxHxW-c8k3[s1][p1]-mp2-ap2-64-10' (conv N filters k×k, max/avg pool, dense widths)";

class Builder {
  readonly nodes: ArchNode[] = [];
  constructor(readonly inputShape: number[], readonly opts: ArchOptions) {}

  shapeOf(i: number): number[] {
    return i === -1 ? this.inputShape : this.nodes[i]!.shape;
  }

  push(node: ArchNode): number {
    this.nodes.push(node);
    return this.nodes.length - 1;
  }

  dense(from: number, outSize: number, hidden: boolean): number {
    const s = this.shapeOf(from);
    if (s.length !== 1) from = this.push({ kind: "flatten", name: `flatten${this.nodes.length}`, inputs: [from], shape: [sizeOf(s)] });
    const inSize = sizeOf(this.shapeOf(from));
    return this.push({ kind: "dense", name: `dense${this.nodes.length}`, inputs: [from], shape: [outSize], inSize, outSize, hidden });
  }

  /** Normalisation (if any) and the activation after an affine node, then dropout. */
  nonlinear(from: number): number {
    const norm = this.opts.norm ?? "none";
    const s = this.shapeOf(from);
    if (norm !== "none") from = this.push({ kind: "norm", norm, name: `norm${this.nodes.length}`, inputs: [from], shape: s, channels: s[0]! });
    from = this.push({
      kind: "activation", name: `${this.opts.activation}${this.nodes.length}`, inputs: [from], shape: s,
      fn: this.opts.activation, params: { ...this.opts.activationParams },
    });
    const rate = this.opts.dropout ?? 0;
    if (rate > 0) from = this.push({ kind: "dropout", name: `dropout${this.nodes.length}`, inputs: [from], shape: s, rate });
    return from;
  }
}

function ints(text: string, what: string, spec: string): number[] {
  const parts = text.split(/[-x]/);
  const v = parts.map(Number);
  if (parts.some((p) => !/^\d+$/.test(p)) || v.some((n) => n < 1)) fail("BAD_ARGUMENT", `bad ${what} '${text}' in --arch '${spec}'; ${ARCH_HELP}`);
  return v;
}

function parseBlocks(text: string, spec: string): [number, number] {
  const m = /^(\d+)x(\d+)$/.exec(text);
  if (!m || Number(m[1]) < 1 || Number(m[2]) < 1) fail("BAD_ARGUMENT", `bad block spec '${text}' (want WIDTHxBLOCKS) in --arch '${spec}'; ${ARCH_HELP}`);
  // Checked before the blocks are built: each is a few nodes.
  if (Number(m[2]) > TRAIN_LIMITS.maxLayers) fail("LIMIT_EXCEEDED", `--arch '${spec}' asks for ${m[2]} blocks, more than the training lab builds (TRAIN_LIMITS.maxLayers = ${fmt(TRAIN_LIMITS.maxLayers)})`);
  return [Number(m[1]), Number(m[2])];
}

/** The largest architecture the training lab builds (TensorFlow.js on one core; far larger nets would run for days or out of memory). */
export const TRAIN_LIMITS = {
  /** Trainable parameters (float32 weights, with the optimiser's moments and the gradients ~16 bytes each): 2^25 = 33,554,432. */
  maxParams: 2 ** 25,
  /** Values per sample of any one layer (times the batch size in memory): 2^22 = 4,194,304. */
  maxValues: 2 ** 22,
  /** Layers or residual blocks: 10,000. */
  maxLayers: 10_000,
} as const;

const fmt = (n: number): string => n.toLocaleString("en-US");

/** Trainable parameters of a node (weights and biases; a norm's scale and shift). */
function nodeParams(n: ArchNode): number {
  if (n.kind === "dense") return n.inSize * n.outSize + n.outSize;
  if (n.kind === "conv2d") return n.inChannels * n.outChannels * n.kernel[0] * n.kernel[1] + n.outChannels;
  if (n.kind === "norm") return 2 * n.channels;
  return 0;
}

/** LIMIT_EXCEEDED when an architecture is beyond TRAIN_LIMITS (checked before anything is allocated). */
export function checkArchSize(arch: Arch): void {
  const inputs = sizeOf(arch.inputShape);
  if (!(inputs <= TRAIN_LIMITS.maxValues)) fail("LIMIT_EXCEEDED", `--arch '${arch.spec}' has ${fmt(inputs)} inputs, more than the training lab handles (TRAIN_LIMITS.maxValues = ${fmt(TRAIN_LIMITS.maxValues)} values per sample)`);
  let params = 0;
  for (const n of arch.nodes) {
    const v = sizeOf(n.shape);
    if (!(v <= TRAIN_LIMITS.maxValues)) fail("LIMIT_EXCEEDED", `--arch '${arch.spec}': layer ${n.name} has ${fmt(v)} values per sample, more than the training lab handles (TRAIN_LIMITS.maxValues = ${fmt(TRAIN_LIMITS.maxValues)}); use narrower layers`);
    params += nodeParams(n);
  }
  if (!(params <= TRAIN_LIMITS.maxParams)) fail("LIMIT_EXCEEDED", `--arch '${arch.spec}' has ${fmt(params)} parameters, more than the training lab trains (TRAIN_LIMITS.maxParams = ${fmt(TRAIN_LIMITS.maxParams)}); use narrower or fewer layers`);
}

function parseMlp(b: Builder, widths: number[]): void {
  let h = -1;
  for (let l = 1; l < widths.length; l++) {
    const last = l === widths.length - 1;
    h = b.dense(h, widths[l]!, !last);
    if (!last) h = b.nonlinear(h);
  }
}

function parseRes(b: Builder, spec: string, body: string, bottleneck: boolean): void {
  const parts = body.split("-");
  if (parts.length !== 3) fail("BAD_ARGUMENT", `--arch '${spec}' needs IN-WxL-OUT; ${ARCH_HELP}`);
  const [inSize] = ints(parts[0]!, "input size", spec);
  const [width, blocks] = parseBlocks(parts[1]!, spec);
  const [outSize] = ints(parts[2]!, "output size", spec);
  b.inputShape.splice(0, b.inputShape.length, inSize!);
  let h = -1;
  if (!bottleneck) h = b.nonlinear(b.dense(h, width, true));
  for (let k = 0; k < blocks; k++) {
    let r = b.nonlinear(b.dense(h, width, true));
    if (bottleneck) r = b.dense(r, inSize!, false);
    h = b.push({ kind: "add", name: `add${b.nodes.length}`, inputs: [r, h], shape: [...b.shapeOf(h)] });
  }
  b.dense(h, outSize!, false);
}

function parseCnn(b: Builder, spec: string, tokens: string[]): void {
  let h = -1;
  tokens.forEach((tok, idx) => {
    const last = idx === tokens.length - 1;
    const s = b.shapeOf(h);
    let m: RegExpExecArray | null;
    if ((m = /^c(\d+)k(\d+)(?:s(\d+))?(?:p(\d+))?$/.exec(tok))) {
      if (s.length !== 3) fail("BAD_ARGUMENT", `conv '${tok}' after a dense layer in --arch '${spec}'`);
      const [out, k, st, p] = [Number(m[1]), Number(m[2]), Number(m[3] ?? 1), Number(m[4] ?? 0)];
      const oh = Math.floor((s[1]! + 2 * p - k) / st) + 1, ow = Math.floor((s[2]! + 2 * p - k) / st) + 1;
      if (out < 1 || k < 1 || st < 1 || oh < 1 || ow < 1) fail("BAD_ARGUMENT", `conv '${tok}' does not fit a ${s.join("×")} input in --arch '${spec}'`);
      h = b.push({
        kind: "conv2d", name: `conv${b.nodes.length}`, inputs: [h], shape: [out, oh, ow], inChannels: s[0]!, outChannels: out,
        kernel: [k, k], stride: [st, st], pads: [p, p, p, p],
      });
      if (last) fail("BAD_ARGUMENT", `--arch '${spec}' must end with a dense output width`);
      h = b.nonlinear(h);
    } else if ((m = /^(mp|ap)(\d+)$/.exec(tok))) {
      const k = Number(m[2]);
      if (s.length !== 3 || k < 1 || s[1]! < k || s[2]! < k) fail("BAD_ARGUMENT", `pool '${tok}' does not fit a ${s.join("×")} input in --arch '${spec}'`);
      h = b.push({
        kind: m[1] === "mp" ? "maxpool" : "avgpool", name: `${m[1]}${b.nodes.length}`, inputs: [h],
        shape: [s[0]!, Math.floor(s[1]! / k), Math.floor(s[2]! / k)], kernel: [k, k], stride: [k, k],
      });
      if (last) fail("BAD_ARGUMENT", `--arch '${spec}' must end with a dense output width`);
    } else if (/^\d+$/.test(tok) && Number(tok) >= 1) {
      h = b.dense(h, Number(tok), !last);
      if (!last) h = b.nonlinear(h);
    } else {
      fail("BAD_ARGUMENT", `unknown CNN layer '${tok}' in --arch '${spec}'; ${ARCH_HELP}`);
    }
  });
}

/** Parse an architecture spec (see ARCH_HELP) into training nodes with shapes and sizes (TRAIN_LIMITS) checked. */
export function parseArch(spec: string, opts: ArchOptions): Arch {
  const arch = parseArchNodes(spec, opts);
  checkArchSize(arch);
  return arch;
}

function parseArchNodes(spec: string, opts: ArchOptions): Arch {
  trainActivation(opts.activation);
  const dropout = opts.dropout ?? 0;
  if (!(dropout >= 0 && dropout < 1)) fail("BAD_ARGUMENT", `dropout rate must be in [0, 1), got ${dropout}`);
  const s = spec.trim();
  const colon = s.indexOf(":");
  const family = colon < 0 ? "mlp" : s.slice(0, colon).toLowerCase();
  const body = colon < 0 ? s : s.slice(colon + 1);
  if (family === "mlp") {
    const widths = ints(body, "widths", spec);
    if (widths.length > TRAIN_LIMITS.maxLayers) fail("LIMIT_EXCEEDED", `--arch '${spec}' has ${widths.length} layers, more than the training lab builds (TRAIN_LIMITS.maxLayers = ${fmt(TRAIN_LIMITS.maxLayers)})`);
    if (widths.length < 2) fail("BAD_ARGUMENT", `--arch '${spec}' needs at least an input and an output width; ${ARCH_HELP}`);
    const b = new Builder([widths[0]!], opts);
    parseMlp(b, widths);
    return { spec: s, family: "mlp", inputShape: b.inputShape, nodes: b.nodes };
  }
  if (family === "res" || family === "bottleneck") {
    const b = new Builder([1], opts);
    parseRes(b, spec, body, family === "bottleneck");
    return { spec: s, family, inputShape: b.inputShape, nodes: b.nodes };
  }
  if (family === "cnn") {
    const tokens = body.split("-");
    const input = ints(tokens[0]!, "input shape", spec);
    if (input.length !== 3 || tokens.length < 2) fail("BAD_ARGUMENT", `--arch '${spec}' must start with the input shape CxHxW; ${ARCH_HELP}`);
    const b = new Builder(input, opts);
    parseCnn(b, spec, tokens.slice(1));
    return { spec: s, family: "cnn", inputShape: b.inputShape, nodes: b.nodes };
  }
  return fail("BAD_ARGUMENT", `unknown architecture family '${family}'; ${ARCH_HELP}`);
}

/** Per-sample output size of an architecture. */
export function archOutputSize(arch: Arch): number {
  return sizeOf(arch.nodes[arch.nodes.length - 1]!.shape);
}

/** The affine (trainable weight) nodes, in order: what initialisation, L1 and rewiring act on. */
export function affineNodes(arch: Arch): (DenseNode | ConvNode)[] {
  return arch.nodes.filter((n): n is DenseNode | ConvNode => n.kind === "dense" || n.kind === "conv2d");
}
