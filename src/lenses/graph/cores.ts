// Degeneracy of the graph: k-core numbers of the thresholded graph (unweighted, Batagelj–Zaversnik)
// and k-hypercore numbers of each weight matrix's inputs (the training lab's reconstruction of
// Limnios et al., src/core/weights/hypercore.ts).
import { hypercoreNumbers } from "../../core/weights/hypercore.js";
import { Csr, csrOf } from "./adjacency.js";
import { NetGraph } from "./build.js";

/** Weight-matrix blocks (dense, conv2d, scale) are thresholded; identity and pooling edges are always kept. */
export function isWeightBlock(kind: string): boolean {
  return kind === "dense" || kind === "conv2d" || kind === "scale";
}

/**
 * Which edges the thresholded graph keeps: in each weight matrix with m edges, sorted by |w|
 * ascending, t = the ⌊q·m⌋-th (0-based, at most m − 1) and the edges with |w| ≥ t are kept (with
 * distinct weights, the top ⌈(1 − q)·m⌉); q = 0 keeps every edge. The cut t of every block is returned.
 */
export function thresholdEdges(g: NetGraph, q: number): { keep: Uint8Array; cuts: number[]; kept: number[] } {
  const keep = new Uint8Array(g.src.length);
  const cuts: number[] = [], kept: number[] = [];
  for (const b of g.blocks) {
    const m = b.end - b.start;
    if (m === 0) { cuts.push(0); kept.push(0); continue; }
    let t = 0;
    if (isWeightBlock(b.kind)) {
      const sorted = g.abs.slice(b.start, b.end).sort();
      t = sorted[Math.min(m - 1, Math.floor(q * m))]!;
    }
    let k = 0;
    for (let e = b.start; e < b.end; e++) if (g.abs[e]! >= t) { keep[e] = 1; k++; }
    cuts.push(t);
    kept.push(k);
  }
  return { keep, cuts, kept };
}

/** Core numbers of an unweighted graph (the pattern of a CSR matrix): Batagelj & Zaversnik's O(m) bucket algorithm. */
export function coreNumbers(a: Csr): Int32Array {
  const n = a.n;
  const deg = new Int32Array(n);
  let maxDeg = 0;
  for (let i = 0; i < n; i++) { deg[i] = a.ptr[i + 1]! - a.ptr[i]!; if (deg[i]! > maxDeg) maxDeg = deg[i]!; }
  const bin = new Int32Array(maxDeg + 2);
  for (let i = 0; i < n; i++) bin[deg[i]!]++;
  let s = 0;
  for (let d = 0; d <= maxDeg; d++) { const c = bin[d]!; bin[d] = s; s += c; }
  const pos = new Int32Array(n), vert = new Int32Array(n);
  for (let i = 0; i < n; i++) { pos[i] = bin[deg[i]!]!; vert[pos[i]!] = i; bin[deg[i]!]++; }
  for (let d = maxDeg; d > 0; d--) bin[d] = bin[d - 1]!;
  bin[0] = 0;
  for (let i = 0; i < n; i++) {
    const v = vert[i]!;
    for (let k = a.ptr[v]!; k < a.ptr[v + 1]!; k++) {
      const u = a.col[k]!;
      if (deg[u]! > deg[v]!) {
        const du = deg[u]!, pu = pos[u]!, pw = bin[du]!, w = vert[pw]!;
        if (u !== w) { pos[u] = pw; vert[pu] = w; pos[w] = pu; vert[pw] = u; }
        bin[du]++;
        deg[u]--;
      }
    }
  }
  return deg;
}

/** Core numbers of the thresholded graph, with what was kept. */
export function thresholdedCores(g: NetGraph, q: number): { core: Int32Array; degree: Int32Array; cuts: number[]; kept: number[] } {
  const t = thresholdEdges(g, q);
  const a = csrOf(g.nodes, g.src, g.dst, g.abs, t.keep);
  const degree = new Int32Array(g.nodes);
  for (let i = 0; i < g.nodes; i++) degree[i] = a.ptr[i + 1]! - a.ptr[i]!;
  return { core: coreNumbers(a), degree, cuts: t.cuts, kept: t.kept };
}

/** The hypercore numbers of one weight block's input nodes, or why there are none. */
export interface BlockHypercore {
  block: number;
  /** Node layer whose nodes the numbers belong to (the block's input side). */
  layer: number;
  numbers?: Float64Array;
  skipped?: string;
}

/**
 * k-hypercore numbers of the inputs of every weight block (dense and conv2d): the block's |w|
 * as a rows × cols matrix (rows = the block's output nodes, the hyperedges; cols = its input
 * nodes), peeled by hypercoreNumbers with hyperedge threshold λ × the mean hyperedge degree.
 */
export function blockHypercores(g: NetGraph, lambda: number, maxCells = 4_000_000): BlockHypercore[] {
  const out: BlockHypercore[] = [];
  g.blocks.forEach((b, bi) => {
    if (b.kind !== "dense" && b.kind !== "conv2d") return;
    const U = g.layers[b.from[0]!]!, V = g.layers[b.to]!;
    if (U.size * V.size > maxCells) { out.push({ block: bi, layer: b.from[0]!, skipped: `${V.size} × ${U.size} matrix is larger than ${maxCells.toLocaleString("en-US")} cells` }); return; }
    const a = new Float64Array(V.size * U.size);
    for (let e = b.start; e < b.end; e++) a[(g.dst[e]! - V.offset) * U.size + (g.src[e]! - U.offset)] += g.abs[e]!;
    out.push({ block: bi, layer: b.from[0]!, numbers: hypercoreNumbers(a, V.size, U.size, { lambda }) });
  });
  return out;
}
