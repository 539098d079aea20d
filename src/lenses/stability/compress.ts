// Lossless compression from stability (Serra et al. 2020/2021): delete units that are constant on
// the domain (stably inactive ReLUs, saturated hard tanh), fold stably linear units whose rows depend
// on others into the next affine map, and merge layers that became entirely linear. The result is
// a smaller network equal to the original on the domain.
import { fail } from "../../core/errors.js";
import { checkAborted, LensContext, LensOptions, LensResultBase, since } from "../../core/lens.js";
import { TOLERANCE } from "../../core/tolerance.js";
import { createNetwork, LayerSpec, Network } from "../../core/network.js";
import { summarize } from "../../core/summary.js";
import { Chain, ChainLayer, toChain } from "./chain.js";
import { FOLD_DEPENDENCE_REL, independentRows } from "./fold.js";
import { pieceAffine } from "./pieces.js";
import { StabilityResult } from "./report.js";
import { CERTIFIERS, Certifier } from "./state.js";
import { CompressedLayer, compressStructural } from "./compress-struct.js";

export type { CompressedLayer } from "./compress-struct.js";

/** The report of a compression (schema "netsize.compression/1"). */
export interface CompressionReport extends LensResultBase {
  schema: "netsize.compression/1";
  before: { units: number; params: number; layers: number };
  after: { units: number; params: number; layers: number };
  layers: CompressedLayer[];
  /** The strongest method behind the stable units the compression used ("none" when it used none). */
  certificate: Certifier;
  domain: StabilityResult["domain"];
}

/** Options of the compression. */
export interface CompressOptions {
  /** Merge an entirely linear layer into the next one only when that does not add parameters (default), always, or never. */
  merge?: "smaller" | "always" | "never";
}

/** The compression's options, each default stated once. */
export const COMPRESS_OPTIONS: LensOptions<CompressOptions> = {
  merge: { default: "smaller", description: "merge an entirely linear layer into the next: smaller (when it does not add parameters), always, never" },
};

interface Work { W: Float64Array; b: Float64Array; inSize: number; outSize: number; act?: ChainLayer["act"]; piece: Int8Array }

/** Compress `net` with the stable units of `result` (computed on the same network); returns the new network and a report. */
export function compress(net: Network, result: StabilityResult, opts: CompressOptions = {}, ctx: LensContext = {}): { network: Network; report: CompressionReport } {
  const t0 = performance.now();
  checkAborted(ctx);
  if (!isDenseChain(net)) {
    // Convolutions, pooling, residual additions: keep every layer's kind and delete what is exactly 0
    // on the domain (whole channels of a convolution), so that the result is never larger.
    const s = compressStructural(net, result);
    return { network: s.network, report: reportOf(net, s.network, result, s.layers, s.certificate, { merge: "never" }, t0) };
  }
  const chain: Chain = toChain(net);
  const byLayer = new Map(result.layers.map((l) => [l.layer, l]));
  const work: Work[] = chain.layers.map((l) => {
    const rep = l.act ? byLayer.get(l.act.layer) : undefined;
    if (l.act && (!rep || rep.units !== l.outSize)) fail("BAD_ARGUMENT", `the stability result does not match this network (layer '${l.act ? l.act.layer : "?"}'); run stability on the same model`);
    const piece = new Int8Array(l.outSize).fill(-1);
    if (rep) rep.state.forEach((s, i) => { piece[i] = stateToPiece(s); });
    return { W: Float64Array.from(l.weight), b: Float64Array.from(l.bias), inSize: l.inSize, outSize: l.outSize, ...(l.act ? { act: l.act } : {}), piece };
  });
  const layers: CompressedLayer[] = [];
  let strongest = 0;
  const certOf = new Map<number, Certifier[]>(result.layers.map((l) => [l.layer, l.by]));
  for (let j = 0; j + 1 < work.length; j++) {
    checkAborted(ctx);
    ctx.onProgress?.({ done: j, total: work.length - 1, stage: "compress" });
    const L = work[j]!, N = work[j + 1]!;
    if (!L.act) continue;
    const rep: CompressedLayer = { name: net.layers[L.act.layer]!.name, unitsBefore: L.outSize, unitsAfter: L.outSize, removedConstant: 0, folded: 0, merged: false };
    const certs = certOf.get(L.act.layer)!;
    const used = (i: number): void => { strongest = Math.max(strongest, CERTIFIERS.indexOf(certs[i]!)); };
    const remove = new Set<number>();
    const linear: number[] = [];
    for (let i = 0; i < L.outSize; i++) {
      const p = L.piece[i]!;
      if (p < 0) continue;
      const { a, c } = pieceAffine(L.act.fn, L.act.params, p);
      if (a === 0) {
        for (let o = 0; o < N.outSize; o++) N.b[o] += N.W[o * N.inSize + i]! * c;
        remove.add(i); rep.removedConstant++; used(i);
      } else linear.push(i);
    }
    const allStable = L.piece.every((p) => p >= 0);
    if (allStable && shouldMerge(L, N, remove.size, opts.merge ?? COMPRESS_OPTIONS.merge.default!)) {
      mergeInto(L, N, remove);
      for (const i of linear) used(i);
      rep.merged = true; rep.unitsAfter = 0;
      work.splice(j, 1);
      j--;
      layers.push(rep);
      continue;
    }
    if (linear.length > 1) {
      const rows = linear.map((i) => L.W.subarray(i * L.inSize, (i + 1) * L.inSize));
      const { basis, dependent } = independentRows(rows);
      for (const { row, k } of dependent) {
        const d = linear[row]!;
        const { a: ad, c: cd } = pieceAffine(L.act.fn, L.act.params, L.piece[d]!);
        // h_d = a_d (Σ_b k_b (z_b − b_b) + b_d) + c_d with z_b = (h_b − c_b)/a_b for the kept units b.
        let shift = L.b[d]!;
        const coef = Array.from(k, (kb, t) => {
          const b = linear[basis[t]!]!;
          const { a: ab, c: cb } = pieceAffine(L.act!.fn, L.act!.params, L.piece[b]!);
          shift -= kb * (cb / ab + L.b[b]!);
          return { b, f: (ad * kb) / ab };
        });
        for (let o = 0; o < N.outSize; o++) {
          const w = N.W[o * N.inSize + d]!;
          if (w === 0) continue;
          for (const { b, f } of coef) N.W[o * N.inSize + b] += w * f;
          N.b[o] += w * (ad * shift + cd);
        }
        remove.add(d); rep.folded++; used(d);
      }
    }
    dropUnits(L, N, remove);
    rep.unitsAfter = L.outSize;
    layers.push(rep);
  }
  const network = rebuild(net, work);
  return { network, report: reportOf(net, network, result, layers, CERTIFIERS[strongest]!, { merge: opts.merge ?? COMPRESS_OPTIONS.merge.default! }, t0) };
}

/** A chain of dense layers and activations (flattened first at most): the fold-and-merge compression applies. */
function isDenseChain(net: Network): boolean {
  return net.layers.every((l, i) => l.kind === "dense" || l.kind === "activation" || ((l.kind === "flatten" || l.kind === "reshape") && net.layers.slice(0, i).every((p) => p.kind === "flatten" || p.kind === "reshape")))
    && net.layers.every((l, i) => l.inputs.length === 1 && l.inputs[0] === i - 1);
}

function reportOf(net: Network, network: Network, result: StabilityResult, layers: CompressedLayer[], certificate: Certifier, options: Record<string, unknown>, t0: number): CompressionReport {
  const sb = summarize(net), sa = summarize(network);
  return {
    schema: "netsize.compression/1",
    options,
    tolerance: { foldDependence: FOLD_DEPENDENCE_REL, equivalence: TOLERANCE.equivalence },
    timings: { total: since(t0) },
    before: { units: sb.units, params: sb.params, layers: net.layers.length },
    after: { units: sa.units, params: sa.params, layers: network.layers.length },
    layers,
    certificate,
    domain: result.domain,
  };
}

function stateToPiece(s: string): number {
  switch (s) {
    case "active": return 1;
    case "inactive": return 0;
    case "saturated-low": return 0;
    case "linear": return 1;
    case "saturated-high": return 2;
    default: return -1;
  }
}

function shouldMerge(L: Work, N: Work, removed: number, mode: "smaller" | "always" | "never"): boolean {
  if (mode === "never") return false;
  if (mode === "always") return true;
  const kept = L.outSize - removed;
  const separate = kept * L.inSize + kept + N.outSize * kept;
  return N.outSize * L.inSize <= separate;
}

/** h = diag(a)(W x + b) + c for every unit: N ← N ∘ that affine map; constants already moved into N.b. */
function mergeInto(L: Work, N: Work, removed: Set<number>): void {
  const W = new Float64Array(N.outSize * L.inSize), b = Float64Array.from(N.b);
  for (let i = 0; i < L.outSize; i++) {
    if (removed.has(i)) continue;
    const { a, c } = pieceAffine(L.act!.fn, L.act!.params, L.piece[i]!);
    for (let o = 0; o < N.outSize; o++) {
      const w = N.W[o * N.inSize + i]! * a;
      if (w === 0) continue;
      b[o] += w * L.b[i]! + N.W[o * N.inSize + i]! * c;
      const wr = o * L.inSize, lr = i * L.inSize;
      for (let t = 0; t < L.inSize; t++) W[wr + t] += w * L.W[lr + t]!;
    }
  }
  N.W = W; N.b = b; N.inSize = L.inSize;
}

/** Delete units (rows of L, columns of N). */
function dropUnits(L: Work, N: Work, remove: Set<number>): void {
  if (remove.size === 0) return;
  const keep: number[] = [];
  for (let i = 0; i < L.outSize; i++) if (!remove.has(i)) keep.push(i);
  const W = new Float64Array(keep.length * L.inSize), b = new Float64Array(keep.length), piece = new Int8Array(keep.length);
  keep.forEach((i, r) => { W.set(L.W.subarray(i * L.inSize, (i + 1) * L.inSize), r * L.inSize); b[r] = L.b[i]!; piece[r] = L.piece[i]!; });
  const NW = new Float64Array(N.outSize * keep.length);
  for (let o = 0; o < N.outSize; o++) keep.forEach((i, r) => { NW[o * keep.length + r] = N.W[o * N.inSize + i]!; });
  L.W = W; L.b = b; L.piece = piece; L.outSize = keep.length;
  N.W = NW; N.inSize = keep.length;
}

/** The compressed chain as a network with the original input shape (flattened first when needed). */
function rebuild(net: Network, work: Work[]): Network {
  const specs: LayerSpec[] = [];
  if (net.inputShape.length > 1) specs.push({ kind: "flatten", name: "flatten" });
  work.forEach((w, j) => {
    specs.push({ kind: "dense", inSize: w.inSize, outSize: w.outSize, weight: w.W, bias: w.b, name: `dense${j}` });
    if (w.act) {
      const src = net.layers[w.act.layer]!;
      specs.push({ kind: "activation", fn: w.act.fn, ...w.act.params, name: src.name });
    }
  });
  return createNetwork(net.inputShape, specs, { ...net.meta, compressedBy: "netsize stability (lossless on the domain)" });
}
