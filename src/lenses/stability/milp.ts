// Exact stability per unit by mixed-integer programming (HiGHS branch-and-bound): one binary per
// unstable unit of the earlier layers, stable units substituted, big-M values from the best bounds
// so far. Each solve is a decision, not an optimisation: a cutoff prunes every node whose bound
// already proves the sign, and the solve stops at the first point of the opposite sign.
import { Box } from "../../core/domain.js";
import { checkAborted, LensContext } from "../../core/lens.js";
import { LpModel, LpProblem, LpSolver } from "../../core/lp/highs.js";
import { TOLERANCE } from "../../core/tolerance.js";
import { Chain } from "./chain.js";
import { evaluateWitnesses, StageCount } from "./lp.js";
import { buildPrefixModel, unitObjective } from "./relax-model.js";
import { CERT, tighten, undecided, UnitLayerState } from "./state.js";

/** Options of the MILP stage. */
export interface MilpStageOptions {
  /** Seconds per decision (a unit may need two). */
  unitTimeLimit: number;
  /** performance.now() after which remaining units are left unknown. */
  deadline?: number;
  /** "decide" (default): prove the sign with cutoffs; "bounds": solve min and max to optimality (slower; exact intervals). */
  mode?: "decide" | "bounds";
  /** Observer of every MILP built and solved (benchmarks export them to a native peer; it never changes a verdict). */
  trace?: MilpTrace;
}

/** One MILP solve as seen by a MilpTrace. */
export interface MilpSolveRecord {
  /** Chain layer and unit; sign 1 minimises z (proves active when ≥ margin), −1 minimises −z (proves inactive). */
  k: number;
  i: number;
  sign: 1 | -1;
  /** Objective (sparse over the model's columns) and its constant: the solve minimises c·v + offset. */
  objective: { indices: number[]; values: number[]; offset: number };
  /** The decision margin: the side is proven when the minimum is ≥ margin. */
  margin: number;
  status: string;
  /** The HiGHS dual bound + offset, when reported. */
  dualBound?: number;
  /** Objective of the incumbent + offset (NaN without one). */
  objectiveValue: number;
  seconds: number;
  timeLimit: number;
}

/** One side of a unit that a layer's MILP still has to decide, as handed to a MilpTrace. */
export interface MilpQuestion {
  i: number;
  sign: 1 | -1;
  objective: { indices: number[]; values: number[]; offset: number };
  margin: number;
}

/** Observer of the MILP stage: the model of each layer once, with every open question on it, then every solve. */
export interface MilpTrace {
  layer(k: number, name: string, problem: LpProblem, questions: MilpQuestion[]): void;
  solve(record: MilpSolveRecord): void;
}

function sparseObjective(c: Float64Array, offset: number): MilpQuestion["objective"] {
  const indices: number[] = [], values: number[] = [];
  c.forEach((v, j) => { if (v !== 0) { indices.push(j); values.push(v); } });
  return { indices, values, offset };
}

/** The unseen sides of layer k's open units (decide mode), for a trace. */
function questions(chain: Chain, k: number, st: UnitLayerState, todo: number[], pm: ReturnType<typeof buildPrefixModel>): MilpQuestion[] {
  const out: MilpQuestion[] = [];
  for (const i of todo) {
    if (!undecided(st, i)) continue;
    const margin = milpMargin(Math.max(Math.abs(st.lower[i]!), Math.abs(st.upper[i]!)));
    for (const sign of [-1, 1] as const) {
      if ((st.seen[i]! & (sign === -1 ? 2 : 1)) !== 0) continue;
      const { c, offset } = unitObjective(chain, k, i, pm, sign);
      out.push({ i, sign, objective: sparseObjective(c, offset), margin });
    }
  }
  return out;
}

/** The decision margin for a unit whose bounds have magnitude `scale`. */
export function milpMargin(scale: number): number {
  return TOLERANCE.milpMargin * Math.max(1, scale);
}

/**
 * Largest magnitude (column bound, row side, big-M coefficient) for which a MILP verdict is trusted:
 * above it float64 rounding of the model's terms (magnitude × 2.2e-16 > 2e-10) approaches HiGHS's
 * absolute feasibility tolerance of 1e-9, so "infeasible" could be an artefact. Units of such a
 * layer (e.g. on a domain of ±1e306) stay "unknown".
 */
export const MILP_MAX_MAGNITUDE = 1e6;

/** Models with more binaries than this are solved without HiGHS's (uninterruptible) presolve. */
export const PRESOLVE_MAX_BINARIES = 256;

const HIGHS_TOL = { mip_feasibility_tolerance: 1e-9, primal_feasibility_tolerance: 1e-9, dual_feasibility_tolerance: 1e-9 };

/** Decide the units of chain layer k still undecided; returns solve counts. */
export function milpLayer(
  solver: LpSolver, chain: Chain, k: number, states: (UnitLayerState | undefined)[], box: Box,
  opts: MilpStageOptions, ctx?: LensContext, onUnit?: () => void,
): StageCount {
  const st = states[k]!;
  const todo: number[] = [];
  // Bounds mode gives every unit its exact interval; decide mode only settles the undecided ones.
  for (let i = 0; i < st.n; i++) if (opts.mode === "bounds" || undecided(st, i)) todo.push(i);
  const count: StageCount = { solves: 0, decided: 0, seconds: 0 };
  if (todo.length === 0) return count;
  const t0 = performance.now();
  const pm = buildPrefixModel(chain, k, states, box, true);
  if (!pm.finite || pm.magnitude > MILP_MAX_MAGNITUDE) {
    // ±∞ in the model (overflowed bounds) or terms too large for HiGHS's tolerances: HiGHS is not asked; the layer's open units are unknown.
    for (const i of todo) { if (undecided(st, i)) st.unknown[i] = 1; onUnit?.(); }
    count.seconds = (performance.now() - t0) / 1000;
    return count;
  }
  const model: LpModel = solver.model(pm.problem, { what: `MILP stability of layer '${st.name}'` });
  opts.trace?.layer(k, st.name, pm.problem, questions(chain, k, st, todo, pm));
  // HiGHS's presolve cannot be interrupted (14 s on a 512-binary MNIST layer with a 5 s limit); on models
  // that large, where a MILP seldom finishes within a minute natively either, it is skipped so the deadline holds.
  model.setHighsOptions(pm.binaries > PRESOLVE_MAX_BINARIES ? { ...HIGHS_TOL, presolve: "off" } : HIGHS_TOL);
  try {
    for (const i of todo) {
      checkAborted(ctx);
      if (opts.mode !== "bounds" && !undecided(st, i)) { onUnit?.(); continue; }
      const remaining = opts.deadline === undefined ? Infinity : (opts.deadline - performance.now()) / 1000;
      const trusted = Number.isFinite(st.lower[i]!) && Number.isFinite(st.upper[i]!) && Math.max(Math.abs(st.lower[i]!), Math.abs(st.upper[i]!)) <= MILP_MAX_MAGNITUDE;
      if (remaining <= 0 || !pm.exact || !trusted || st.bps.length !== 1) { if (undecided(st, i)) st.unknown[i] = 1; onUnit?.(); continue; }
      const timeLimit = Math.max(0.05, Math.min(opts.unitTimeLimit, remaining));
      const scale = Math.max(Math.abs(st.lower[i]!), Math.abs(st.upper[i]!));
      const margin = milpMargin(scale);
      if (opts.mode === "bounds") {
        boundsUnit(model, chain, k, i, pm, states, box, margin, timeLimit, count, opts.deadline);
      } else {
        decideUnit(model, chain, k, i, pm, states, box, margin, timeLimit, count, opts.deadline, opts.trace);
      }
      if (st.piece[i]! >= 0) count.decided++;
      else if (undecided(st, i)) st.unknown[i] = 1;
      onUnit?.();
    }
  } finally {
    model.dispose();
  }
  count.seconds = (performance.now() - t0) / 1000;
  return count;
}

/** Seconds for the next solve: the unit's limit, capped by what the deadline leaves (at least 50 ms). */
function solveLimit(timeLimit: number, deadline: number | undefined): number {
  return deadline === undefined ? timeLimit : Math.max(0.05, Math.min(timeLimit, (deadline - performance.now()) / 1000));
}

/** The wall-clock moment a solve of `limit` seconds must end by: its own limit or the run's deadline, whichever is first. */
function wallDeadline(limit: number, deadline: number | undefined): number {
  return Math.min(performance.now() + 1000 * limit, deadline ?? Infinity);
}

/** Prove or refute each unseen side of unit i with a cutoff/target MILP; no solve starts after `deadline`. */
function decideUnit(
  model: LpModel, chain: Chain, k: number, i: number, pm: ReturnType<typeof buildPrefixModel>,
  states: (UnitLayerState | undefined)[], box: Box, margin: number, timeLimit: number, count: StageCount, deadline?: number, trace?: MilpTrace,
): void {
  const st = states[k]!;
  // Side 1 proves inactive (min −z ≥ margin), side −1 proves active (min z ≥ margin); skip a side already refuted by a witness.
  for (const sign of [-1, 1] as const) {
    if (!undecided(st, i)) return;
    const refuted = sign === -1 ? (st.seen[i]! & 2) !== 0 : (st.seen[i]! & 1) !== 0;
    if (refuted) continue;
    if (deadline !== undefined && performance.now() >= deadline) return;
    const { c, offset } = unitObjective(chain, k, i, pm, sign);
    model.setObjective(c, "min");
    const limit = solveLimit(timeLimit, deadline);
    model.setHighsOptions({ objective_bound: margin - offset, objective_target: -margin - offset, time_limit: limit, mip_rel_gap: 1e-4 });
    // HiGHS checks its time_limit only now and then (not inside a long root LP); the wall-clock interrupt keeps the run's deadline.
    const sol = model.solve(wallDeadline(limit, deadline));
    count.solves++;
    if (trace) {
      trace.solve({
        k, i, sign, objective: sparseObjective(c, offset), margin, status: sol.status, objectiveValue: sol.objective + offset, seconds: sol.seconds, timeLimit: limit,
        ...(sol.dualBound !== undefined ? { dualBound: sol.dualBound + offset } : {}),
      });
    }
    if (sol.status === "infeasible" || (sol.dualBound !== undefined && sol.dualBound + offset >= margin)) {
      // Nothing below the cutoff, or the proven bound clears it: g >= margin on the whole domain.
      if (sign === -1) tighten(st, i, st.lower[i]!, -margin, 0, CERT.milp);
      else tighten(st, i, margin, st.upper[i]!, 0, CERT.milp);
      return;
    }
    if (sol.status === "optimal" || sol.status === "other_limit" || sol.status === "time_limit") {
      if (Number.isFinite(sol.objective)) evaluateWitnesses(chain, states, box, [Float64Array.from(sol.x.subarray(0, chain.inputSize))]);
    }
    // A solution that did not witness the other piece (inside the margin, or a time limit) leaves the unit unknown.
    if (undecided(st, i) && ((sign === -1 && (st.seen[i]! & 2) === 0) || (sign === 1 && (st.seen[i]! & 1) === 0))) return;
  }
}

/** Solve min z and max z to optimality (exact intervals, for tests and --milp-bounds); the optimal points are witnesses. */
function boundsUnit(
  model: LpModel, chain: Chain, k: number, i: number, pm: ReturnType<typeof buildPrefixModel>,
  states: (UnitLayerState | undefined)[], box: Box, margin: number, timeLimit: number, count: StageCount, deadline?: number,
): void {
  const st = states[k]!;
  let lo = -Infinity, hi = Infinity;
  const points: Float64Array[] = [];
  for (const sign of [1, -1] as const) {
    const { c, offset } = unitObjective(chain, k, i, pm, sign);
    model.setObjective(c, "min");
    if (deadline !== undefined && performance.now() >= deadline) continue;
    const limit = solveLimit(timeLimit, deadline);
    model.setHighsOptions({ time_limit: limit, mip_rel_gap: 0, mip_abs_gap: 1e-12, objective_bound: 1e30, objective_target: -1e30 });
    const sol = model.solve(wallDeadline(limit, deadline));
    count.solves++;
    if (sol.status !== "optimal") continue;
    const v = (sol.dualBound ?? sol.objective) + offset;
    if (sign === 1) lo = v - margin; else hi = -v + margin;
    points.push(Float64Array.from(sol.x.subarray(0, chain.inputSize)));
  }
  tighten(st, i, lo, hi, 0, CERT.milp);
  evaluateWitnesses(chain, states, box, points);
}
