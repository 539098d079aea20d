// The sampling pre-pass of the whole-network mode (Serra et al. 2021): evaluate real points of the
// domain and mark every unit seen in two pieces as unstable — a witness is a proof. Points are the
// box centre, vertices, data points inside the box and uniform draws, then a cheap local search
// (the vertex maximising the unit's local linear map, repeated) for units still undecided.
import { Box, inBox } from "../../core/domain.js";
import { forwardTrace } from "../../core/engine/reference.js";
import { checkAborted, LensContext } from "../../core/lens.js";
import { Network } from "../../core/network.js";
import { createRng } from "../../core/random.js";
import { Chain } from "./chain.js";
import { forwardChain } from "./forward.js";
import { pieceAffine } from "./pieces.js";
import { markSeen, provenUnstable, undecided, UnitLayerState } from "./state.js";

/** What points the pre-pass evaluates. */
export interface SamplingOptions {
  /** Number of points (centre, vertices, data, uniform together). */
  count: number;
  seed: number;
  /** Data points (n × inputSize); those inside the box are used first. */
  data?: { x: Float64Array; n: number };
  /** Local-search iterations per undecided unit and direction (0 = none; chain networks only). */
  searchIterations?: number;
}

/** Points drawn for the pre-pass and how many came from each source. */
export interface SamplePoints {
  X: Float64Array;
  n: number;
  sources: { centre: number; vertices: number; data: number; uniform: number };
}

/** Draw the pre-pass points: the centre, all vertices when there are few (else random ones), data inside the box, then uniform. */
export function samplePoints(box: Box, opts: SamplingOptions): SamplePoints {
  const d = box.lower.length, rng = createRng(opts.seed);
  const count = Math.max(1, opts.count);
  const X = new Float64Array(count * d);
  let n = 0;
  const put = (f: (i: number) => number): void => { for (let i = 0; i < d; i++) X[n * d + i] = f(i); n++; };
  put((i) => midpoint(box.lower[i]!, box.upper[i]!));
  const sources = { centre: 1, vertices: 0, data: 0, uniform: 0 };
  const quarter = Math.floor(count / 4);
  if (d <= 20 && 2 ** d <= quarter) {
    for (let v = 0; v < 2 ** d; v++) { put((i) => ((v >> i) & 1 ? box.upper[i]! : box.lower[i]!)); sources.vertices++; }
  } else {
    for (let v = 0; v < quarter && n < count; v++) { put((i) => (rng.next() < 0.5 ? box.lower[i]! : box.upper[i]!)); sources.vertices++; }
  }
  if (opts.data) {
    const { x, n: dn } = opts.data;
    for (let s = 0; s < dn && n < count - Math.floor(count / 4); s++) {
      const row = x.subarray(s * d, (s + 1) * d);
      if (inBox(box, row)) { X.set(row, n * d); n++; sources.data++; }
    }
  }
  while (n < count) { put((i) => lerp(box.lower[i]!, box.upper[i]!, rng.next())); sources.uniform++; }
  return { X, n, sources };
}

/** (a + b) / 2 without overflow: a box of ±1e308 has a finite centre. */
export function midpoint(a: number, b: number): number {
  const s = a + b;
  return Number.isFinite(s) ? 0.5 * s : 0.5 * a + 0.5 * b;
}

/** lo + t·(hi − lo), clamped into [lo, hi], also where hi − lo overflows (a box of ±1e308). */
export function lerp(lo: number, hi: number, t: number): number {
  const w = hi - lo;
  const v = Number.isFinite(w) ? lo + t * w : (1 - t) * lo + t * hi;
  return Math.min(hi, Math.max(lo, v));
}

/** Chain unit layer k → its state (by the activation layer index). */
export function chainStates(chain: Chain, states: UnitLayerState[]): (UnitLayerState | undefined)[] {
  const byLayer = new Map(states.map((s) => [s.layer, s]));
  return chain.layers.map((l) => (l.act ? byLayer.get(l.act.layer) : undefined));
}

/** Per chain unit layer, the sample index reaching the largest and smallest pre-activation of each unit. */
interface Extremes { maxIdx: Int32Array; maxVal: Float64Array; minIdx: Int32Array; minVal: Float64Array }

/** Evaluate points through the chain and mark every unit's witnessed pieces; returns extremes for the local search. */
export function markChain(chain: Chain, states: (UnitLayerState | undefined)[], X: Float64Array, n: number, first = 0, ext?: (Extremes | undefined)[]): void {
  const broken = new Uint8Array(n);
  forwardChain(chain, X, n, (k, Z) => {
    overflowed(Z, n, chain.layers[k]!.outSize, broken);
    const s = states[k];
    if (!s) return;
    const w = s.n;
    const e = ext?.[k];
    for (let r = 0; r < n; r++) {
      if (broken[r]) continue;
      for (let i = 0; i < w; i++) {
        const z = Z[r * w + i]!;
        markSeen(s, i, z);
        if (e) {
          if (z > e.maxVal[i]!) { e.maxVal[i] = z; e.maxIdx[i] = first + r; }
          if (z < e.minVal[i]!) { e.minVal[i] = z; e.minIdx[i] = first + r; }
        }
      }
    }
  });
}

/**
 * Flag the samples whose values (n × w) hold a NaN or ±∞: float64 overflowed there, and every later
 * value of the sample is suspect (ReLU turns NaN into 0), so it witnesses nothing from then on.
 */
function overflowed(Z: Float64Array, n: number, w: number, broken: Uint8Array): void {
  for (let r = 0; r < n; r++) {
    if (broken[r]) continue;
    for (let i = r * w, e = i + w; i < e; i++) if (!Number.isFinite(Z[i]!)) { broken[r] = 1; break; }
  }
}

/**
 * Evaluate points with the reference engine (any network) and mark witnessed pieces. A sample
 * witnesses a unit layer only while every layer before its pre-activation is finite (see overflowed).
 */
export function markNetwork(net: Network, states: UnitLayerState[], X: Float64Array, n: number): void {
  const d = X.length / n;
  for (let r = 0; r < n; r++) {
    const x = X.subarray(r * d, (r + 1) * d);
    const tr = forwardTrace(net, x);
    let firstBad = tr.values.findIndex((v) => v.some((z) => !Number.isFinite(z)));
    if (firstBad < 0) firstBad = net.layers.length;
    for (const s of states) {
      if (s.preNode >= firstBad) continue;
      const Z = s.preNode === -1 ? x : tr.values[s.preNode]!;
      for (let i = 0; i < s.n; i++) markSeen(s, i, Z[i]!);
    }
  }
}

/** The gradient of pre-activation i of chain layer k with respect to the input, on x's linear region. */
function gradient(chain: Chain, x: Float64Array, k: number, i: number): Float64Array {
  const pres: Float64Array[] = [];
  forwardChain(chain, x, 1, (j, Z) => { pres[j] = Float64Array.from(Z); });
  let v = chain.layers[k]!.weight.slice(i * chain.layers[k]!.inSize, (i + 1) * chain.layers[k]!.inSize);
  for (let j = k - 1; j >= 0; j--) {
    const L = chain.layers[j]!;
    if (L.act) {
      const z = pres[j]!;
      for (let u = 0; u < L.outSize; u++) {
        const zu = z[u]!;
        let piece = 0;
        const bps = L.act.fn === "hardtanh" ? [L.act.params.min ?? -1, L.act.params.max ?? 1] : [0];
        for (const b of bps) if (zu > b) piece++;
        v[u] *= pieceAffine(L.act.fn, L.act.params, piece).a;
      }
    }
    const g = new Float64Array(L.inSize);
    for (let u = 0; u < L.outSize; u++) {
      const a = v[u]!;
      if (a === 0) continue;
      const row = u * L.inSize;
      for (let t = 0; t < L.inSize; t++) g[t] += a * L.weight[row + t]!;
    }
    v = g;
  }
  return v;
}

/**
 * Local search for witnesses: for each undecided unit, from the sample that pushed it furthest
 * toward its unseen piece, step along the sign of its local gradient (a jump to the box vertex that
 * maximises its local linear map, and shorter PGD-like steps), keep the best, and repeat while it
 * improves. Every evaluated point marks all units.
 */
export function searchWitnesses(chain: Chain, states: (UnitLayerState | undefined)[], box: Box, pts: SamplePoints, iterations: number, ctx?: LensContext): number {
  if (iterations <= 0) return 0;
  const d = chain.inputSize;
  if (chain.layers.some((l) => l.act && !["relu", "leakyrelu", "abs", "hardtanh"].includes(l.act.fn))) return 0;
  const ext: (Extremes | undefined)[] = chain.layers.map((l, k) => (states[k] ? {
    maxIdx: new Int32Array(l.outSize), maxVal: new Float64Array(l.outSize).fill(-Infinity),
    minIdx: new Int32Array(l.outSize), minVal: new Float64Array(l.outSize).fill(Infinity),
  } : undefined));
  // Small batches: on densified conv chains a batch of 256 takes seconds, and the budget is checked between batches.
  const B = 32;
  for (let s = 0; s < pts.n; s += B) {
    // The time budget reaches here too: on densified conv chains these passes alone can take a minute.
    checkAborted(ctx);
    const c = Math.min(B, pts.n - s);
    markChain(chain, states, pts.X.subarray(s * d, (s + c) * d), c, s, ext);
  }
  let evaluated = 0;
  // Steps along sign(gradient), as fractions of the box width: the vertex jump, then shorter (PGD-like) moves.
  const STEPS = [1, 0.25, 0.06, 0.015];
  const T = STEPS.length;
  const trial = new Float64Array(T * d), broken = new Uint8Array(T);
  chain.layers.forEach((_l, k) => {
    const st = states[k], e = ext[k];
    if (!st || !e) return;
    for (let i = 0; i < st.n; i++) {
      checkAborted(ctx);
      for (const dir of [1, -1]) {
        if (!undecided(st, i)) break;
        // Only push toward a piece not yet seen.
        const seen = st.seen[i]!;
        const top = 31 - Math.clz32(seen), bottom = seen ? 31 - Math.clz32(seen & -seen) : -1;
        if (dir === 1 && seen && top >= st.bps.length) continue;
        if (dir === -1 && seen && bottom <= 0) continue;
        let x = Float64Array.from(pts.X.subarray((dir === 1 ? e.maxIdx[i]! : e.minIdx[i]!) * d, ((dir === 1 ? e.maxIdx[i]! : e.minIdx[i]!) + 1) * d));
        let best = dir === 1 ? e.maxVal[i]! : -e.minVal[i]!;
        for (let it = 0; it < iterations && undecided(st, i); it++) {
          const g = gradient(chain, x, k, i);
          for (let t = 0; t < d; t++) {
            const sg = Math.sign(g[t]! * dir), w = box.upper[t]! - box.lower[t]!;
            for (let r = 0; r < T; r++) trial[r * d + t] = Math.min(box.upper[t]!, Math.max(box.lower[t]!, x[t]! + sg * STEPS[r]! * w));
            // A width that overflows (±1e308 boxes) steps to the vertex the sign points at.
            if (!Number.isFinite(w)) for (let r = 0; r < T; r++) trial[r * d + t] = sg > 0 ? box.upper[t]! : sg < 0 ? box.lower[t]! : x[t]!;
          }
          let improved = -1;
          broken.fill(0);
          forwardChain(chain, trial, T, (j, Z) => {
            overflowed(Z, T, chain.layers[j]!.outSize, broken);
            const sj = states[j];
            if (!sj) return;
            for (let r = 0; r < T; r++) if (!broken[r]) for (let u = 0; u < sj.n; u++) markSeen(sj, u, Z[r * sj.n + u]!);
            if (j === k) for (let r = 0; r < T; r++) { const val = dir * Z[r * sj.n + i]!; if (val > best) { best = val; improved = r; } }
          });
          evaluated += T;
          if (improved < 0) break;
          x = Float64Array.from(trial.subarray(improved * d, (improved + 1) * d));
        }
      }
    }
  });
  return evaluated;
}

/** Units proven unstable so far, summed over layers. */
export function countUnstable(states: UnitLayerState[]): number {
  let c = 0;
  for (const s of states) for (let i = 0; i < s.n; i++) if (provenUnstable(s, i)) c++;
  return c;
}
