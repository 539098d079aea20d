// The JSON result of the stability lens (schema "netsize.stability/1"): per layer counts, per unit
// intervals, states and certifiers, and per stage time and undecided units.
import { LensResultBase } from "../../core/lens.js";
import { CERTIFIERS, Certifier, provenUnstable, UnitLayerState } from "./state.js";

/** The methods of the stability lens, weakest first; "auto" is the whole-network mode (sampling, then proofs for the candidates). */
export type StabilityMethod = "ibp" | "crown" | "alpha-crown" | "lp" | "milp" | "auto";

/** One unit's state in the report. */
export type UnitState = "active" | "inactive" | "saturated-low" | "linear" | "saturated-high" | "unstable" | "unknown";

/** Time and effect of one stage. */
export interface StageReport {
  stage: "ibp" | "sampling" | "crown" | "search" | "alpha-crown" | "lp" | "split" | "milp";
  ms: number;
  /** Units proven stable by this stage. */
  stable: number;
  /** Units proven unstable (witnessed) during this stage. */
  unstable: number;
  /** Units neither proven stable nor proven unstable after it. */
  undecidedAfter: number;
  /** LP/MILP solves, sampled or searched points, split sub-boxes, α-CROWN bounds optimised. */
  work?: number;
  note?: string;
}

/** Per-unit intervals after a stage (each intersected with the previous stage's, so they nest). */
export interface StageBounds {
  lower: number[];
  upper: number[];
}

/** The report of one unit layer. */
export interface StabilityLayer {
  /** Index of the activation layer in the network. */
  layer: number;
  name: string;
  fn: string;
  units: number;
  stablyActive: number;
  stablyInactive: number;
  /** Not proven stable: straddles a breakpoint in the final bounds (for ibp/crown/lp), or proven unstable (milp/auto). */
  unstable: number;
  /** Of `unstable`, those with witnesses of two pieces. */
  provenUnstable: number;
  /** The exact stage gave up (time limit, or a bound inside the MILP margin): never reported as stable. */
  unknown: number;
  /** Stable units per certifying method. */
  certifiedBy: Partial<Record<Certifier, number>>;
  /** Per unit: final sound interval of the pre-activation, state and certifier. */
  lower: number[];
  upper: number[];
  state: UnitState[];
  by: Certifier[];
  /** Per stage snapshots of the intervals. */
  bounds: Partial<Record<StageReport["stage"], StageBounds>>;
}

/** The result of the stability lens. */
export interface StabilityResult extends LensResultBase {
  schema: "netsize.stability/1";
  method: StabilityMethod;
  domain: { source?: string; inputs: number };
  /** Every unit is proven stable or proven unstable. */
  complete: boolean;
  /** The strongest method any stable claim relied on ("none" when nothing is stable). */
  certificate: Certifier;
  totals: { units: number; stablyActive: number; stablyInactive: number; unstable: number; provenUnstable: number; unknown: number };
  layers: StabilityLayer[];
  stages: StageReport[];
}

/** The state name of stable piece p of an activation. */
export function pieceName(fn: string, p: number): UnitState {
  if (fn === "hardtanh") return p === 0 ? "saturated-low" : p === 1 ? "linear" : "saturated-high";
  return p === 1 ? "active" : "inactive";
}

/** True when stable piece p is "on" (passes its input linearly with slope 1, like an active ReLU). */
export function pieceIsActive(fn: string, p: number): boolean {
  return fn === "hardtanh" ? p === 1 : p === 1;
}

/** Counts of decided units over all layers. */
export function decidedCounts(states: UnitLayerState[]): { stable: number; unstable: number; undecided: number } {
  let stable = 0, unstable = 0, undecided = 0;
  for (const s of states) {
    for (let i = 0; i < s.n; i++) {
      if (s.piece[i]! >= 0) stable++;
      else if (provenUnstable(s, i)) unstable++;
      else undecided++;
    }
  }
  return { stable, unstable, undecided };
}

/** Snapshot the current intervals of every layer. */
export function snapshot(states: UnitLayerState[]): StageBounds[] {
  return states.map((s) => ({ lower: Array.from(s.lower), upper: Array.from(s.upper) }));
}

/** Assemble the per-layer report from the final states; `exact` methods report undecided units as unknown. */
export function layerReports(states: UnitLayerState[], snaps: Map<StageReport["stage"], StageBounds[]>, exact: boolean): StabilityLayer[] {
  return states.map((s, k) => {
    const state: UnitState[] = [], by: Certifier[] = [];
    const certifiedBy: Partial<Record<Certifier, number>> = {};
    let active = 0, inactive = 0, unstable = 0, proven = 0, unknown = 0;
    for (let i = 0; i < s.n; i++) {
      const p = s.piece[i]!;
      if (p >= 0) {
        const cert = CERTIFIERS[s.by[i]!]!;
        certifiedBy[cert] = (certifiedBy[cert] ?? 0) + 1;
        by.push(cert);
        state.push(pieceName(s.fn, p));
        if (pieceIsActive(s.fn, p)) active++; else inactive++;
        continue;
      }
      by.push("none");
      // A unit whose bounds overflowed float64 (±∞) is not known to straddle anything: unknown, not unstable.
      const overflowed = !Number.isFinite(s.lower[i]!) || !Number.isFinite(s.upper[i]!);
      if (provenUnstable(s, i)) { state.push("unstable"); unstable++; proven++; } else if (exact || s.unknown[i] || overflowed) { state.push("unknown"); unknown++; } else { state.push("unstable"); unstable++; }
    }
    const bounds: StabilityLayer["bounds"] = {};
    for (const [stage, snap] of snaps) bounds[stage] = snap[k]!;
    return {
      layer: s.layer, name: s.name, fn: s.fn, units: s.n,
      stablyActive: active, stablyInactive: inactive, unstable, provenUnstable: proven, unknown,
      certifiedBy, lower: Array.from(s.lower), upper: Array.from(s.upper), state, by, bounds,
    };
  });
}
