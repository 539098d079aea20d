/**
 * The shallow terms as netsize networks: each term g = ReLU(ℓ_a) − ReLU(−ℓ_a) − Σ_j ReLU(ℓ_a − ℓ_j)
 * is a one-hidden-layer MLP (dense → relu → dense, one output); the whole form max_r g_r of every
 * target is one network dense → relu → dense → reshape [1, targets, terms] → max pool over the
 * terms → flatten, which netsize and onnxruntime evaluate like any model.
 */
import { fail } from "../../core/errors.js";
import { Network, createNetwork, mlp, DenseOp } from "../../core/network.js";
import { LatticeTerm } from "./lattice.js";

/** A piece in input space: ℓ(x) = w·x + b. */
export interface PieceX {
  w: number[];
  b: number;
}

/** The hidden rows (weights over the inputs, bias) and output weights of one shallow term. */
function termRows(pieces: PieceX[], term: LatticeTerm): { rows: { w: number[]; b: number }[]; out: number[] } {
  const a = pieces[term.anchor]!;
  const rows = [{ w: a.w, b: a.b }, { w: a.w.map((v) => -v), b: -a.b }];
  const out = [1, -1];
  for (const j of term.set) {
    if (j === term.anchor) continue;
    const p = pieces[j]!;
    rows.push({ w: a.w.map((v, i) => v - p.w[i]!), b: a.b - p.b });
    out.push(-1);
  }
  return { rows, out };
}

/** One shallow term as a one-hidden-layer network with the original's inputs and one output. */
export function termNetwork(pieces: PieceX[], term: LatticeTerm, meta: Record<string, unknown> = {}): Network {
  const n = pieces[term.anchor]!.w.length;
  const { rows, out } = termRows(pieces, term);
  const h = rows.length;
  const weight = new Float64Array(h * n), bias = new Float64Array(h);
  rows.forEach((r, k) => { weight.set(r.w, k * n); bias[k] = r.b; });
  return mlp([n, h, 1], [{ weight, bias }, { weight: Float64Array.from(out), bias: new Float64Array(1) }], "relu", { source: "netsize shallow term", anchor: term.anchor, set: term.set, ...meta });
}

/** Hidden units times (targets × most terms) of the combined network: what `shallowNetwork` would allocate in its second layer. */
export function combinedSize(forms: { pieces: PieceX[]; terms: LatticeTerm[] }[]): number {
  let units = 0, most = 0;
  for (const f of forms) { most = Math.max(most, f.terms.length); for (const t of f.terms) units += t.set.length + 1; }
  return units * most * forms.length;
}

/**
 * The whole shallow form as one network: output t is max over target t's terms (padded with
 * repeats of its last term so every target has the same number). `maxWeights` bounds the second
 * dense layer (LIMIT_EXCEEDED beyond it: the per-term networks are the compact form).
 */
export function shallowNetwork(forms: { pieces: PieceX[]; terms: LatticeTerm[] }[], maxWeights = 4_000_000, meta: Record<string, unknown> = {}): Network {
  if (forms.length === 0 || forms.some((f) => f.terms.length === 0)) fail("BAD_ARGUMENT", "the shallow form has a target without terms");
  const size = combinedSize(forms);
  if (size > maxWeights) fail("LIMIT_EXCEEDED", `the combined shallow network would have ${size} weights in its second layer (more than ${maxWeights}); use the per-term networks`);
  const n = forms[0]!.pieces[0]!.w.length;
  const most = Math.max(...forms.map((f) => f.terms.length));
  const hidden: { w: number[]; b: number }[] = [];
  const outRows: { units: number[]; weights: number[] }[] = [];
  for (const f of forms) {
    const rowsOfTerm = f.terms.map((t) => {
      const { rows, out } = termRows(f.pieces, t);
      const start = hidden.length;
      hidden.push(...rows);
      return { units: rows.map((_, k) => start + k), weights: out };
    });
    for (let k = 0; k < most; k++) outRows.push(rowsOfTerm[Math.min(k, rowsOfTerm.length - 1)]!);
  }
  const U = hidden.length, O = outRows.length;
  const w0 = new Float64Array(U * n), b0 = new Float64Array(U);
  hidden.forEach((r, k) => { w0.set(r.w, k * n); b0[k] = r.b; });
  const w1 = new Float64Array(O * U);
  outRows.forEach((r, o) => r.units.forEach((u, k) => { w1[o * U + u] = r.weights[k]!; }));
  return createNetwork([n], [
    { kind: "dense", inSize: n, outSize: U, weight: w0, bias: b0, name: "terms_hidden" },
    { kind: "activation", fn: "relu", name: "terms_relu" },
    { kind: "dense", inSize: U, outSize: O, weight: w1, bias: new Float64Array(O), name: "terms" },
    { kind: "reshape", shape: [1, forms.length, most], name: "terms_grid" },
    { kind: "maxpool", kernel: [1, most], stride: [1, most], pads: [0, 0, 0, 0], name: "max_over_terms" },
    { kind: "flatten", name: "shallow_form" },
  ], { source: "netsize shallow form", ...meta });
}

/**
 * A fast evaluator of max over term networks at many points, reading the networks' own weights
 * (zero input weights — the fixed inputs — are skipped; the arithmetic is the dense kernel's). A term
 * stops being summed once only negative output weights remain and its running value is already at or
 * below the best term so far: float64 addition is monotone, so the rest could only lower it — the
 * maximum is exactly the one a full evaluation gives.
 */
export function maxOfTerms(terms: Network[], X: Float64Array, count: number, n: number): Float64Array {
  const out = new Float64Array(count).fill(-Infinity);
  const prepared = terms.map((net) => {
    const l0 = net.layers[0] as DenseOp, l1 = net.layers[2] as DenseOp;
    const h = l0.outSize, cols: number[] = [];
    for (let i = 0; i < n; i++) { let nz = false; for (let k = 0; k < h; k++) if (l0.weight[k * n + i] !== 0) nz = true; if (nz) cols.push(i); }
    let lastPositive = -1;
    for (let k = 0; k < h; k++) if (l1.weight[k]! > 0) lastPositive = k;
    return { l0, l1, h, cols, lastPositive };
  });
  for (let p = 0; p < count; p++) {
    const off = p * n;
    let best = -Infinity;
    for (const { l0, l1, h, cols, lastPositive } of prepared) {
      let y = l1.bias[0]!;
      for (let k = 0; k < h; k++) {
        if (k > lastPositive && y <= best) break;
        let z = l0.bias[k]!;
        const row = k * n;
        for (const i of cols) z += l0.weight[row + i]! * X[off + i]!;
        if (z > 0) y += l1.weight[k]! * z;
      }
      if (y > best) best = y;
    }
    out[p] = best;
  }
  return out;
}
