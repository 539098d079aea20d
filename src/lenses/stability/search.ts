// Witness search by projected gradient ascent, for units the sampling pre-pass and its short local
// search left open. On deep nets over wide boxes (MNIST nets on [0,1]^784) most such units are
// unstable, but active only on a thin part of the box that uniform samples miss; proving each of
// them by MILP is hopeless (one MILP per unit does not finish in a minute, natively either). From
// random starts, each unit's pre-activation is pushed toward its unseen side along the sign of a
// surrogate gradient: inactive ReLUs pass a fraction LEAK of the gradient, so the ascent can leave a
// region where the target does not depend on the input. The search only guides: a unit is marked
// unstable only by markChain's exact float64 forward pass of the point found, so nothing is claimed
// that an evaluated point does not show.
import { Box } from "../../core/domain.js";
import { checkAborted, LensContext } from "../../core/lens.js";
import { createRng } from "../../core/random.js";
import { Chain } from "./chain.js";
import { affineBatch } from "./forward.js";
import { markChain } from "./sampling.js";
import { undecided, UnitLayerState, witnessPiece } from "./state.js";

/** Options of the gradient witness search. */
export interface GradientSearchOptions {
  /** Seed of the random starts. */
  seed: number;
  /** Ascent steps per start (default 30). */
  iterations?: number;
  /** Random starts per unit side (default 3). */
  starts?: number;
  /** Share of the gradient an inactive ReLU passes back (default LEAK). */
  leak?: number;
  /** Counts the ascent steps as they are taken (read it after a stop by the deadline too). */
  counter?: { steps: number };
}

/** Share of the gradient an inactive ReLU passes back (the surrogate; the forward pass stays exact). */
const LEAK = 0.1;

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
  const iterations = opts.iterations ?? 30, starts = opts.starts ?? 3, leak = opts.leak ?? LEAK;
  const rng = createRng(opts.seed);
  const width = Float64Array.from({ length: d }, (_, t) => box.upper[t]! - box.lower[t]!);
  const X = new Float64Array(P * d);
  const pres = chain.layers.map((l) => new Float64Array(P * l.outSize));
  const acts = chain.layers.map((l) => new Float64Array(P * l.outSize));
  const grads = chain.layers.map((l) => new Float64Array(P * l.inSize));
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
      for (let t = 0; t < d; t++) X[p * d + t] = box.lower[t]! + rng.next() * width[t]!;
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
      let h: Float64Array = X;
      for (let j = 0; j <= k; j++) {
        affineBatch(chain.layers[j]!, h, P, pres[j]!);
        const a = acts[j]!, z = pres[j]!;
        for (let u = 0; u < a.length; u++) a[u] = z[u]! > 0 ? z[u]! : 0;
        h = a;
      }
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
        for (let u = 0; u < m; u++) {
          const row = u * n;
          for (let p = 0; p < P; p++) {
            const a = V[p * m + u]!;
            if (a === 0) continue;
            const g = p * n;
            for (let t = 0; t < n; t++) G[g + t] += a * L.weight[row + t]!;
          }
        }
        V = G;
      }
      for (let p = 0; p < P; p++) {
        const s = slots[p];
        if (!s || done.includes(p)) continue;
        const step = 0.1 * (1 - s.it / iterations) + 0.005;
        for (let t = 0; t < d; t++) {
          const sg = Math.sign(s.dir * V[p * d + t]!);
          X[p * d + t] = Math.min(box.upper[t]!, Math.max(box.lower[t]!, X[p * d + t]! + sg * step * width[t]!));
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

/** Whether unit i still needs a witness on side dir. */
function open(st: UnitLayerState, i: number, dir: 1 | -1): boolean {
  return undecided(st, i) && (st.seen[i]! & (dir === 1 ? 2 : 1)) === 0;
}
