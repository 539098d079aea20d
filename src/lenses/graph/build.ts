// The network as a weighted multipartite graph: one node per unit (or per channel in the rolled
// view of conv layers, after Vahedian et al.), one edge per non-zero weight with |w| and signed w.
// Biases are not edges. The edges are kept as flat typed arrays (COO) tagged by the block (weight
// matrix, identity or pooling map) they come from; graphology.ts turns them into a graphology graph.
import { fail } from "../../core/errors.js";
import { Layer, Network, sizeOf } from "../../core/network.js";

/** How conv layers become nodes: rolled = one node per channel (edge ‖K_oc‖₂), unrolled = one per (channel, pixel). */
export type ConvView = "rolled" | "unrolled";

/** A group of nodes: the network input, or the output of one dense/conv/scale/add/pool layer. */
export interface NodeLayer {
  name: string;
  kind: "input" | "hidden" | "output";
  /** The op that made the nodes ("input", "dense", "conv2d", "scale", "add", "maxpool", "avgpool"). */
  op: string;
  /** Network layer index (−1 = the input). */
  networkLayer: number;
  size: number;
  /** First node id of the group (ids are contiguous). */
  offset: number;
  /** Whether each node is a channel (the rolled view of a C×H×W tensor). */
  channels: boolean;
}

/** The edges that one op contributes, ids [start, end) in the edge arrays. */
export interface EdgeBlock {
  name: string;
  /** dense / conv2d / scale: weights; identity: a residual addition; pool: a pooling window. */
  kind: "dense" | "conv2d" | "scale" | "identity" | "pool";
  networkLayer: number;
  from: number[];
  to: number;
  start: number;
  end: number;
}

/** The graph: nodes in layers, edges as flat arrays (src in the earlier layer, dst in the later one). */
export interface NetGraph {
  view: ConvView;
  nodes: number;
  layers: NodeLayer[];
  blocks: EdgeBlock[];
  src: Int32Array;
  dst: Int32Array;
  /** Signed edge weight (rolled conv: the sum of the kernel slice). */
  signed: Float64Array;
  /** Edge weight |w| (rolled conv: ‖K_oc‖₂ over the kernel slice). */
  abs: Float64Array;
  /** Block index of every edge. */
  block: Int32Array;
  /** What the construction did with biases, pooling, residuals and flattening. */
  notes: string[];
}

/** Options of buildGraph. */
export interface BuildOptions {
  view?: ConvView;
  /** The most edges the graph may have (LIMIT_EXCEEDED beyond). */
  maxEdges?: number;
}

/** How a layer's output tensor maps onto nodes. */
interface View {
  layer: number;
  /** Rolled channels: C nodes, each standing for `spatial` values; otherwise one node per value (spatial 1). */
  channels: boolean;
  spatial: number;
}

class EdgeList {
  src: Int32Array; dst: Int32Array; signed: Float64Array; abs: Float64Array; block: Int32Array;
  n = 0;
  constructor(private readonly max: number, initial = 1024) {
    this.src = new Int32Array(initial); this.dst = new Int32Array(initial);
    this.signed = new Float64Array(initial); this.abs = new Float64Array(initial); this.block = new Int32Array(initial);
  }
  push(s: number, d: number, w: number, a: number, b: number): void {
    if (this.n === this.src.length) this.grow();
    this.src[this.n] = s; this.dst[this.n] = d; this.signed[this.n] = w; this.abs[this.n] = a; this.block[this.n] = b;
    this.n++;
  }
  private grow(): void {
    if (this.n >= this.max) fail("LIMIT_EXCEEDED", `the graph has more than maxEdges ${this.max.toLocaleString("en-US")} edges; raise maxEdges or use the rolled view of conv layers`);
    const c = Math.min(this.max, this.src.length * 2);
    const g = <T extends Int32Array | Float64Array>(a: T, make: (n: number) => T): T => { const b = make(c); b.set(a); return b; };
    this.src = g(this.src, (n) => new Int32Array(n)); this.dst = g(this.dst, (n) => new Int32Array(n));
    this.signed = g(this.signed, (n) => new Float64Array(n)); this.abs = g(this.abs, (n) => new Float64Array(n));
    this.block = g(this.block, (n) => new Int32Array(n));
  }
}

function hasSpatialOps(net: Network): boolean {
  return net.layers.some((l) => l.kind === "conv2d" || l.kind === "maxpool" || l.kind === "avgpool");
}

/**
 * Build the graph of a network. Dense: an edge per non-zero W_ji. Conv2d, rolled: an edge per
 * (output channel, input channel) with |w| = ‖K_oc‖₂ and signed w = ΣK_oc; unrolled: an edge per
 * kernel entry and in-bounds pixel pair. The first dense layer after a rolled C×H×W tensor gets
 * channel edges with the L2 norm (signed: the sum) over the channel's positions. Scale (folded
 * normalisation): one edge per unit or channel. Add: a new layer of sum nodes with identity edges
 * (weight 1) from both operands. Pooling: rolled, channels pass through; unrolled, an edge of
 * weight 1 (max) or 1/(kh·kw) (average) from every in-window pixel. Activations, flatten, reshape
 * and pad keep their input's nodes.
 */
export function buildGraph(net: Network, opts: BuildOptions = {}): NetGraph {
  const viewKind = opts.view ?? "rolled";
  if (viewKind !== "rolled" && viewKind !== "unrolled") fail("BAD_ARGUMENT", `view must be rolled or unrolled, got '${String(viewKind)}'`);
  const maxEdges = opts.maxEdges ?? 5_000_000;
  const rolled = viewKind === "rolled" && hasSpatialOps(net);
  const layers: NodeLayer[] = [], blocks: EdgeBlock[] = [];
  const edges = new EdgeList(maxEdges);
  const notes = ["biases are not edges (a bias is a node attribute, not a connection between units); they are ignored"];
  if (!hasSpatialOps(net)) notes.push("no conv or pooling layer: one node per unit (rolled and unrolled views coincide)");
  let nodes = 0;
  const addLayer = (name: string, op: string, networkLayer: number, size: number, channels: boolean): number => {
    layers.push({ name, kind: networkLayer < 0 ? "input" : "hidden", op, networkLayer, size, offset: nodes, channels });
    nodes += size;
    return layers.length - 1;
  };
  const inShape = net.inputShape;
  const inChannels = rolled && inShape.length === 3;
  const views: View[] = [];
  const inputView: View = inChannels
    ? { layer: addLayer("input", "input", -1, inShape[0]!, true), channels: true, spatial: inShape[1]! * inShape[2]! }
    : { layer: addLayer("input", "input", -1, sizeOf(inShape), false), channels: false, spatial: 1 };
  const viewOf = (i: number): View => (i < 0 ? inputView : views[i]!);
  const startBlock = (l: Layer, idx: number, kind: EdgeBlock["kind"], from: number[], to: number): EdgeBlock => {
    const b: EdgeBlock = { name: l.name, kind, networkLayer: idx, from, to, start: edges.n, end: edges.n };
    blocks.push(b);
    return b;
  };
  const noted = new Set<string>();
  const note = (s: string): void => { if (!noted.has(s)) { noted.add(s); notes.push(s); } };

  net.layers.forEach((l, idx) => {
    const v = viewOf(l.inputs[0] ?? -1);
    switch (l.kind) {
      case "dense": {
        const to = addLayer(l.name, "dense", idx, l.outSize, false);
        const b = startBlock(l, idx, "dense", [v.layer], to);
        const from = layers[v.layer]!.offset, dst0 = layers[to]!.offset, S = v.spatial;
        if (v.channels && S > 1) note("a dense layer reading a rolled C×H×W tensor gets one edge per (unit, channel): |w| = the L2 norm and signed w = the sum of its weights over the channel's positions (Vahedian's first FC after flatten)");
        const nIn = v.channels ? layers[v.layer]!.size : l.inSize;
        for (let j = 0; j < l.outSize; j++) {
          for (let c = 0; c < nIn; c++) {
            let s = 0, q = 0;
            for (let k = 0; k < S; k++) { const w = l.weight[j * l.inSize + c * S + k]!; s += w; q += w * w; }
            if (q > 0) edges.push(from + c, dst0 + j, s, S === 1 ? Math.abs(s) : Math.sqrt(q), blocks.length - 1);
          }
        }
        b.end = edges.n;
        views[idx] = { layer: to, channels: false, spatial: 1 };
        return;
      }
      case "conv2d": {
        const [C, H, W] = net.layers[l.inputs[0]!]?.shape ?? inShape;
        const [O, H2, W2] = l.shape;
        const [kh, kw] = l.kernel, area = kh * kw;
        if (rolled) {
          const to = addLayer(l.name, "conv2d", idx, O!, true);
          startBlock(l, idx, "conv2d", [v.layer], to);
          const from = layers[v.layer]!.offset, dst0 = layers[to]!.offset;
          for (let o = 0; o < O!; o++) {
            for (let c = 0; c < C!; c++) {
              let s = 0, q = 0;
              for (let k = 0; k < area; k++) { const w = l.weight[(o * C! + c) * area + k]!; s += w; q += w * w; }
              if (q > 0) edges.push(from + c, dst0 + o, s, Math.sqrt(q), blocks.length - 1);
            }
          }
          note("conv layers are rolled (Vahedian et al.): one node per channel, one edge per (output, input) channel pair with |w| = ‖K_oc‖₂ over the kernel slice and signed w = its sum");
          blocks[blocks.length - 1]!.end = edges.n;
          views[idx] = { layer: to, channels: true, spatial: H2! * W2! };
          return;
        }
        const to = addLayer(l.name, "conv2d", idx, O! * H2! * W2!, false);
        startBlock(l, idx, "conv2d", [v.layer], to);
        const from = layers[v.layer]!.offset, dst0 = layers[to]!.offset;
        const [sh, sw] = l.stride, [dh, dw] = l.dilation, [pt, pl] = l.pads;
        for (let o = 0; o < O!; o++) for (let y = 0; y < H2!; y++) for (let x = 0; x < W2!; x++) {
          const d = dst0 + (o * H2! + y) * W2! + x;
          for (let c = 0; c < C!; c++) for (let ky = 0; ky < kh; ky++) {
            const iy = y * sh - pt + ky * dh;
            if (iy < 0 || iy >= H!) continue;
            for (let kx = 0; kx < kw; kx++) {
              const ix = x * sw - pl + kx * dw;
              if (ix < 0 || ix >= W!) continue;
              const w = l.weight[((o * C! + c) * kh + ky) * kw + kx]!;
              if (w !== 0) edges.push(from + (c * H! + iy) * W! + ix, d, w, Math.abs(w), blocks.length - 1);
            }
          }
        }
        note("conv layers are unrolled: one node per (channel, pixel), one edge per kernel weight and in-bounds pixel pair (padding adds no edge)");
        blocks[blocks.length - 1]!.end = edges.n;
        views[idx] = { layer: to, channels: false, spatial: 1 };
        return;
      }
      case "scale": {
        const size = v.channels ? layers[v.layer]!.size : sizeOf(l.shape);
        const to = addLayer(l.name, "scale", idx, size, v.channels);
        startBlock(l, idx, "scale", [v.layer], to);
        const from = layers[v.layer]!.offset, dst0 = layers[to]!.offset;
        const per = l.perChannel ? sizeOf(l.shape) / l.shape[0]! : 1;
        for (let i = 0; i < size; i++) {
          if (!v.channels) { const w = l.scale[l.perChannel ? Math.floor(i / per) : i]!; if (w !== 0) edges.push(from + i, dst0 + i, w, Math.abs(w), blocks.length - 1); continue; }
          let s = 0, q = 0;
          for (let k = 0; k < v.spatial; k++) { const w = l.perChannel ? l.scale[i]! : l.scale[i * v.spatial + k]!; s += w; q += w * w; }
          if (q > 0) edges.push(from + i, dst0 + i, l.perChannel ? s / v.spatial : s, l.perChannel ? Math.abs(s / v.spatial) : Math.sqrt(q), blocks.length - 1);
        }
        note("scale layers (folded normalisation) are one edge per unit (or channel) carrying the scale");
        blocks[blocks.length - 1]!.end = edges.n;
        views[idx] = { layer: to, channels: v.channels, spatial: v.spatial };
        return;
      }
      case "add": {
        const ins = l.inputs.map(viewOf);
        const size = layers[ins[0]!.layer]!.size;
        if (ins.some((x) => layers[x.layer]!.size !== size || x.channels !== ins[0]!.channels)) fail("SHAPE_MISMATCH", `the operands of ${l.name} map onto node groups of different sizes`, { node: l.name });
        const to = addLayer(l.name, "add", idx, size, ins[0]!.channels);
        startBlock(l, idx, "identity", ins.map((x) => x.layer), to);
        const dst0 = layers[to]!.offset;
        const uniq = [...new Set(ins.map((x) => x.layer))];
        for (const u of uniq) {
          const times = ins.filter((x) => x.layer === u).length;
          for (let i = 0; i < size; i++) edges.push(layers[u]!.offset + i, dst0 + i, times, times, blocks.length - 1);
        }
        note("a residual addition is a layer of sum nodes with identity edges (weight 1) from each operand's nodes");
        blocks[blocks.length - 1]!.end = edges.n;
        views[idx] = { layer: to, channels: ins[0]!.channels, spatial: ins[0]!.spatial };
        return;
      }
      case "maxpool":
      case "avgpool": {
        const [C, H2, W2] = l.shape;
        if (rolled) {
          note("pooling keeps the channel nodes (rolled view): a pooled channel is the same node");
          views[idx] = { layer: v.layer, channels: true, spatial: H2! * W2! };
          return;
        }
        const [, H, W] = net.layers[l.inputs[0]!]?.shape ?? inShape;
        const [kh, kw] = l.kernel, [sh, sw] = l.stride, [pt, pl] = l.pads;
        const to = addLayer(l.name, l.kind, idx, C! * H2! * W2!, false);
        startBlock(l, idx, "pool", [v.layer], to);
        const from = layers[v.layer]!.offset, dst0 = layers[to]!.offset;
        const w = l.kind === "maxpool" ? 1 : 1 / (kh * kw);
        for (let c = 0; c < C!; c++) for (let y = 0; y < H2!; y++) for (let x = 0; x < W2!; x++) {
          for (let ky = 0; ky < kh; ky++) for (let kx = 0; kx < kw; kx++) {
            const iy = y * sh - pt + ky, ix = x * sw - pl + kx;
            if (iy >= 0 && iy < H! && ix >= 0 && ix < W!) edges.push(from + (c * H! + iy) * W! + ix, dst0 + (c * H2! + y) * W2! + x, w, w, blocks.length - 1);
          }
        }
        note("pooling (unrolled view) is a layer of pooled nodes with an edge from every pixel of its window: weight 1 for max pooling (a pass-through, as nn_homology does), 1/(kh·kw) for average pooling");
        blocks[blocks.length - 1]!.end = edges.n;
        views[idx] = { layer: to, channels: false, spatial: 1 };
        return;
      }
      case "reshape":
        if (v.channels && l.shape.length !== 1) fail("UNSUPPORTED_OP", `${l.name} reshapes a C×H×W tensor to [${l.shape.join(",")}], which the rolled (channel) graph cannot follow; use view unrolled`, { node: l.name });
        views[idx] = v.channels ? { ...v } : v;
        return;
      default:
        // activation, flatten, pad: the same nodes (an activation is the node's function; pad values are constants)
        views[idx] = v;
    }
  });
  const out = viewOf(net.layers.length - 1);
  if (out.layer > 0) layers[out.layer]!.kind = "output";
  return {
    view: viewKind, nodes, layers, blocks, notes,
    src: edges.src.slice(0, edges.n), dst: edges.dst.slice(0, edges.n), signed: edges.signed.slice(0, edges.n), abs: edges.abs.slice(0, edges.n), block: edges.block.slice(0, edges.n),
  };
}

/** A readable label of node `id`: the layer name and index within it (c for a channel). */
export function nodeLabel(g: NetGraph, id: number): string {
  const l = layerOfNode(g, id);
  const L = g.layers[l]!;
  return `${L.name}[${L.channels ? "c" : ""}${id - L.offset}]`;
}

/** The layer index of node `id` (binary search over offsets). */
export function layerOfNode(g: NetGraph, id: number): number {
  let lo = 0, hi = g.layers.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (g.layers[mid]!.offset <= id) lo = mid; else hi = mid - 1;
  }
  return lo;
}
