// The exact stage: layer by layer, a quick MILP per undecided unit (cheap while few earlier units
// are unstable), then — for low-dimensional inputs — splitting the input box, then MILP with the full
// time limit on what is left. Each layer's verdicts fix units for the next layer's models.
import { Box } from "../../core/domain.js";
import { LensContext } from "../../core/lens.js";
import { LpSolver } from "../../core/lp/highs.js";
import { Network } from "../../core/network.js";
import { Chain } from "./chain.js";
import { milpLayer, MilpTrace } from "./milp.js";
import { decidedCounts } from "./report.js";
import { markChain } from "./sampling.js";
import { splitLayers } from "./split.js";
import { undecided, UnitLayerState } from "./state.js";
import { pastDeadline } from "./budget.js";

/** Time and effect of one kind of work, summed over layers. */
export interface StageTotals {
  ms: number;
  stable: number;
  unstable: number;
  work: number;
}

/** Options of the exact stage. */
export interface ExactOptions {
  unitTimeLimit: number;
  deadline: number;
  mode: "decide" | "bounds";
  /** Split the input box (low-dimensional inputs). */
  split: boolean;
  /** Observer of the MILPs (benchmarks). */
  trace?: MilpTrace;
}

/** Seconds per unit of the quick MILP pass that precedes splitting. */
const QUICK_MILP_SECONDS = 1;
/** The quick MILP pass runs only when the layer's models have at most this many binaries. */
const QUICK_MILP_BINARIES = 48;

/** Run the exact stage on every chain unit layer; returns the MILP and split totals. */
export function exactStage(
  solver: LpSolver, net: Network, chain: Chain, cstates: (UnitLayerState | undefined)[], states: UnitLayerState[], box: Box,
  opts: ExactOptions, ctx: LensContext = {},
): { milp: StageTotals; split: StageTotals } {
  const milp: StageTotals = { ms: 0, stable: 0, unstable: 0, work: 0 }, split: StageTotals = { ms: 0, stable: 0, unstable: 0, work: 0 };
  const timed = (acc: StageTotals, f: () => number): void => {
    const t0 = performance.now(), before = decidedCounts(states);
    acc.work += f();
    const after = decidedCounts(states);
    acc.ms += performance.now() - t0;
    acc.stable += after.stable - before.stable;
    acc.unstable += after.unstable - before.unstable;
  };
  timed(milp, () => vertexWitnesses(chain, cstates, box));
  const layers = chain.layers.flatMap((l, k) => (l.act && k > 0 ? [k] : []));
  const total = layers.reduce((a, k) => a + chain.layers[k]!.outSize, 0);
  let done = 0;
  layers.forEach((k, j) => {
    const st = cstates[k]!;
    const progress = (): void => ctx.onProgress?.({ done: Math.min(total, ++done), total, stage: "exact" });
    // Past the deadline a layer's models are not even built: its open units are unknown.
    if (pastDeadline(opts.deadline)) {
      for (let i = 0; i < st.n; i++) if (undecided(st, i)) st.unknown[i] = 1;
      done = layers.slice(0, j + 1).reduce((a, q) => a + chain.layers[q]!.outSize, 0);
      return;
    }
    const milpOpts = { unitTimeLimit: opts.unitTimeLimit, deadline: opts.deadline, mode: opts.mode, ...(opts.trace ? { trace: opts.trace } : {}) };
    if (opts.split && opts.mode === "decide") {
      // MILP effort grows exponentially with the binaries (unstable units before layer k): try it first only while they are few.
      const binaries = cstates.slice(0, k).reduce((a, s) => a + (s ? s.piece.filter((p) => p < 0).length : 0), 0);
      if (binaries <= QUICK_MILP_BINARIES) timed(milp, () => milpLayer(solver, chain, k, cstates, box, { ...milpOpts, unitTimeLimit: Math.min(QUICK_MILP_SECONDS, opts.unitTimeLimit) }, ctx).solves);
      const left = (opts.deadline - performance.now()) / (layers.length - j);
      timed(split, () => splitLayers(net, box, states, new Set([states.indexOf(st)]), { deadline: performance.now() + 0.5 * Math.max(0, left) }, ctx).boxes);
    }
    timed(milp, () => milpLayer(solver, chain, k, cstates, box, milpOpts, ctx, progress).solves);
    done = layers.slice(0, j + 1).reduce((a, q) => a + chain.layers[q]!.outSize, 0);
  });
  return { milp, split };
}

/**
 * The first chain layer is affine in the input, so IBP is exact there and the box vertices that
 * attain its bounds are witnesses: evaluating them decides every unit of that layer. Returns the points evaluated.
 */
function vertexWitnesses(chain: Chain, cstates: (UnitLayerState | undefined)[], box: Box): number {
  const L = chain.layers[0]!, st = cstates[0];
  if (!st) return 0;
  const d = chain.inputSize;
  const pts: number[] = [];
  for (let i = 0; i < st.n; i++) {
    if (!undecided(st, i)) continue;
    for (const dir of [1, -1]) for (let t = 0; t < d; t++) pts.push(L.weight[i * d + t]! * dir > 0 ? box.upper[t]! : box.lower[t]!);
  }
  const n = pts.length / d;
  for (let s = 0; s < n; s += 256) {
    const c = Math.min(256, n - s);
    markChain(chain, cstates, Float64Array.from(pts.slice(s * d, (s + c) * d)), c);
  }
  for (let i = 0; i < st.n; i++) if (undecided(st, i)) st.unknown[i] = 1;
  return n;
}
