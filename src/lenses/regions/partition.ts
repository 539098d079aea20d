/**
 * The exact partition of a k-dimensional affine piece of input space (a segment for k = 1, a convex
 * polygon of a plane for k = 2) into the linear regions of a piecewise-linear network.
 *
 * Unit layers (activations other than identity, and max pools) are processed in topological order.
 * Cells form generations: generation s+1 holds the cells after splitting by unit layer s, each with
 * its parent in generation s and its pattern for that layer. On a cell every layer output is an
 * affine map of the slice coordinates (see affine.ts); a cell keeps only the maps that later layers
 * read (the inputs of unit layers and of skip connections); post-activation maps are recomputed
 * from pattern and input map when needed. Cells are walked depth first: a new cell is split by the
 * next unit layer at once, so maps are held for one cell per generation (the current path) and
 * only patterns, parents and the final cells are stored.
 *
 * The maps a new cell stores are affine in the post-activation of the layer just split, so they are
 * computed once per parent cell (with every crossing unit off) and carried down the split as a
 * payload that each "unit on" decision updates by that unit's sparse response (see response.ts).
 */
import { activations } from "../../core/activations.js";
import { fail } from "../../core/errors.js";
import { checkAborted, LensContext } from "../../core/lens.js";
import { isPiecewiseLinear, Network, sizeOf } from "../../core/network.js";
import { unitLayerIndices } from "../../core/summary.js";
import { TOLERANCE } from "../../core/tolerance.js";
import { activationMap, denseMap, densePacked, linearLayerMap, maxpoolMap, nonzeroIndices, packActivation, packMap, PieceTable, pieceTable, poolWindows } from "./affine.js";
import { groupCandidates, lineCandidates } from "./candidates.js";
import { ancestors, cellMeasure, F64Buf, Gen, I32Buf, newGen } from "./cells.js";
import { SegmentResponse } from "./response.js";
import { Splitter } from "./split.js";
import { pushColumnDelta, pushResponseDelta } from "./deltas.js";
import { limitExceeded, type Partition, type PartitionLimits, type PartitionSpec } from "./partition-types.js";

export type { PartitionSpec, PartitionLimits, Partition } from "./partition-types.js";

/** Progress callback granularity (cells between reports). */
const REPORT_EVERY = 256;

/** Compute the exact partition of the domain into the network's linear regions. */
export function partition(net: Network, spec: PartitionSpec, limits: PartitionLimits = {}, ctx: LensContext = {}): Partition {
  return new Engine(net, spec, limits, ctx, false).run();
}

/**
 * The same partition by the straightforward kernels only: every post-activation map built, every
 * dense product over the full map, responses through SegmentResponse, every candidate tested at the
 * cell's vertices. The oracle the fast paths are tested against (same cells, same bits); not faster.
 */
export function partitionPlain(net: Network, spec: PartitionSpec, limits: PartitionLimits = {}, ctx: LensContext = {}): Partition {
  return new Engine(net, spec, limits, ctx, true).run();
}

class Engine {
  private readonly k: number;
  private readonly K: number;
  private readonly units: number[];
  private readonly stageOf: Int32Array;
  private readonly seg: Int32Array;
  private readonly stored: boolean[];
  private readonly size: number[];
  private readonly segLayers: number[][];
  private readonly tables: (PieceTable | undefined)[];
  private readonly windows: ({ size: number; index: Int32Array } | undefined)[];
  private readonly scratch: Float64Array[];
  private readonly active: Int32Array;
  /** Packed nonzero inputs of a dense layer (K values per active unit; see packActivation). */
  private readonly packed: Float64Array;
  /**
   * Per layer: true for an activation unit layer whose only reader is one dense layer, which reads
   * its post-activation packed straight from the input map and pattern (the map itself is never built).
   */
  private readonly fused: boolean[];
  private readonly rootInput: Float64Array;
  private readonly gens: Gen[] = [];
  private readonly anc: Int32Array;
  /** The generation whose maps are being computed into scratch, with the pattern row of its unit layer. */
  private fresh = -1;
  private freshPattern: Uint8Array = new Uint8Array(0);
  private freshOff = 0;
  private readonly range: Float64Array;
  private readonly maxRegions: number;
  private readonly maxBytes: number;
  private readonly extra: PartitionLimits["extraBytes"];
  private bytes = 0;
  private readonly stats = { zeroRows: 0 };
  private readonly measure: number;
  /** Per generation g >= 1: the layers it stores, in payload order. */
  private readonly storedIn: number[][];

  constructor(private readonly net: Network, private readonly spec: PartitionSpec, limits: PartitionLimits, private readonly ctx: LensContext, private readonly plain: boolean) {
    if (!isPiecewiseLinear(net)) {
      const bad = net.layers.find((l) => l.kind === "activation" && !activations[l.fn].piecewiseLinear)!;
      fail("NOT_PIECEWISE_LINEAR", `exact regions need a piecewise-linear network, but layer '${bad.name}' is ${(bad as { fn: string }).fn}; use sampled regions (--sample) instead`, { node: bad.name });
    }
    const k = spec.basis.length;
    if (k !== 1 && k !== 2) fail("BAD_ARGUMENT", `a partition needs 1 or 2 directions, got ${k}`);
    const d = sizeOf(net.inputShape);
    if (spec.origin.length !== d || spec.basis.some((b) => b.length !== d)) {
      fail("DOMAIN_MISMATCH", `the slice's points have ${spec.origin.length} values, the network expects ${d} ([${net.inputShape.join(",")}])`);
    }
    this.k = k;
    this.K = k + 1;
    this.maxRegions = limits.maxRegions ?? 1_000_000;
    this.maxBytes = limits.maxBytes ?? 2 ** 30;
    this.extra = limits.extraBytes;
    const L = net.layers.length;
    this.units = unitLayerIndices(net);
    this.stageOf = new Int32Array(L).fill(-1);
    this.units.forEach((u, s) => { this.stageOf[u] = s; });
    this.size = net.layers.map((l) => sizeOf(l.shape));
    // seg[j]: the generation whose cells compute layer j's map = number of unit layers at or before j.
    this.seg = new Int32Array(L);
    let c = 0;
    for (let j = 0; j < L; j++) { if (this.stageOf[j]! >= 0) c++; this.seg[j] = c; }
    this.segLayers = Array.from({ length: this.units.length + 1 }, () => [] as number[]);
    for (let j = 0; j < L; j++) this.segLayers[this.seg[j]!]!.push(j);
    // A non-unit layer's map is stored when a unit layer reads it or a later generation does.
    this.stored = net.layers.map(() => false);
    net.layers.forEach((l, j) => {
      for (const i of l.inputs) {
        if (i < 0 || this.stageOf[i]! >= 0) continue;
        if (this.stageOf[j]! >= 0 || this.seg[j]! > this.seg[i]!) this.stored[i] = true;
      }
    });
    this.stored[L - 1] = this.stageOf[L - 1]! < 0;
    this.storedIn = this.segLayers.map((ls) => ls.filter((j) => this.stored[j]));
    this.tables = net.layers.map((l) => (l.kind === "activation" && l.fn !== "identity" ? pieceTable(l.fn, l) : undefined));
    this.windows = net.layers.map((l) => {
      if (l.kind !== "maxpool") return undefined;
      const inShape = l.inputs[0] === -1 ? net.inputShape : net.layers[l.inputs[0]!]!.shape;
      return poolWindows(l, inShape);
    });
    const K = this.K;
    this.scratch = this.size.map((n) => new Float64Array(K * n));
    this.active = new Int32Array(this.size.reduce((a, n) => Math.max(a, n), d));
    this.packed = new Float64Array(K * this.active.length);
    const readers = net.layers.map(() => [] as number[]);
    net.layers.forEach((l, j) => { for (const i of l.inputs) if (i >= 0) readers[i]!.push(j); });
    this.fused = net.layers.map((l, j) => !plain && l.kind === "activation" && this.stageOf[j]! >= 0 && j !== L - 1 &&
      readers[j]!.length === 1 && net.layers[readers[j]![0]!]!.kind === "dense" && net.layers[readers[j]![0]!]!.inputs.length === 1);
    this.rootInput = new Float64Array(K * d);
    for (let q = 0; q < k; q++) this.rootInput.set(spec.basis[q]!, q * d);
    this.rootInput.set(spec.origin, k * d);
    this.anc = new Int32Array(this.units.length + 1);
    this.range = new Float64Array(k);
    const dom = spec.domain;
    for (let i = 0; i < dom.length; i++) this.range[i % k] = Math.max(this.range[i % k]!, Math.abs(dom[i]!));
    this.measure = Math.abs(cellMeasure(k, dom, 0, dom.length / k));
    if (!(this.measure > 0)) fail("BAD_ARGUMENT", "the domain has zero length or area");
    if (!(this.measure < Infinity)) fail("DOMAIN_MISMATCH", "the domain's length or area overflows float64; use a smaller domain (--half-width, --range)");
  }

  /** Map of layer j (-1: the input) for the current cell, whose ancestors are in `anc`. */
  private getMap(j: number): Float64Array {
    if (j === -1) return this.rootInput;
    const sj = this.seg[j]!;
    if (sj === this.fresh) return this.scratch[j]!;
    const s = this.stageOf[j]!;
    if (s >= 0) {
      this.unitPost(j, this.gens[s + 1]!.pattern.a, this.anc[s + 1]! * this.size[j]!);
      return this.scratch[j]!;
    }
    return this.gens[sj]!.maps.get(j)!;
  }

  /** Post-activation (or post-max-pool) map of unit layer j, into its scratch. */
  private unitPost(j: number, pattern: Uint8Array, pOff: number): void {
    const layer = this.net.layers[j]!;
    const z = this.getMap(layer.inputs[0]!);
    if (layer.kind === "maxpool") {
      const nIn = layer.inputs[0] === -1 ? sizeOf(this.net.inputShape) : this.size[layer.inputs[0]!]!;
      maxpoolMap(this.windows[j]!, nIn, this.size[j]!, this.K, z, pattern, pOff, this.scratch[j]!);
    } else activationMap(this.tables[j]!, this.size[j]!, this.K, z, pattern, pOff, this.scratch[j]!);
  }

  /** Compute generation g's layers into scratch for one cell: ancestors in anc[0..g-1], its unit layer's pattern at pattern[pOff..]. */
  private computeSegment(g: number, pattern: Uint8Array, pOff: number): void {
    this.fresh = g; this.freshPattern = pattern; this.freshOff = pOff;
    const K = this.K;
    for (const j of this.segLayers[g]!) {
      const layer = this.net.layers[j]!;
      const y = this.scratch[j]!;
      if (this.stageOf[j]! >= 0) { if (!this.fused[j]) this.unitPost(j, this.freshPattern, this.freshOff); }
      else if (layer.kind === "dense") {
        const i = layer.inputs[0]!;
        let m: number;
        if (i >= 0 && this.fused[i] && this.seg[i] === g) {
          const unit = this.net.layers[i]!;
          m = packActivation(this.tables[i]!, this.size[i]!, K, this.getMap(unit.inputs[0]!), this.freshPattern, this.freshOff, this.active, this.packed);
        } else if (this.plain) {
          const x = this.getMap(i);
          denseMap(layer.weight, layer.bias, layer.inSize, layer.outSize, K, x, this.active, nonzeroIndices(x, layer.inSize, K, this.active), y);
          continue;
        } else m = packMap(this.getMap(i), layer.inSize, K, this.active, this.packed);
        densePacked(layer.weight, layer.bias, layer.inSize, layer.outSize, K, this.active, this.packed, m, y);
      } else if (layer.kind === "add") linearLayerMap(this.net, j, K, [this.getMap(layer.inputs[0]!), this.getMap(layer.inputs[1]!)], y);
      else linearLayerMap(this.net, j, K, [this.getMap(layer.inputs[0]!)], y);
    }
    this.fresh = -1;
  }

  /** Set generation g's current cell's stored maps, from a payload at src[srcOff..] or (no src) from scratch. */
  private store(g: number, src?: Float64Array, srcOff = 0): void {
    const maps = this.gens[g]!.maps;
    let at = srcOff;
    for (const j of this.storedIn[g]!) {
      const len = this.K * this.size[j]!;
      let buf = maps.get(j);
      if (!buf) { buf = new Float64Array(len); maps.set(j, buf); }
      if (!src) buf.set(this.scratch[j]!);
      else { buf.set(src.subarray(at, at + len)); at += len; }
    }
  }

  private readonly final = { verts: new F64Buf(1 << 16), cellOff: new I32Buf(1 << 12), cellLen: new I32Buf(1 << 12), outMap: new F64Buf(1 << 14) };

  /** Record the current cell of the last generation as a final cell, with its output map. */
  private emitFinal(v: Float64Array, off: number, n: number): void {
    const f = this.final, k = this.k;
    f.cellOff.push(f.verts.n);
    f.cellLen.push(n);
    f.verts.reserve(k * n);
    for (let i = 0; i < k * n; i++) f.verts.a[f.verts.n + i] = v[off + i]!;
    f.verts.n += k * n;
    const out = this.getMap(this.net.layers.length - 1);
    f.outMap.reserve(out.length);
    f.outMap.a.set(out, f.outMap.n);
    f.outMap.n += out.length;
    this.count++;
    this.bytes += 8 * (k * n + out.length) + 8 + (this.extra ? this.extra.perCell + this.extra.perVertex * n : 0);
    if (this.count > this.maxRegions || this.bytes > this.maxBytes) limitExceeded(this.count, this.units.length, this.bytes > this.maxBytes, { maxRegions: this.maxRegions, maxBytes: this.maxBytes, extraBytes: this.extra });
    // Progress: the share of the domain already covered by final cells (per mille).
    this.covered += Math.abs(cellMeasure(k, v, off, n));
    if (this.count % REPORT_EVERY === 0) {
      checkAborted(this.ctx);
      this.ctx.onProgress?.({ done: Math.round((1000 * this.covered) / this.measure), total: 1000, stage: `${this.count.toLocaleString("en-US")} regions, ${Math.round(this.bytes / 2 ** 20)} MiB` });
    }
  }

  private count = 0;
  private covered = 0;

  run(): Partition {
    const root = newGen();
    this.gens.push(root);
    for (let s = 0; s < this.units.length; s++) this.gens.push(newGen());
    root.parent.push(-1);
    root.n = 1;
    this.anc[0] = 0;
    this.computeSegment(0, root.pattern.a, 0);
    this.store(0);
    // Float64 resolution of the domain's coordinates: what a piece must exceed across its cutting line.
    const sliver = TOLERANCE.sliverUlps * Number.EPSILON * this.range.reduce((a, b) => Math.max(a, b), 0);
    this.stages = this.units.map((_, s) => this.makeStage(s, sliver));
    const dom = this.spec.domain;
    checkAborted(this.ctx);
    if (this.units.length === 0) this.emitFinal(dom, 0, dom.length / this.k);
    else {
      // Depth first without recursion (a network may have 10⁵ unit layers): level s walks the leaves
      // of its splitter one at a time; each leaf is split by level s + 1 before the next is taken.
      const last = this.units.length - 1;
      this.stages[0]!.begin(dom, 0, dom.length / this.k);
      let s = 0;
      while (s >= 0) {
        const sp = this.splitters[s]!;
        if (!sp.next()) { s--; continue; }
        this.stages[s]!.leaf();
        if (s === last) this.emitFinal(sp.leafVerts, sp.leafOff, sp.leafLen);
        else this.stages[++s]!.begin(sp.leafVerts, sp.leafOff, sp.leafLen);
      }
    }
    return this.finish();
  }

  private stages: { begin: (v: Float64Array, off: number, n: number) => void; leaf: () => void }[] = [];

  /**
   * The splitter of unit layer s: `begin` sets up the split of the current cell of generation s,
   * `leaf` records the splitter's current leaf as a cell of generation s + 1 (pattern, maps).
   */
  private makeStage(s: number, sliver: number): { begin: (v: Float64Array, off: number, n: number) => void; leaf: () => void } {
    const kids = this.gens[s + 1]!;
    const u = this.units[s]!;
    const layer = this.net.layers[u]!;
    const nu = this.size[u]!;
    const base = new Uint8Array(nu);
    const ids = new I32Buf(nu), lineBp = new I32Buf(nu);
    const sp = new Splitter(this.k);
    this.splitters.push(sp);
    const K = this.K;
    // Activation layers carry the new generation's stored maps through the split (see response.ts).
    const carried = this.storedIn[s + 1]!;
    const payload = layer.kind === "activation" && carried.length > 0;
    const paySize = payload ? carried.reduce((a, j) => a + K * this.size[j]!, 0) : 0;
    const response = payload ? new SegmentResponse(this.net, u, this.segLayers[s + 1]!.slice(1), carried) : undefined;
    // The usual MLP step (activation → dense, the dense map carried): a unit's response is its weight column.
    const rest = this.segLayers[s + 1]!.slice(1);
    const next = rest.length === 1 ? this.net.layers[rest[0]!]! : undefined;
    const column = !this.plain && payload && next?.kind === "dense" && next.inputs[0] === u && carried.length === 1 && carried[0] === rest[0] ? next : undefined;
    const payOff = [0];
    for (const j of carried) payOff.push(payOff[payOff.length - 1]! + K * this.size[j]!);
    const payBase = new Float64Array(paySize);
    sp.paySize = paySize;
    const leaf = (): void => {
      const dec = sp.leafDec, pay = sp.payPool, po = sp.leafPay;
      kids.parent.push(this.anc[s]!);
      kids.pattern.reserve(nu);
      const row = kids.pattern.a.subarray(kids.pattern.n, kids.pattern.n + nu);
      row.set(base);
      for (let d = dec; d >= 0; d = sp.decPrev.a[d]!) {
        const id = sp.decCand.a[d]!;
        if (id < sp.nLines) row[sp.lineUnit.a[id]!]! += sp.decState.a[d]!;
        else row[sp.groupUnit.a[id - sp.nLines]!] = sp.decState.a[d]!;
      }
      kids.pattern.n += nu;
      this.bytes += nu + 4;
      this.anc[s + 1] = kids.n++;
      if (payload) this.store(s + 1, pay, po);
      else {
        this.computeSegment(s + 1, kids.pattern.a, this.anc[s + 1]! * nu);
        this.store(s + 1);
      }
    };
    const begin = (v: Float64Array, off: number, n: number): void => {
      sp.reset(sliver);
      base.fill(0);
      ids.n = 0; lineBp.n = 0;
      const z = this.getMap(layer.inputs[0]!);
      if (layer.kind === "maxpool") {
        const nIn = layer.inputs[0] === -1 ? sizeOf(this.net.inputShape) : this.size[layer.inputs[0]!]!;
        groupCandidates(sp, this.windows[u]!, nu, nIn, z, v, off, n, this.range, base, ids);
      } else lineCandidates(sp, this.tables[u]!, nu, z, v, off, n, this.range, base, ids, lineBp, this.stats, !this.plain);
      if (payload) this.payload(s, u, z, base, ids, lineBp, response!, payOff, payBase, column);
      // One carried map is its own payload (scratch holds it until start copies it).
      sp.start(v, off, n, ids.a, ids.n, carried.length === 1 ? this.scratch[carried[0]!]! : payBase);
    };
    return { begin, leaf };
  }

  private readonly splitters: Splitter[] = [];

  /**
   * The payload of one parent cell: generation s+1's stored maps with every crossing line off (the
   * base pattern), and each crossing line's sparse delta when it is decided on.
   */
  private payload(s: number, u: number, z: Float64Array, base: Uint8Array, ids: I32Buf, lineBp: I32Buf, response: SegmentResponse, payOff: number[], out: Float64Array, column?: { weight: Float64Array; inSize: number; outSize: number }): void {
    const K = this.K, nu = this.size[u]!, sp = this.splitters[s]!, table = this.tables[u]!;
    this.computeSegment(s + 1, base, 0);
    const carried = this.storedIn[s + 1]!;
    if (carried.length > 1) carried.forEach((j, t) => out.set(this.scratch[j]!, payOff[t]!));
    const dz = this.dz;
    let lastUnit = -1;
    for (let q = 0; q < ids.n; q++) {
      const id = ids.a[q]!, i = sp.lineUnit.a[id]!, bp = lineBp.a[q]!;
      const ds = table.slope[bp + 1]! - table.slope[bp]!, dof = table.offset[bp + 1]! - table.offset[bp]!;
      for (let c = 0; c < K; c++) dz[c] = ds * z[c * nu + i]!;
      dz[K - 1]! += dof;
      if (column) { pushColumnDelta(sp, dz, K, column.weight, column.inSize, column.outSize, i); continue; }
      if (i !== lastUnit) {
        // One response per unit (a hard-tanh unit has two lines with the same response).
        this.respT.n = 0; this.respE.n = 0; this.respVal.n = 0;
        response.run(i, (t, e, r) => { this.respT.push(t); this.respE.push(e); this.respVal.reserve(1); this.respVal.a[this.respVal.n++] = r; });
        lastUnit = i;
      }
      pushResponseDelta(sp, dz, K, this.respT, this.respE, this.respVal, carried, this.size, payOff);
    }
  }

  private readonly dz = new Float64Array(3);
  private readonly respT = new I32Buf(1024);
  private readonly respE = new I32Buf(1024);
  private readonly respVal = new F64Buf(1024);

  private finish(): Partition {
    const U = this.units.length;
    const N = this.count;
    const L = this.net.layers.length;
    const m = this.size[L - 1]!;
    const ancestor = ancestors(this.gens, U, N);
    const f = this.final;
    return {
      k: this.k,
      count: N,
      verts: f.verts.take(),
      cellOff: f.cellOff.take(),
      cellLen: f.cellLen.take(),
      outSize: m,
      outMap: f.outMap.take(),
      unitLayers: [...this.units],
      unitSizes: this.units.map((u) => this.size[u]!),
      patterns: this.gens.slice(1).map((g, s) => g.pattern.a.slice(0, g.n * this.size[this.units[s]!]!)),
      ancestor,
      perLayer: this.gens.slice(1).map((g) => g.n),
      slivers: this.splitters.reduce((a, sp) => a + sp.slivers, 0),
      zeroRows: this.stats.zeroRows,
      measure: this.measure,
    };
  }
}
