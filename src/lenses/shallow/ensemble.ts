/**
 * Olson, Wyner & Berk's ensemble view of a fitted network, by a linear program (HiGHS). Only the
 * abstract could be read; this formulation is a reconstruction (README "Ensemble").
 *
 * Fix the last hidden layer h(x) ∈ R^H and the output layer f(x) = B·h(x) + b (C outputs). Each of
 * K members k owns a random subset S_k of the hidden units (every unit in exactly r members, seeded)
 * and its own output layer B^(k) (zero outside S_k), b^(k): a true sub-network. The LP
 *
 *   minimise  Σ_{i,k} ξ_ik                      (each member's hinge loss on the training data)
 *   s.t.      Σ_{k ∋ j} B^(k)_{cj} = K·B_{cj},  Σ_k b^(k)_c = K·b_c      (the average IS the network)
 *             f_k(x_i)_{y_i} − f_k(x_i)_c + ξ_ik >= m   for every c ≠ y_i,   ξ >= 0
 *             |B^(k)_{cj}| <= w·(K/r)·max_j |B_{cj}|                       (members stay comparable)
 *
 * makes every member as accurate as it can be on the training set (low bias) while their average
 * stays exactly the fitted network. The equalities are restored exactly after the solve (the
 * residual of each unit is spread over its r members), so (1/K)Σ_k f_k = f to float64 rounding.
 */
import { fail } from "../../core/errors.js";
import { forwardTrace } from "../../core/engine/reference.js";
import { LensContext, LensOptions, LensResultBase, checkAborted, since } from "../../core/lens.js";
import { LpRow, loadLpSolver } from "../../core/lp/highs.js";
import { DenseOp, Network, inputSize } from "../../core/network.js";
import { createRng } from "../../core/random.js";
import type { Dataset } from "../../data/dataset.js";

/** Options of the ensemble decomposition. */
export interface EnsembleOptions {
  /** Number of sub-networks K. */
  members?: number;
  /** Fraction of the hidden units each member owns (every unit is in round(support·K) members). */
  support?: number;
  /** Target margin m; 0 = the median margin of the network on the training points it classifies correctly. */
  margin?: number;
  /** Bound on a member's output weights, in units of (K/r)·max |B| of its class row. */
  weightBound?: number;
  /** Seed of the unit assignment. */
  seed?: number;
  /** HiGHS time limit in seconds. */
  timeLimit?: number;
}

/** The ensemble lens's options, each default stated once. */
export const ENSEMBLE_OPTIONS: LensOptions<EnsembleOptions> = {
  members: { default: 8, description: "number of sub-networks K the output layer is decomposed into" },
  support: { default: 0.5, description: "fraction of the last hidden layer's units each sub-network owns (each unit is in round(support·K) members)" },
  margin: { default: 0, description: "target margin m of the members' hinge loss; 0 = the network's median margin on its correctly classified training points" },
  weightBound: { default: 4, description: "bound on a member's output weights, in units of (K/r)·max |B| of the class row" },
  seed: { default: 0, description: "seed of the assignment of hidden units to members" },
  timeLimit: { default: 120, description: "HiGHS time limit for the LP, seconds" },
};

/** One sub-network: its units, output layer and training figures. */
export interface EnsembleMember {
  units: number[];
  /** C × |units| output weights (row-major over units) and C biases. */
  weight: number[];
  bias: number[];
  /** Training error (misclassified fraction against the data's labels): the member's bias. */
  error: number;
  /** Mean hinge max(0, m − margin). */
  hinge: number;
}

/** Result of the ensemble decomposition (schema netsize.ensemble/1). */
export interface EnsembleResult extends LensResultBase {
  schema: "netsize.ensemble/1";
  data: string;
  samples: number;
  hiddenUnits: number;
  outputs: number;
  params: number;
  paramsPerSample: number;
  margin: number;
  unitsPerMember: number;
  membersPerUnit: number;
  networkError: number;
  members: EnsembleMember[];
  /** Mean member error, and the error of the members' majority vote. */
  meanMemberError: number;
  voteError: number;
  /** K × K Pearson correlation of the members' residuals 1 − p_k(y_i | x_i) over the training points. */
  residualCorrelation: number[][];
  /** K × K correlation of the members' 0/1 errors (null where a member makes no or only errors). */
  errorCorrelation: (number | null)[][];
  meanResidualCorrelation: number;
  /** max |(1/K) Σ_k f_k(x_i) − f(x_i)| over the training points and outputs. */
  maxAbsDiff: number;
  lp: { variables: number; rows: number; objective: number; seconds: number; status: string };
}

/** The last hidden layer's index (the input of the final dense layer) and that layer. */
export function outputLayer(net: Network): { hidden: number; out: DenseOp } {
  const last = net.layers[net.layers.length - 1]!;
  if (last.kind !== "dense" || last.inputs.length !== 1 || last.inputs[0]! < 0) fail("BAD_MODEL", "the ensemble decomposition needs a network whose last layer is dense on a hidden layer");
  return { hidden: last.inputs[0]!, out: last };
}

/** h(x_i) for every sample (n × H). */
export function hiddenValues(net: Network, hidden: number, data: Dataset): Float64Array {
  const d = inputSize(net), H = net.layers[hidden]!.shape.reduce((a, b) => a * b, 1);
  if (data.x.length !== data.n * d) fail("DOMAIN_MISMATCH", `data '${data.name}' has ${data.x.length / data.n} features per sample, the network has ${d} inputs`);
  const out = new Float64Array(data.n * H);
  for (let i = 0; i < data.n; i++) out.set(forwardTrace(net, data.x.subarray(i * d, (i + 1) * d)).values[hidden]!, i * H);
  return out;
}

/** Every member's outputs on a data set: K arrays of n × C. */
export function memberOutputs(net: Network, r: Pick<EnsembleResult, "members" | "outputs">, data: Dataset): Float64Array[] {
  const { hidden } = outputLayer(net);
  const Hv = hiddenValues(net, hidden, data), H = Hv.length / data.n, C = r.outputs;
  return r.members.map((m) => {
    const y = new Float64Array(data.n * C);
    for (let i = 0; i < data.n; i++) {
      for (let c = 0; c < C; c++) {
        let s = m.bias[c]!;
        m.units.forEach((j, q) => { s += m.weight[c * m.units.length + q]! * Hv[i * H + j]!; });
        y[i * C + c] = s;
      }
    }
    return y;
  });
}

/** Margins f_y − max_{c≠y} f_c (C >= 2) or (2y − 1)·f (C = 1) of outputs y (n × C). */
export function margins(out: Float64Array, labels: Int32Array, C: number): Float64Array {
  return Float64Array.from(labels, (y, i) => {
    if (C === 1) return (y > 0 ? 1 : -1) * out[i]!;
    let best = -Infinity;
    for (let c = 0; c < C; c++) if (c !== y) best = Math.max(best, out[i * C + c]!);
    return out[i * C + y]! - best;
  });
}

/** 1 − p(y | x) under the softmax (C >= 2) or the logistic (C = 1). */
export function residuals(out: Float64Array, labels: Int32Array, C: number): Float64Array {
  return Float64Array.from(labels, (y, i) => {
    if (C === 1) return 1 - 1 / (1 + Math.exp(-(y > 0 ? 1 : -1) * out[i]!));
    let mx = -Infinity;
    for (let c = 0; c < C; c++) mx = Math.max(mx, out[i * C + c]!);
    let z = 0;
    for (let c = 0; c < C; c++) z += Math.exp(out[i * C + c]! - mx);
    return 1 - Math.exp(out[i * C + y]! - mx) / z;
  });
}

/** Pearson correlation; null when either side is constant. */
export function pearson(a: ArrayLike<number>, b: ArrayLike<number>): number | null {
  const n = a.length;
  let ma = 0, mb = 0;
  for (let i = 0; i < n; i++) { ma += a[i]!; mb += b[i]!; }
  ma /= n; mb /= n;
  let sab = 0, saa = 0, sbb = 0;
  for (let i = 0; i < n; i++) { const x = a[i]! - ma, y = b[i]! - mb; sab += x * y; saa += x * x; sbb += y * y; }
  return saa > 0 && sbb > 0 ? sab / Math.sqrt(saa * sbb) : null;
}

/** Decompose the network's output layer into K sub-networks by LP (see the file comment). */
export async function ensembleDecomposition(net: Network, data: Dataset, options: EnsembleOptions = {}, ctx: LensContext = {}): Promise<EnsembleResult> {
  const t0 = performance.now();
  const O = ENSEMBLE_OPTIONS;
  const K = options.members ?? O.members.default!, support = options.support ?? O.support.default!;
  const wb = options.weightBound ?? O.weightBound.default!, seed = options.seed ?? O.seed.default!, timeLimit = options.timeLimit ?? O.timeLimit.default!;
  if (!(Number.isInteger(K) && K >= 2 && K <= 256)) fail("BAD_ARGUMENT", `members must be an integer in 2..256, got ${K}`);
  if (!(support > 0 && support <= 1)) fail("BAD_ARGUMENT", `support must be in (0, 1], got ${support}`);
  if (!(wb >= 1)) fail("BAD_ARGUMENT", `weightBound must be at least 1 (the plain split must be feasible), got ${wb}`);
  if (!data.labels) fail("BAD_DATA", `data '${data.name}' has no class labels; the ensemble decomposition is for classification`);
  const { hidden, out } = outputLayer(net);
  const H = out.inSize, C = out.outSize, n = data.n, labels = data.labels;
  for (const y of labels) if (!(y >= 0 && y < Math.max(C, 2))) fail("BAD_DATA", `label ${y} is not a class of the network's ${C} outputs`);
  const r = Math.max(1, Math.round(support * K));
  // Two logits: only their difference enters the margins, so the LP works on the score f_1 − f_0
  // (one weight per unit and member) and class 0's layer is split evenly (K/r on each member's units).
  const Cv = C === 2 ? 1 : C;
  const Wv = C === 2 ? Float64Array.from({ length: H }, (_, j) => out.weight[H + j]! - out.weight[j]!) : out.weight;
  const bv = C === 2 ? Float64Array.of(out.bias[1]! - out.bias[0]!) : out.bias;
  const t = { hidden: performance.now() } as Record<string, number>;
  const Hv = hiddenValues(net, hidden, data);
  const full = new Float64Array(n * C);
  for (let i = 0; i < n; i++) for (let c = 0; c < C; c++) {
    let s = out.bias[c]!;
    for (let j = 0; j < H; j++) s += out.weight[c * H + j]! * Hv[i * H + j]!;
    full[i * C + c] = s;
  }
  const fm = margins(full, labels, C);
  const good = Array.from(fm).filter((v) => v > 0).sort((a, b) => a - b);
  const margin = options.margin || (good.length ? good[Math.floor(good.length / 2)]! : 1);
  if (!(margin > 0 && Number.isFinite(margin))) fail("BAD_ARGUMENT", `margin must be positive, got ${margin}`);
  t.hidden = since(t.hidden!);
  checkAborted(ctx);

  // Units → members: each unit in exactly r members, balanced (a seeded shuffle dealt round-robin).
  const rng = createRng(seed);
  const units: number[][] = Array.from({ length: K }, () => []);
  const order = Array.from({ length: K }, (_, k) => k);
  for (let j = 0; j < H; j++) {
    for (let i = K - 1; i > 0; i--) { const s = rng.int(i + 1); [order[i], order[s]] = [order[s]!, order[i]!]; }
    const sizes = order.map((k) => ({ k, size: units[k]!.length })).sort((p, q) => p.size - q.size);
    for (let q = 0; q < r; q++) units[sizes[q]!.k]!.push(j);
  }
  // Variables: per member k, C × |S_k| weights then C biases; then ξ_ik.
  const wOff: number[] = [];
  let nv = 0;
  for (let k = 0; k < K; k++) { wOff.push(nv); nv += Cv * units[k]!.length + Cv; }
  const xiOff = nv;
  nv += n * K;
  const lower = new Float64Array(nv).fill(-Infinity), upper = new Float64Array(nv).fill(Infinity);
  for (let k = 0; k < K; k++) {
    const S = units[k]!;
    for (let c = 0; c < Cv; c++) {
      let mx = 0;
      for (let j = 0; j < H; j++) mx = Math.max(mx, Math.abs(Wv[c * H + j]!));
      const bound = wb * (K / r) * mx;
      for (let q = 0; q < S.length; q++) { lower[wOff[k]! + c * S.length + q] = -bound; upper[wOff[k]! + c * S.length + q] = bound; }
    }
  }
  for (let v = xiOff; v < nv; v++) lower[v] = 0;
  const rows: LpRow[] = [];
  const where: { k: number; q: number }[][] = Array.from({ length: H }, () => []);
  units.forEach((S, k) => S.forEach((j, q) => where[j]!.push({ k, q })));
  for (let c = 0; c < Cv; c++) {
    for (let j = 0; j < H; j++) {
      const idx = where[j]!.map(({ k, q }) => wOff[k]! + c * units[k]!.length + q);
      const v = K * Wv[c * H + j]!;
      rows.push({ indices: idx, values: idx.map(() => 1), lower: v, upper: v });
    }
    const idx = Array.from({ length: K }, (_, k) => wOff[k]! + Cv * units[k]!.length + c);
    rows.push({ indices: idx, values: idx.map(() => 1), lower: K * bv[c]!, upper: K * bv[c]! });
  }
  for (let i = 0; i < n; i++) {
    const y = labels[i]!;
    for (let k = 0; k < K; k++) {
      const S = units[k]!, base = wOff[k]!, bOff = base + Cv * S.length;
      const others = Cv === 1 ? [-1] : Array.from({ length: C }, (_, c) => c).filter((c) => c !== y);
      for (const c of others) {
        const indices: number[] = [], values: number[] = [];
        S.forEach((j, q) => {
          const hv = Hv[i * H + j]!;
          if (hv === 0) return;
          if (Cv === 1) { indices.push(base + q); values.push((y > 0 ? 1 : -1) * hv); } else { indices.push(base + y * S.length + q, base + c * S.length + q); values.push(hv, -hv); }
        });
        if (Cv === 1) { indices.push(bOff); values.push(y > 0 ? 1 : -1); } else { indices.push(bOff + y, bOff + c); values.push(1, -1); }
        indices.push(xiOff + i * K + k); values.push(1);
        rows.push({ indices, values, lower: margin });
      }
    }
  }
  const objective = new Float64Array(nv);
  for (let v = xiOff; v < nv; v++) objective[v] = 1;
  t.lp = performance.now();
  const solver = await loadLpSolver();
  const model = solver.model({ numVars: nv, sense: "min", objective, rows, lower, upper }, { timeLimit, what: "ensemble decomposition LP" });
  let sol;
  try {
    // The rows are dense (one coefficient per owned unit): the interior-point solver is much faster here than simplex.
    model.setHighsOptions({ solver: "ipm" });
    sol = model.solve();
  } finally { model.dispose(); }
  if (sol.status !== "optimal") fail(sol.status === "time_limit" ? "LIMIT_EXCEEDED" : "SOLVER_ERROR", `the ensemble LP ended with status ${sol.status}${sol.status === "time_limit" ? "; raise timeLimit (--time-limit) or use fewer members" : ""}`);
  t.lp = since(t.lp);
  const x = Float64Array.from(sol.x);
  // Restore the averaging equalities exactly: spread each unit's residual over its members.
  for (let c = 0; c < Cv; c++) {
    for (let j = 0; j < H; j++) {
      const w = where[j]!;
      let s = 0;
      for (const { k, q } of w) s += x[wOff[k]! + c * units[k]!.length + q]!;
      const res = (K * Wv[c * H + j]! - s) / w.length;
      for (const { k, q } of w) x[wOff[k]! + c * units[k]!.length + q]! += res;
    }
    let s = 0;
    for (let k = 0; k < K; k++) s += x[wOff[k]! + Cv * units[k]!.length + c]!;
    for (let k = 0; k < K; k++) x[wOff[k]! + Cv * units[k]!.length + c]! += (K * bv[c]! - s) / K;
  }
  const members: EnsembleMember[] = units.map((S, k) => {
    const w = Array.from(x.subarray(wOff[k]!, wOff[k]! + Cv * S.length)), b = Array.from(x.subarray(wOff[k]! + Cv * S.length, wOff[k]! + Cv * S.length + Cv));
    if (C !== 2) return { units: S, weight: w, bias: b, error: 0, hinge: 0 };
    const w0 = S.map((j) => (K / r) * out.weight[j]!);
    return { units: S, weight: [...w0, ...w0.map((v, q) => v + w[q]!)], bias: [out.bias[0]!, out.bias[0]! + b[0]!], error: 0, hinge: 0 };
  });
  const outs = members.map((m) => {
    const y = new Float64Array(n * C);
    for (let i = 0; i < n; i++) for (let c = 0; c < C; c++) {
      let s = m.bias[c]!;
      m.units.forEach((j, q) => { s += m.weight[c * m.units.length + q]! * Hv[i * H + j]!; });
      y[i * C + c] = s;
    }
    return y;
  });
  let maxAbsDiff = 0;
  for (let v = 0; v < n * C; v++) {
    let s = 0;
    for (const o of outs) s += o[v]!;
    maxAbsDiff = Math.max(maxAbsDiff, Math.abs(s / K - full[v]!));
  }
  const wrong = outs.map((o) => Float64Array.from(margins(o, labels, C), (v) => (v > 0 ? 0 : 1)));
  const res = outs.map((o) => residuals(o, labels, C));
  members.forEach((m, k) => {
    const mg = margins(outs[k]!, labels, C);
    m.error = wrong[k]!.reduce((a, b) => a + b, 0) / n;
    m.hinge = mg.reduce((a, v) => a + Math.max(0, margin - v), 0) / n;
  });
  let vote = 0;
  for (let i = 0; i < n; i++) { let w = 0; for (const e of wrong) w += e[i]!; if (w * 2 > K) vote++; }
  const residualCorrelation = res.map((a) => res.map((b) => pearson(a, b) ?? 0));
  const errorCorrelation = wrong.map((a) => wrong.map((b) => pearson(a, b)));
  let sumC = 0, cnt = 0;
  for (let a = 0; a < K; a++) for (let b = a + 1; b < K; b++) { sumC += residualCorrelation[a]![b]!; cnt++; }
  const params = net.layers.reduce((s, l) => s + (l.kind === "dense" ? l.weight.length + l.bias.length : l.kind === "conv2d" ? l.weight.length + l.bias.length : 0), 0);
  return {
    schema: "netsize.ensemble/1",
    options: { members: K, support, margin: options.margin ?? O.margin.default!, weightBound: wb, seed, timeLimit },
    tolerance: { lpFeasibility: 1e-7 },
    timings: { total: since(t0), hidden: t.hidden!, lp: t.lp! },
    seed,
    data: data.name, samples: n, hiddenUnits: H, outputs: C, params, paramsPerSample: params / n, margin,
    unitsPerMember: Math.round(H * r / K), membersPerUnit: r,
    networkError: Array.from(fm).filter((v) => !(v > 0)).length / n,
    members,
    meanMemberError: members.reduce((a, m) => a + m.error, 0) / K,
    voteError: vote / n,
    residualCorrelation, errorCorrelation, meanResidualCorrelation: cnt ? sumC / cnt : 1,
    maxAbsDiff,
    lp: { variables: nv, rows: rows.length, objective: sol.objective, seconds: sol.seconds, status: sol.status },
  };
}
