/**
 * A thin wrapper around the HiGHS solver (the `highs` WebAssembly package) for LPs and MILPs.
 *
 * Problems are given as sparse rows `lower <= a·x <= upper` over `numVars` variables with
 * per-variable bounds. Variables are FREE by default (unlike the textbook x >= 0), because netsize's
 * LPs live in input space. Outcomes of the optimisation (infeasible, unbounded, time limit) are
 * returned as a status; only failures of the solver itself throw (NetsizeError SOLVER_ERROR).
 */
import loadHighsModule from "highs";
import type { Highs, ModelData } from "highs";
import { fail, NetsizeError } from "../errors.js";

/** One constraint row `lower <= Σ values[k]·x[indices[k]] <= upper` (omit a side for ±∞). */
export interface LpRow {
  indices: ArrayLike<number>;
  values: ArrayLike<number>;
  lower?: number;
  upper?: number;
}

/** A linear (or mixed-integer) program over `numVars` variables. */
export interface LpProblem {
  numVars: number;
  /** "min" (default) or "max". */
  sense?: "min" | "max";
  /** Dense objective coefficients (length numVars); omit for a pure feasibility problem. */
  objective?: ArrayLike<number>;
  /** Constant added to the objective. */
  offset?: number;
  rows: LpRow[];
  /** Variable lower bounds (default -∞: variables are free). */
  lower?: ArrayLike<number>;
  /** Variable upper bounds (default +∞). */
  upper?: ArrayLike<number>;
  /** Indices of integer variables (a MILP when non-empty); give them finite bounds for binaries. */
  integers?: ArrayLike<number>;
}

/** Options of one solve. */
export interface LpOptions {
  /** Wall-clock limit in seconds (default: none). */
  timeLimit?: number;
  /** Relative MIP gap at which to stop (default: HiGHS's 1e-4). */
  mipRelGap?: number;
  /** What the problem is, for error messages (e.g. "region 17 facet of unit 3"). */
  what?: string;
  /** Primal and dual feasibility tolerance (default: HiGHS's 1e-7; at least 1e-10). */
  feasibilityTolerance?: number;
}

/** Outcome of a solve: "optimal" carries x and the objective; the others carry what HiGHS had. */
export type LpStatus = "optimal" | "infeasible" | "unbounded" | "time_limit" | "other_limit";

/** The result of one solve. */
export interface LpSolution {
  status: LpStatus;
  /** Objective value (NaN unless status is "optimal" or a limit with an incumbent). */
  objective: number;
  /** Primal values (length numVars; meaningful when status is "optimal"). */
  x: Float64Array;
  /** Row activities a·x (length rows). */
  rowValues: Float64Array;
  /** Solver wall-clock seconds. */
  seconds: number;
  /** Row duals (LP solves of a persistent model; HiGHS's convention: reduced costs = c − Aᵀ·rowDuals). */
  rowDuals?: Float64Array;
  /** Best proven objective bound of a MILP solve of a persistent model (a lower bound when minimising), when HiGHS reports one. */
  dualBound?: number;
  /** True when the solve was stopped at the caller's wall-clock deadline (LpModel.solve). */
  interrupted?: boolean;
}

/**
 * A problem kept inside HiGHS between solves and changed in place, so each re-solve warm-starts from
 * the previous basis (much faster than rebuilding for families of related LPs). Call `dispose()`.
 */
export interface LpModel {
  /**
   * Solve; with `deadline` (a performance.now() reading) HiGHS is interrupted from its simplex and MIP
   * callbacks once the wall clock reaches it — HiGHS's own time_limit is not checked inside a long root
   * LP. An interrupted solve ends as "other_limit" with `interrupted` set and no dual bound.
   */
  solve(deadline?: number): LpSolution;
  /** Replace the objective (dense, length numVars) and optionally its sense. */
  setObjective(objective: ArrayLike<number>, sense?: "min" | "max"): void;
  /** Set row bounds (omit a side for ±∞). */
  setRowBounds(row: number, lower?: number, upper?: number): void;
  /** Set variable bounds (omit a side for ±∞). */
  setVarBounds(variable: number, lower?: number, upper?: number): void;
  /** Set one matrix coefficient (0 removes it). */
  setCoefficient(row: number, variable: number, value: number): void;
  /** Set raw HiGHS options for the following solves (e.g. objective_bound, objective_target, mip_rel_gap; time_limit is seconds per solve). */
  setHighsOptions(options: Record<string, number | string | boolean>): void;
  /** Free the solver's memory; the model is unusable afterwards. */
  dispose(): void;
}

/** A loaded solver; `solve` is synchronous (it blocks the thread until HiGHS returns). */
export interface LpSolver {
  solve(problem: LpProblem, options?: LpOptions): LpSolution;
  /** Load a problem for repeated, modified solves (see LpModel). */
  model(problem: LpProblem, options?: LpOptions): LpModel;
}

let loading: Promise<Highs> | undefined;

/** Load (once per process) the HiGHS WebAssembly runtime. */
export function loadHighs(): Promise<Highs> {
  if (!loading) {
    const loader = loadHighsModule as unknown as () => Promise<Highs>;
    loading = loader().catch((e: unknown) => {
      loading = undefined;
      throw new NetsizeError("SOLVER_ERROR", `could not load the HiGHS solver (package 'highs'): ${String(e)}; check that node_modules/highs/build/highs.wasm exists`);
    });
  }
  return loading;
}

/** Load HiGHS and return a synchronous solver bound to it (use it for many small LPs in a loop). */
export async function loadLpSolver(): Promise<LpSolver> {
  const highs = await loadHighs();
  return { solve: (problem, options) => solveWith(highs, problem, options), model: (problem, options) => createModel(highs, problem, options) };
}

/** Solve one LP/MILP (loads HiGHS on first use). */
export async function solveLp(problem: LpProblem, options: LpOptions = {}): Promise<LpSolution> {
  return solveWith(await loadHighs(), problem, options);
}

/** Throw SOLVER_ERROR unless the solution is optimal; returns it narrowed for chaining. */
export function requireOptimal(sol: LpSolution, what = "LP"): LpSolution {
  if (sol.status !== "optimal") {
    const hint = sol.status === "time_limit" ? "; raise the time limit" : sol.status === "infeasible" ? "; the constraints contradict each other" : "";
    fail("SOLVER_ERROR", `${what}: HiGHS ended with status ${sol.status}${hint}`);
  }
  return sol;
}

function toModelData(highs: Highs, p: LpProblem, what: string): ModelData {
  const n = p.numVars, m = p.rows.length;
  if (!Number.isInteger(n) || n < 0) fail("SOLVER_ERROR", `${what}: numVars must be a non-negative integer, got ${n}`);
  const inf = highs.infinity;
  let nnz = 0;
  for (const r of p.rows) {
    if (r.indices.length !== r.values.length) fail("SOLVER_ERROR", `${what}: a row has ${r.indices.length} indices and ${r.values.length} values`);
    nnz += r.indices.length;
  }
  const starts = new Int32Array(m + 1), indices = new Int32Array(nnz), values = new Float64Array(nnz);
  const rowLower = new Float64Array(m), rowUpper = new Float64Array(m);
  let k = 0;
  for (let i = 0; i < m; i++) {
    const r = p.rows[i]!;
    starts[i] = k;
    for (let j = 0; j < r.indices.length; j++) {
      const c = r.indices[j]!, v = r.values[j]!;
      if (!(c >= 0 && c < n)) fail("SOLVER_ERROR", `${what}: row ${i} refers to variable ${c} of ${n}`);
      if (!Number.isFinite(v)) fail("SOLVER_ERROR", `${what}: row ${i} has a non-finite coefficient ${v}`);
      indices[k] = c; values[k] = v; k++;
    }
    rowLower[i] = r.lower ?? -inf;
    rowUpper[i] = r.upper ?? inf;
    if (Number.isNaN(rowLower[i]!) || Number.isNaN(rowUpper[i]!)) fail("SOLVER_ERROR", `${what}: row ${i} has a NaN bound`);
  }
  starts[m] = k;
  const colCost = new Float64Array(n);
  if (p.objective) {
    if (p.objective.length !== n) fail("SOLVER_ERROR", `${what}: objective has ${p.objective.length} entries for ${n} variables`);
    for (let j = 0; j < n; j++) colCost[j] = p.objective[j]!;
  }
  const colLower = new Float64Array(n).fill(-inf), colUpper = new Float64Array(n).fill(inf);
  if (p.lower) for (let j = 0; j < n; j++) colLower[j] = p.lower[j]!;
  if (p.upper) for (let j = 0; j < n; j++) colUpper[j] = p.upper[j]!;
  const data: ModelData = {
    numCols: n,
    numRows: m,
    sense: p.sense === "max" ? highs.constants.objectiveSense.maximize : highs.constants.objectiveSense.minimize,
    offset: p.offset ?? 0,
    colCost,
    colLower,
    colUpper,
    rowLower,
    rowUpper,
    matrix: { format: "csr", numRows: m, numCols: n, starts, indices, values },
  };
  if (p.integers && p.integers.length > 0) {
    const integrality = new Int32Array(n);
    for (let j = 0; j < p.integers.length; j++) integrality[p.integers[j]!] = highs.constants.variableType.integer;
    return { ...data, integrality };
  }
  return data;
}

function statusOf(highs: Highs, modelStatus: number, what: string): LpStatus {
  const S = highs.constants.modelStatus;
  switch (modelStatus) {
    case S.optimal: case S.empty: return "optimal";
    case S.infeasible: return "infeasible";
    case S.unbounded: case S.unboundedOrInfeasible: return "unbounded";
    case S.timeLimit: return "time_limit";
    case S.iterationLimit: case S.solutionLimit: case S.objectiveBound: case S.objectiveTarget: case S.interrupted: return "other_limit";
    default: fail("SOLVER_ERROR", `${what}: HiGHS failed with model status ${modelStatus} (load/model/solve error); check the problem for huge or tiny coefficients`);
  }
}

function wrapErrors<T>(what: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof NetsizeError) throw e;
    throw new NetsizeError("SOLVER_ERROR", `${what}: HiGHS raised an error: ${e instanceof Error ? e.message : String(e)}`);
  }
}

function createModel(highs: Highs, problem: LpProblem, options: LpOptions = {}): LpModel {
  const what = options.what ?? "LP";
  const data = toModelData(highs, problem, what);
  const model = highs.createModel();
  const n = problem.numVars, m = problem.rows.length, inf = highs.infinity;
  const offset = problem.offset ?? 0;
  // HiGHS's time_limit is measured on the model's run clock, which keeps running across solves: a
  // limit of 5 s would stop every solve once the model had run 5 s in all. Each solve gets its own
  // limit, set as the clock's reading plus the limit just before it runs.
  let solveLimit: number | undefined = options.timeLimit;
  wrapErrors(what, () => {
    const opts: Record<string, unknown> = { output_flag: false };
    if (options.mipRelGap !== undefined) opts.mip_rel_gap = options.mipRelGap;
    if (options.feasibilityTolerance !== undefined) {
      opts.primal_feasibility_tolerance = options.feasibilityTolerance;
      opts.dual_feasibility_tolerance = options.feasibilityTolerance;
    }
    model.options.set(opts as never);
    model.passModel(data);
  });
  const checkIndex = (i: number, size: number, kind: string): void => {
    if (!(Number.isInteger(i) && i >= 0 && i < size)) fail("SOLVER_ERROR", `${what}: ${kind} ${i} is out of range 0..${size - 1}`);
  };
  return {
    solve: (deadline) => wrapErrors(what, () => {
      const t0 = model.getRunTime();
      if (solveLimit !== undefined) model.options.set({ time_limit: t0 + solveLimit } as never);
      let stopped = false;
      const stop = (e: { interrupt(): void }): undefined => { if (performance.now() >= deadline!) { stopped = true; e.interrupt(); } return undefined; };
      const T = highs.constants.callbackType;
      const { modelStatus } = deadline === undefined ? model.run() : model.run({ [T.simplexInterrupt]: stop, [T.ipmInterrupt]: stop, [T.mipInterrupt]: stop });
      const interrupted = stopped && modelStatus === highs.constants.modelStatus.interrupted;
      const status = statusOf(highs, modelStatus, what);
      let x = new Float64Array(n), rowValues = new Float64Array(m), objective = NaN;
      let rowDuals: Float64Array | undefined;
      if (status === "optimal" || status === "time_limit" || status === "other_limit") {
        const sol = model.getSolution();
        x = Float64Array.from(sol.colValue);
        rowValues = Float64Array.from(sol.rowValue);
        objective = modelStatus === highs.constants.modelStatus.empty ? offset : model.getObjectiveValue();
        if (status === "optimal" && !problem.integers?.length) rowDuals = Float64Array.from(sol.rowDual);
      }
      let dualBound: number | undefined;
      // A bound read after our interrupt (possibly inside the root LP) is not trusted.
      if (problem.integers?.length && !interrupted) {
        const v = model.info.get("mip_dual_bound" as never) as unknown;
        if (typeof v === "number" && Number.isFinite(v)) dualBound = v;
      }
      return { status, objective, x, rowValues, seconds: model.getRunTime() - t0, ...(rowDuals ? { rowDuals } : {}), ...(dualBound !== undefined ? { dualBound } : {}), ...(interrupted ? { interrupted } : {}) };
    }),
    setObjective: (objective, sense) => wrapErrors(what, () => {
      if (objective.length !== n) fail("SOLVER_ERROR", `${what}: objective has ${objective.length} entries for ${n} variables`);
      for (let j = 0; j < n; j++) model.changeColCost(j, objective[j]!);
      if (sense) model.changeObjectiveSense(sense === "max" ? highs.constants.objectiveSense.maximize : highs.constants.objectiveSense.minimize);
    }),
    setRowBounds: (row, lower, upper) => wrapErrors(what, () => { checkIndex(row, m, "row"); model.changeRowBounds(row, lower ?? -inf, upper ?? inf); }),
    setVarBounds: (j, lower, upper) => wrapErrors(what, () => { checkIndex(j, n, "variable"); model.changeColBounds(j, lower ?? -inf, upper ?? inf); }),
    setCoefficient: (row, j, value) => wrapErrors(what, () => {
      checkIndex(row, m, "row"); checkIndex(j, n, "variable");
      if (!Number.isFinite(value)) fail("SOLVER_ERROR", `${what}: coefficient (${row}, ${j}) is ${value}`);
      model.changeCoefficient(row, j, value);
    }),
    setHighsOptions: (opts) => wrapErrors(what, () => {
      const { time_limit: limit, ...rest } = opts;
      if (limit !== undefined) solveLimit = Number(limit);
      model.options.set(rest as never);
    }),
    dispose: () => model.dispose(),
  };
}

function solveWith(highs: Highs, problem: LpProblem, options: LpOptions = {}): LpSolution {
  const model = createModel(highs, problem, options);
  try {
    return model.solve();
  } finally {
    model.dispose();
  }
}
