// Witness search by projected gradient ascent, for units the sampling pre-pass and its short local
// search left open. On deep nets over wide boxes (MNIST nets on [0,1]^784) most such units are
// unstable, but active only on a thin part of the box that uniform samples miss; proving each of
// them by MILP is hopeless (one MILP per unit does not finish in a minute, natively either). Each unit's
// pre-activation is pushed toward its unseen side along a surrogate gradient: inactive ReLUs pass a
// fraction `leak` of it, so the ascent can leave a region where the target does not depend on the input.
// Two rules, as the nets need them (measured over [0,1]^784, see the SEARCH_* comments in stability.ts):
// - "sign": long sign steps (10 % of the box's width, shrinking) from random starts, leak 0.1 — finds
//   most units of mnist-net_256x4 in 30–120 steps;
// - "adam": Adam steps of 2 % of the width from the best of CANDIDATES random points, leak 0.01 — on
//   mnist_relu_9_200 it switches on units never active on 10,000 digits nor 5,000 uniform points after
//   100–3,000 steps, where the sign rule found none of them.
// The search only guides: a unit is marked
// unstable only by markChain's exact float64 forward pass of the point found, so nothing is claimed
// that an evaluated point does not show.
import { Box } from "../../core/domain.js";
import { checkAborted, LensContext } from "../../core/lens.js";
import { createRng } from "../../core/random.js";
import { Chain } from "./chain.js";
import { affineBatch } from "./forward.js";
import { gemmNTHeld } from "../../core/linalg/simd-gemm.js";
import { transposedWeight } from "../../core/linalg/transpose.js";
import { markChain } from "./sampling.js";
import { undecided, UnitLayerState, witnessPiece } from "./state.js";

/** Options of the gradient witness search. */
export interface GradientSearchOptions {
  /** Seed of the random starts. */
  seed: number;
  /** Ascent steps per start (default 30). */
  iterations?: number;
  /** Starts per unit side (default 3). */
  starts?: number;
  /** The step rule (default "sign"; see the head of this file). */
  rule?: "sign" | "adam";
  /** Share of the gradient an inactive ReLU passes back (default LEAK[rule]). */
  leak?: number;
  /** Counts the ascent steps as they are taken (read it after a stop by the deadline too). */
  counter?: { steps: number };
}

/** Share of the gradient an inactive ReLU passes back, per rule (the surrogate; the forward pass stays exact). */
const LEAK = { sign: 0.1, adam: 0.01 };

/** Adam's step (a share of the box's width per coordinate) and moment decays. */
const LR = 0.02, BETA1 = 0.9, BETA2 = 0.999;

/** Random points of which the best for the target starts a unit side's first Adam ascent. */
const CANDIDATES = 16;

/** Points searched side by side: affineBatch's unrolling, and each weight row read once for all of them. */
const P = 4;

/** One running search: a unit side, its start number and step. */
interface Slot { i: number; dir: 1 | -1; start: number; it: number }

/**
 * For every undecided ReLU unit of the chain, search for a point of the box on its unseen side and
 * mark it (and every unit it shows) with markChain. Returns the number of ascent steps taken. The
 * caller's ctx.signal bounds the time (checked every step); stopping early is sound.
 */
export function gradientWitnesses(chain: Chain, states: (UnitLayerState | undefined)[], box: Box, opts: GradientSearchOptions, ctx?: LensContext): number {
  if (chain.layers.some((l) => l.act && l.act.fn !== "relu")) return 0;
  const d = chain.inputSize;
  for (let t = 0; t < d; t++) if (!(Number.isFinite(box.lower[t]!) && Number.isFinite(box.upper[t]! - box.lower[t]!))) return 0;
  const rule = opts.rule ?? "sign";
  const iterations = opts.iterations ?? 30, starts = opts.starts ?? 3, leak = opts.leak ?? LEAK[rule];
  const rng = createRng(opts.seed);
  const width = Float64Array.from({ length: d }, (_, t) => box.upper[t]! - box.lower[t]!);
  const X = new Float64Array(P * d);
  const pres = chain.layers.map((l) => new Float64Array(P * l.outSize));
  const acts = chain.layers.map((l) => new Float64Array(P * l.outSize));
  const grads = chain.layers.map((l) => new Float64Array(P * l.inSize));
  const M1 = new Float64Array(P * d), M2 = new Float64Array(P * d);
  const C = new Float64Array(CANDIDATES * d);
  const cpres = chain.layers.map((l) => new Float64Array(CANDIDATES * l.outSize));
  const cacts = chain.layers.map((l) => new Float64Array(CANDIDATES * l.outSize));
  let steps = 0;
  chain.layers.forEach((Lk, k) => {
    const st = states[k];
    if (!st || st.bps.length !== 1) return;
    // Unit sides to push toward (bit 0 of seen: inactive seen, bit 1: active seen).
    const tasks: { i: number; dir: 1 | -1 }[] = [];
    for (let i = 0; i < st.n; i++) for (const dir of [1, -1] as const) if (undecided(st, i) && (st.seen[i]! & (dir === 1 ? 2 : 1)) === 0) tasks.push({ i, dir });
    let next = 0;
    const slots: (Slot | undefined)[] = new Array(P).fill(undefined);
    const begin = (p: number, slot: Slot): void => {
      slots[p] = slot;
      M1.fill(0, p * d, (p + 1) * d);
      M2.fill(0, p * d, (p + 1) * d);
      if (rule === "sign" || slot.start > 0) {
        for (let t = 0; t < d; t++) X[p * d + t] = box.lower[t]! + rng.next() * width[t]!;
        return;
      }
      // The first start: the random point whose target is furthest toward the unseen side.
      for (let t = 0; t < C.length; t++) C[t] = box.lower[t % d]! + rng.next() * width[t % d]!;
      forwardTo(chain, k, C, CANDIDATES, cpres, cacts);
      let best = 0, top = -Infinity;
      for (let c = 0; c < CANDIDATES; c++) {
        const z = slot.dir * cpres[k]![c * Lk.outSize + slot.i]!;
        if (z > top) { top = z; best = c; }
      }
      X.set(C.subarray(best * d, (best + 1) * d), p * d);
    };
    // The next start of slot p's side, or the next open side; the slot stays empty when none is left.
    const refill = (p: number): void => {
      const s = slots[p];
      if (s && s.start + 1 < starts && open(st, s.i, s.dir)) { begin(p, { ...s, start: s.start + 1, it: 0 }); return; }
      slots[p] = undefined;
      while (next < tasks.length) {
        const t = tasks[next++]!;
        if (!open(st, t.i, t.dir) || slots.some((q) => q && q.i === t.i)) continue;
        begin(p, { i: t.i, dir: t.dir, start: 0, it: 0 });
        return;
      }
    };
    for (let p = 0; p < P; p++) refill(p);
    while (slots.some((s) => s)) {
      checkAborted(ctx);
      steps++;
      if (opts.counter) opts.counter.steps++;
      // Forward the P points (an empty slot's point is evaluated too; its result is unused).
      forwardTo(chain, k, X, P, pres, acts);
      const done: number[] = [];
      for (let p = 0; p < P; p++) {
        const s = slots[p];
        if (!s) continue;
        const hit = witnessPiece(st, s.i, pres[k]![p * Lk.outSize + s.i]!) === (s.dir === 1 ? 1 : 0);
        if (hit || ++s.it >= iterations || !open(st, s.i, s.dir)) done.push(p);
      }
      // Backward: the surrogate gradient of each slot's target, all slots per weight row.
      let V = grads[k]!;
      V.fill(0);
      for (let p = 0; p < P; p++) {
        const s = slots[p];
        if (s) V.set(Lk.weight.subarray(s.i * Lk.inSize, (s.i + 1) * Lk.inSize), p * Lk.inSize);
      }
      for (let j = k - 1; j >= 0; j--) {
        const L = chain.layers[j]!, z = pres[j]!, m = L.outSize, n = L.inSize;
        for (let u = 0; u < P * m; u++) if (!(z[u]! > 0)) V[u] *= leak;
        const G = grads[j]!;
        G.fill(0);
        // G += V·W on the SIMD kernel with Wᵀ held (the loop below where it is unavailable).
        if (gemmNTHeld(P, n, m, V, transposedWeight(L.weight, n, m), G)) { V = G; continue; }
        // Each weight row read once for the four slots (P = 4); every G entry sums in the same order as one slot alone.
        const W = L.weight, n1 = n, n2 = 2 * n, n3 = 3 * n;
        for (let u = 0; u < m; u++) {
          const a0 = V[u]!, a1 = V[m + u]!, a2 = V[2 * m + u]!, a3 = V[3 * m + u]!;
          if (a0 === 0 && a1 === 0 && a2 === 0 && a3 === 0) continue;
          const row = u * n;
          for (let t = 0; t < n; t++) {
            const w = W[row + t]!;
            G[t] += a0 * w; G[n1 + t] += a1 * w; G[n2 + t] += a2 * w; G[n3 + t] += a3 * w;
          }
        }
        V = G;
      }
      for (let p = 0; p < P; p++) {
        const s = slots[p];
        if (!s || done.includes(p)) continue;
        if (rule === "sign") {
          const step = 0.1 * (1 - s.it / iterations) + 0.005;
          for (let t = 0; t < d; t++) {
            const sg = Math.sign(s.dir * V[p * d + t]!);
            X[p * d + t] = Math.min(box.upper[t]!, Math.max(box.lower[t]!, X[p * d + t]! + sg * step * width[t]!));
          }
          continue;
        }
        // Adam, bias-corrected (s.it steps taken so far, this one included), projected onto the box.
        const c1 = 1 / (1 - BETA1 ** s.it), c2 = 1 / (1 - BETA2 ** s.it);
        for (let t = 0; t < d; t++) {
          const q = p * d + t, g = s.dir * V[q]!;
          const m1 = (M1[q] = BETA1 * M1[q]! + (1 - BETA1) * g), m2 = (M2[q] = BETA2 * M2[q]! + (1 - BETA2) * g * g);
          const den = Math.sqrt(m2 * c2);
          if (!(den > 0)) continue;
          X[q] = Math.min(box.upper[t]!, Math.max(box.lower[t]!, X[q]! + (LR * width[t]! * m1 * c1) / den));
        }
      }
      // The exact pass decides what a finished point shows, for its unit and every other.
      if (done.length) {
        const E = new Float64Array(done.length * d);
        done.forEach((p, r) => E.set(X.subarray(p * d, (p + 1) * d), r * d));
        markChain(chain, states, E, done.length);
        for (const p of done) refill(p);
      }
    }
  });
  return steps;
}

/**
 * Pre-activations (pres) and ReLU outputs (acts) of layers 0..k for n points X, in the given buffers.
 * The products run on the SIMD kernel with W held (the same terms in another order than affineBatch:
 * the search only guides, markChain's exact pass decides), affineBatch where it is unavailable.
 */
function forwardTo(chain: Chain, k: number, X: Float64Array, n: number, pres: Float64Array[], acts: Float64Array[]): void {
  let h = X;
  for (let j = 0; j <= k; j++) {
    const L = chain.layers[j]!, Z = pres[j]!;
    for (let s = 0; s < n; s++) Z.set(L.bias, s * L.outSize);
    if (!gemmNTHeld(n, L.outSize, L.inSize, h, L.weight, Z)) affineBatch(L, h, n, Z);
    const a = acts[j]!;
    for (let u = 0; u < a.length; u++) a[u] = Z[u]! > 0 ? Z[u]! : 0;
    h = a;
  }
}

/** Whether unit i still needs a witness on side dir. */
function open(st: UnitLayerState, i: number, dir: 1 | -1): boolean {
  return undecided(st, i) && (st.seen[i]! & (dir === 1 ? 2 : 1)) === 0;
}
