// The α-CROWN stage of the stability lens: unit layer by unit layer of the chain form, the bounds of
// the units CROWN left unstable are optimised (alpha-crown.ts) on the best bounds so far and
// intersected into them, so a later layer relaxes on the tighter ones.
import { Box } from "../../core/domain.js";
import { LensContext } from "../../core/lens.js";
import { alphaCrownRows, alphaHasFreedom, PreBounds } from "./alpha-crown.js";
import { pastDeadline, withinBudget } from "./budget.js";
import { Chain } from "./chain.js";
import { ibp, Interval } from "./ibp.js";
import { alphaCrownNode } from "./alpha-dag.js";
import { Network } from "../../core/network.js";
import { CERT, tighten, undecided, UnitLayerState } from "./state.js";

/** How the stage runs: iterations per bound, whole-network (auto) mode, and the run's deadline (performance.now() ms). */
export interface AlphaStageOptions {
  iterations: number;
  auto: boolean;
  deadline: number;
}

/**
 * Tighten `cstates` (chain-aligned unit states) by α-CROWN. Returns the number of bounds optimised and
 * whether the deadline stopped the stage (a layer it interrupts keeps its earlier bounds).
 */
export function alphaStage(
  chain: Chain, cstates: (UnitLayerState | undefined)[], box: Box, states: UnitLayerState[], opts: AlphaStageOptions,
  ctx: LensContext, progress: (done: number, total: number) => void,
): { bounds: number; outOfTime: boolean } {
  const total = states.reduce((a, s) => a + s.n, 0);
  const lastState = states[states.length - 1];
  let bounds = 0, done = 0;
  for (let k = 1; k < chain.layers.length; k++) {
    const s = cstates[k];
    if (!s) continue;
    progress(done, total);
    done += s.n;
    if (pastDeadline(opts.deadline)) return { bounds, outOfTime: true };
    // The state arrays are the best bounds so far; a layer tightened here is what the next one relaxes on.
    const pre: (PreBounds | undefined)[] = cstates.map((c) => (c ? { lower: c.lower, upper: c.upper } : undefined));
    if (!alphaHasFreedom(chain, k, pre)) continue;
    const rows: number[] = [];
    // In auto mode a decided-unstable unit of the last layer needs no bound; inner ones still set later relaxations.
    for (let i = 0; i < s.n; i++) if (s.piece[i]! < 0 && (!opts.auto || undecided(s, i) || s !== lastState)) rows.push(i);
    if (rows.length === 0) continue;
    let r: Interval | undefined;
    if (!withinBudget(ctx, opts.deadline, (bctx) => { r = alphaCrownRows(chain, box, k, pre, Int32Array.from(rows), opts.iterations, bctx); })) return { bounds, outOfTime: true };
    rows.forEach((i, t) => tighten(s, i, r!.lower[t]!, r!.upper[t]!, r!.mag[t]!, CERT.alpha));
    bounds += rows.length;
  }
  return { bounds, outOfTime: false };
}

/**
 * The same stage on a network without a chain form (residual adds, max pooling), through crown.ts's
 * backward pass (alpha-dag.ts): each unit layer relaxes on IBP intersected with the states' bounds.
 */
export function alphaStageDag(
  net: Network, box: Box, states: UnitLayerState[], opts: AlphaStageOptions, ctx: LensContext, progress: (done: number, total: number) => void,
): { bounds: number; outOfTime: boolean } {
  const total = states.reduce((a, s) => a + s.n, 0);
  const lastState = states[states.length - 1];
  const tight = new Map<number, { lower: Float64Array; upper: Float64Array }>();
  let bounds = 0, done = 0, free = false;
  for (const s of states) {
    progress(done, total);
    done += s.n;
    if (pastDeadline(opts.deadline)) return { bounds, outOfTime: true };
    // A slope is free only behind an unstable two-piece unit of an earlier layer.
    if (free && s.preNode !== -1) {
      const rows: number[] = [];
      for (let i = 0; i < s.n; i++) if (s.piece[i]! < 0 && (!opts.auto || undecided(s, i) || s !== lastState)) rows.push(i);
      if (rows.length > 0) {
        for (const t of states) tight.set(t.preNode, { lower: t.lower, upper: t.upper });
        const nb = ibp(net, box, tight);
        let r: Interval | undefined;
        if (!withinBudget(ctx, opts.deadline, (bctx) => { r = alphaCrownNode(net, box, nb, s.preNode, Int32Array.from(rows), opts.iterations, bctx); })) return { bounds, outOfTime: true };
        rows.forEach((i, t) => tighten(s, i, r!.lower[t]!, r!.upper[t]!, r!.mag[t]!, CERT.alpha));
        bounds += rows.length;
      }
    }
    if (TWO_PIECE.has(s.fn)) for (let i = 0; i < s.n; i++) if (s.piece[i]! < 0) free = true;
  }
  return { bounds, outOfTime: false };
}

const TWO_PIECE: ReadonlySet<string> = new Set(["relu", "leakyrelu", "abs"]);
