// The stability lens: which units never switch on a domain. Stages run in increasing strength —
// IBP, (sampling), CROWN, LP, MILP — and each only works on what the previous ones left undecided.
import { Box, checkBoxFits } from "../../core/domain.js";
import { fail, isNetsizeError } from "../../core/errors.js";
import { checkAborted, LensContext, LensOptions, since, Timings } from "../../core/lens.js";
import { loadLpSolver } from "../../core/lp/highs.js";
import { inputSize, isPiecewiseLinear, Network } from "../../core/network.js";
import { TOLERANCE } from "../../core/tolerance.js";
import { Chain, toChain } from "./chain.js";
import { crownNode } from "./crown.js";
import { alphaStage, alphaStageDag } from "./alpha-stage.js";
import { ibp, ibpTightened, ibpUpTo, NodeBounds } from "./ibp.js";
import { lpLayer } from "./lp.js";
import { gradientWitnesses } from "./search.js";
import type { MilpTrace } from "./milp.js";
import { SPLIT_MAX_INPUTS } from "./split.js";
import { pastDeadline, withinBudget } from "./budget.js";
import { exactStage } from "./exact.js";
import { decidedCounts, layerReports, snapshot, StabilityMethod, StabilityResult, StageBounds, StageReport } from "./report.js";
import { chainStates, markChain, markNetwork, samplePoints, searchWitnesses } from "./sampling.js";
import { CERT, CERTIFIERS, Certifier, initialStates, tighten, UnitLayerState, undecided } from "./state.js";

/** Options of the stability lens. */
export interface StabilityOptions {
  /** Strongest method to use (default "auto": sampling pre-pass, then IBP, CROWN, LP and MILP on the candidates only). */
  method?: StabilityMethod;
  /** Wall-clock seconds for the whole run — sampling, IBP, CROWN, LP, MILP and split (see STABILITY_OPTIONS.timeLimit); default 600. */
  timeLimit?: number;
  /** Seconds per MILP decision (default 60). */
  unitTimeLimit?: number;
  /** Sampled points for the pre-pass (default 2000 for auto, else 0). */
  samples?: number;
  /** Local-search iterations per undecided unit after sampling (default 4 for auto, else 0). */
  search?: number;
  /** Seed of the sampling (default 0). */
  seed?: number;
  /** Data points to sample first (those inside the box), n × inputSize. */
  data?: { x: Float64Array; n: number };
  /** MILP solves min and max to optimality instead of deciding the sign (exact intervals; slower). */
  milpBounds?: boolean;
  /** α-CROWN iterations per bound after CROWN (default 20 with alpha-crown, else 0). */
  alphaIterations?: number;
  /** Auto mode splits the input box before MILP when it has at most SPLIT_MAX_INPUTS inputs (default true). */
  split?: boolean;
  /** Observer of every MILP model and solve (benchmarks export them to a native peer); library use only, never a verdict. */
  milpTrace?: MilpTrace;
}

/** The stability lens's options, each default stated once. */
export const STABILITY_OPTIONS: LensOptions<StabilityOptions> = {
  method: { default: "auto", description: "ibp | crown | alpha-crown | lp | milp | auto (alpha-crown: CROWN with optimised slopes; auto: sampling pre-pass, then IBP, CROWN, LP, MILP on the candidates)" },
  timeLimit: { default: 600, description: "wall-clock seconds for the whole stability run (sampling, IBP, CROWN, LP, MILP, split): checked between units and solves, and each HiGHS solve's own limit is capped by what is left; units undecided then are reported unknown, never stable" },
  unitTimeLimit: { default: 60, description: "seconds per MILP decision" },
  samples: { description: "points of the sampling pre-pass (default 2000 with auto, else 0)" },
  search: { description: "local-search iterations per undecided unit after sampling (default 4 with auto, else 0)" },
  seed: { default: 0, description: "seed of the sampling" },
  data: { description: "data points to sample first (those inside the box), n × inputSize" },
  milpBounds: { default: false, description: "solve each MILP to optimality for exact intervals instead of deciding the sign (slower)" },
  alphaIterations: { description: "iterations of α-CROWN's slope optimisation per unstable unit's bound, after CROWN (default 20 with alpha-crown, else 0: lp, milp and auto run it only when given)" },
  split: { default: true, description: "auto: split the input box before MILP when it has at most 16 inputs" },
  milpTrace: { description: "library only: an observer of every MILP model and solve (benchmarks export them to a native peer)" },
};

/** The share of the time left after CROWN that the gradient witness search may use. */
const SEARCH_SHARE = 0.5;
/**
 * The search's passes, one rule each, while units stay open and the share lasts: first the sign rule's
 * short ascents for every open unit side (3 starts; on mnist-net_256x4 over [0,1]^784 they find most
 * units), at most SIGN_SHARE of the search's time; then the Adam rule's long ascents (one start from the
 * best random point each), which switch on the deep units of mnist_relu_9_200 that the sign rule misses.
 */
const SEARCH_PASSES: { rule: "sign" | "adam"; iterations: number; starts: number }[] = [
  { rule: "sign", iterations: 30, starts: 3 }, { rule: "sign", iterations: 60, starts: 3 }, { rule: "sign", iterations: 120, starts: 3 },
  { rule: "adam", iterations: 300, starts: 1 }, { rule: "adam", iterations: 1000, starts: 1 }, { rule: "adam", iterations: 3000, starts: 1 },
];
const SIGN_SHARE = 0.5;

/** The share of the time left after the witness search that the LP stage may use when MILP follows. */
const LP_SHARE = 0.5;

// alpha-crown sits between CROWN and LP: it runs the CROWN stage, then its own.
const RANK: Record<StabilityMethod, number> = { ibp: 1, crown: 2, "alpha-crown": 2.5, lp: 3, milp: 4, auto: 4 };

/** Decide, for every unit of `net` on the box, whether it is stably active, stably inactive or unstable. */
export async function stability(net: Network, box: Box, options: StabilityOptions = {}, ctx: LensContext = {}): Promise<StabilityResult> {
  checkBoxFits(box, inputSize(net));
  const method = options.method ?? STABILITY_OPTIONS.method.default!;
  if (!(method in RANK)) fail("BAD_ARGUMENT", `unknown stability method '${method}'; use ibp, crown, alpha-crown, lp, milp or auto`);
  const rank = RANK[method];
  if (rank >= 2 && !isPiecewiseLinear(net)) fail("NOT_PIECEWISE_LINEAR", `method '${method}' needs a piecewise-linear network; use --method ibp for smooth activations`);
  const auto = method === "auto";
  const seed = options.seed ?? STABILITY_OPTIONS.seed.default!;
  const samples = options.samples ?? (auto ? 2000 : 0);
  const search = options.search ?? (auto ? 4 : 0);
  const alphaIterations = options.alphaIterations ?? (method === "alpha-crown" ? 20 : 0);
  if (!(Number.isInteger(alphaIterations) && alphaIterations >= 0)) fail("BAD_ARGUMENT", `alphaIterations must be an integer >= 0, got ${alphaIterations}`);
  const timings: Timings = { total: 0 };
  const stages: StageReport[] = [];
  const snaps = new Map<StageReport["stage"], StageBounds[]>();
  const t00 = performance.now();
  const timeLimit = options.timeLimit ?? STABILITY_OPTIONS.timeLimit.default!;
  if (!(timeLimit >= 0)) fail("BAD_ARGUMENT", `timeLimit must be a number of seconds >= 0, got ${timeLimit}`);
  // One deadline for the whole run; a stage it stops leaves its units undecided (reported unknown).
  const deadline = t00 + 1000 * timeLimit;
  let outOfTime = false;

  let t0 = performance.now();
  let bounds: NodeBounds = ibp(net, box);
  const states = initialStates(net, bounds);
  const totalUnits = states.reduce((a, s) => a + s.n, 0);
  let before = { stable: 0, unstable: 0, undecided: totalUnits };
  const record = (stage: StageReport["stage"], t: number, extra: Partial<StageReport> = {}): void => {
    const now = decidedCounts(states);
    const ms = since(t);
    timings[stage] = ms;
    stages.push({ stage, ms, stable: now.stable - before.stable, unstable: now.unstable - before.unstable, undecidedAfter: now.undecided, ...extra });
    snaps.set(stage, snapshot(states));
    before = now;
  };
  record("ibp", t0);
  const progress = (stage: string, done: number, total: number): void => ctx.onProgress?.({ done, total, stage });

  // The chain form serves sampling, LP, MILP; residual/pooling nets fall back to the reference engine and stop after CROWN.
  let chain: Chain | undefined, chainNote: string | undefined;
  try { chain = toChain(net); } catch (e) {
    if (!isNetsizeError(e) || (e.code !== "UNSUPPORTED_OP" && e.code !== "LIMIT_EXCEEDED")) throw e;
    chainNote = e.message;
    if (rank >= 3 && !auto) throw e;
  }
  const cstates = chain ? chainStates(chain, states) : [];

  if (samples > 0) {
    t0 = performance.now();
    progress("sampling", 0, samples);
    const pts = samplePoints(box, { count: samples, seed, ...(options.data ? { data: options.data } : {}) });
    let work = pts.n;
    // Witnesses only save later work; they may take at most half the budget, so the bounds that prove stability get their turn.
    const finished = withinBudget(ctx, t00 + 500 * timeLimit, (bctx) => {
      if (chain) {
        if (search > 0) work += searchWitnesses(chain, cstates, box, pts, search, bctx);
        else {
          const d = box.lower.length;
          for (let s = 0; s < pts.n; s += 32) {
            checkAborted(bctx);
            const c = Math.min(32, pts.n - s);
            markChain(chain, cstates, pts.X.subarray(s * d, (s + c) * d), c);
          }
        }
      } else {
        for (let s = 0; s < pts.n; s += 64) {
          checkAborted(bctx);
          const c = Math.min(64, pts.n - s);
          markNetwork(net, states, pts.X.subarray(s * box.lower.length, (s + c) * box.lower.length), c);
        }
      }
    });
    record("sampling", t0, { work, note: `points: ${JSON.stringify(pts.sources)}${search > 0 && chain ? `, local search ${search} iterations per undecided unit` : ""}${finished ? "" : "; stopped at half the time limit"}` });
  }

  if (rank >= 2) {
    t0 = performance.now();
    const tightMap = new Map<number, { lower: Float64Array; upper: Float64Array }>();
    let done = 0;
    for (const s of states) {
      checkAborted(ctx);
      if (pastDeadline(deadline)) { outOfTime = true; break; }
      progress("crown", done, totalUnits);
      done += s.n;
      if (s.preNode === -1) continue;
      const rows: number[] = [];
      for (let i = 0; i < s.n; i++) if (s.piece[i]! < 0 && (!auto || undecided(s, i) || laterLayersNeed(states, s))) rows.push(i);
      if (rows.length === 0) continue;
      // A layer the deadline interrupts keeps its earlier bounds: nothing is tightened from a partial pass.
      let cb: ReturnType<typeof crownNode> | undefined;
      bounds = ibpUpTo(net, box, tightMap, bounds, s.preNode);
      if (!withinBudget(ctx, deadline, (bctx) => { cb = crownNode(net, box, bounds, s.preNode, Int32Array.from(rows), bctx); })) { outOfTime = true; break; }
      rows.forEach((i, r) => tighten(s, i, cb!.lower[r]!, cb!.upper[r]!, cb!.mag[r]!, CERT.crown));
      tightMap.set(s.preNode, { lower: s.lower, upper: s.upper });
      // Each node's IBP is computed once: this one intersected, the later ones when the next layer needs them.
      bounds = ibpTightened(net, box, tightMap, bounds, s.preNode);
    }
    bounds = ibpUpTo(net, box, tightMap, bounds);
    record("crown", t0, outOfTime ? { note: "stopped at the time limit" } : {});
  }

  // What CROWN left open is searched by gradient ascent before LP and MILP try to prove it: on deep nets
  // over wide boxes the open units are mostly unstable, shown in milliseconds by a point and never by a MILP.
  if (auto && chain && search > 0 && !outOfTime && decidedCounts(states).undecided > 0) {
    t0 = performance.now();
    const counter = { steps: 0 };
    let passes = 0;
    const end = t0 + SEARCH_SHARE * Math.max(0, deadline - t0), signEnd = t0 + SIGN_SHARE * (end - t0);
    // The sign rule stopping at its part is by design; "stopped" is reported when the Adam passes run out of time.
    let finished = true;
    for (const rule of ["sign", "adam"] as const) {
      finished = withinBudget(ctx, rule === "sign" ? signEnd : end, (bctx) => {
        for (const pass of SEARCH_PASSES) {
          if (pass.rule !== rule || decidedCounts(states).undecided === 0) continue;
          passes++;
          gradientWitnesses(chain!, cstates, box, { seed: seed + 7919 * passes, ...pass, counter }, bctx);
        }
      });
    }
    record("search", t0, { work: counter.steps, note: `gradient ascent (sign steps, then Adam), ${passes} pass${passes === 1 ? "" : "es"}${finished ? "" : "; stopped at its share of the time limit"}` });
  }

  if (rank >= 2 && alphaIterations > 0) {
    t0 = performance.now();
    // Chain networks take the dense chain form; residual and max-pool ones crown.ts's graph pass.
    const aopts = { iterations: alphaIterations, auto, deadline }, aprog = (d: number, t: number): void => progress("alpha-crown", d, t);
    const r = chain ? alphaStage(chain, cstates, box, states, aopts, ctx, aprog) : alphaStageDag(net, box, states, aopts, ctx, aprog);
    if (r.outOfTime) outOfTime = true;
    record("alpha-crown", t0, { work: r.bounds, note: `${alphaIterations} iterations per bound${chain ? "" : ", on the graph (no chain form)"}${r.outOfTime ? "; stopped at the time limit" : ""}` });
  }

  if (rank >= 3 && chain) {
    const solver = await loadLpSolver();
    t0 = performance.now();
    let solves = 0, done = 0;
    const unitLayers = chain.layers.flatMap((l, k) => (l.act && k > 0 ? [k] : []));
    const total = unitLayers.reduce((a, k) => a + chain!.layers[k]!.outSize, 0);
    // With MILP to follow, LP may use at most half of what is left: on deep nets whose units are nearly all
    // unstable, tightening every inner unit by LP would otherwise take the whole budget and leave MILP none.
    const lpDeadline = rank >= 4 ? t0 + LP_SHARE * Math.max(0, deadline - t0) : deadline;
    for (const k of unitLayers) {
      // Past the deadline no layer's model is even built (building one is not free on wide layers).
      if (pastDeadline(deadline)) { outOfTime = true; break; }
      if (pastDeadline(lpDeadline)) break;
      // Unstable units of inner layers still need tight bounds while a later layer has candidates: they set its relaxations and big-M values.
      const laterOpen = unitLayers.some((q) => q > k && cstates[q]!.piece.some((_p, i) => undecided(cstates[q]!, i)));
      const c = lpLayer(solver, chain, k, cstates, box, { only: auto && !laterOpen ? "candidates" : "nonstable", deadline: lpDeadline }, ctx, () => progress("lp", ++done, total));
      solves += c.solves;
    }
    record("lp", t0, { work: solves });
    if (rank >= 4) {
      const split = auto && options.split !== false && inputSize(net) <= SPLIT_MAX_INPUTS;
      const ex = exactStage(solver, net, chain, cstates, states, box, { unitTimeLimit: options.unitTimeLimit ?? STABILITY_OPTIONS.unitTimeLimit.default!, deadline, mode: options.milpBounds ? "bounds" : "decide", split, ...(options.milpTrace ? { trace: options.milpTrace } : {}) }, ctx);
      const undecidedAfter = decidedCounts(states).undecided;
      for (const [stage, acc] of [["split", ex.split], ["milp", ex.milp]] as const) {
        if (stage === "split" && !split) continue;
        const ms = Math.round(acc.ms * 1000) / 1000;
        timings[stage] = ms;
        stages.push({ stage, ms, stable: acc.stable, unstable: acc.unstable, undecidedAfter, work: acc.work, ...(stage === "split" ? { note: "sub-boxes searched, layer by layer after a quick MILP pass" } : {}) });
        snaps.set(stage, snapshot(states));
      }
    }
  } else if (rank >= 3 && chainNote) {
    stages.push({ stage: "lp", ms: 0, stable: 0, unstable: 0, undecidedAfter: decidedCounts(states).undecided, note: `skipped: ${chainNote}` });
  }
  // Units the budget left undecided are unknown — never stable, and not "unstable" either (nothing was shown).
  if (outOfTime || pastDeadline(deadline)) for (const s of states) for (let i = 0; i < s.n; i++) if (undecided(s, i)) s.unknown[i] = 1;
  timings.total = since(t00);

  const exact = rank >= 4;
  const layers = layerReports(states, snaps, exact);
  const totals = { units: totalUnits, stablyActive: 0, stablyInactive: 0, unstable: 0, provenUnstable: 0, unknown: 0 };
  for (const l of layers) {
    totals.stablyActive += l.stablyActive; totals.stablyInactive += l.stablyInactive;
    totals.unstable += l.unstable; totals.provenUnstable += l.provenUnstable; totals.unknown += l.unknown;
  }
  return {
    schema: "netsize.stability/1",
    options: { method, timeLimit, alphaIterations, unitTimeLimit: options.unitTimeLimit ?? STABILITY_OPTIONS.unitTimeLimit.default!, samples, search, seed, milpBounds: options.milpBounds ?? false, split: options.split ?? true, dataPoints: options.data?.n ?? 0 },
    tolerance: { onPlaneRel: TOLERANCE.onPlaneRel, milpMargin: TOLERANCE.milpMargin },
    timings,
    seed,
    method,
    domain: { ...(box.source ? { source: box.source } : {}), inputs: box.lower.length },
    complete: totals.unknown === 0 && totals.unstable === totals.provenUnstable,
    certificate: strongest(states),
    totals,
    layers,
    stages,
  };
}

/** In whole-network mode CROWN still bounds unstable units when a later layer's relaxation uses them. */
function laterLayersNeed(states: UnitLayerState[], s: UnitLayerState): boolean {
  return states[states.length - 1] !== s;
}

/** The strongest certifier among stable units. */
function strongest(states: UnitLayerState[]): Certifier {
  let best = 0;
  for (const s of states) for (let i = 0; i < s.n; i++) if (s.piece[i]! >= 0) best = Math.max(best, s.by[i]!);
  return CERTIFIERS[best]!;
}
