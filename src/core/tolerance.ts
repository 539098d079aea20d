/**
 * The one tolerance policy of netsize (documented in the README, "Numbers").
 *
 * All geometry is float64. A value v is "on a hyperplane" when |v| <= ON_PLANE_ABS + ON_PLANE_REL * scale,
 * where scale is the magnitude of the terms that produced v (e.g. |w|·|x| + |b|), so the test is
 * invariant to rescaling a unit's weights.
 */
export const TOLERANCE = {
  /** Absolute part of the on-hyperplane test. */
  onPlaneAbs: 1e-12,
  /** Relative part of the on-hyperplane test, times the scale of the terms. */
  onPlaneRel: 1e-10,
  /** A hyperplane row whose norm is below this (relative to the layer's largest row) is degenerate: the unit is constant on the region. */
  zeroRowRel: 1e-13,
  /** Two hyperplanes are treated as parallel when |sin angle| is below this. */
  parallel: 1e-12,
  /** Pre-activations with |z| at or below this are "ambiguous"; engines may disagree on their state. */
  patternAgree: 1e-9,
  /**
   * Exact lines and slices: a piece is a sliver (rounding, not a region) when float64 cannot tell it
   * from its cutting line — its extent across the line is at most this many units of float64
   * resolution (2^-52 × the largest coordinate of the domain), or its area/length is not positive. A
   * split only happens when a vertex on each side clears the on-hyperplane tolerance, which already
   * exceeds this, so line splits are practically never slivers; the test is by resolution, never by
   * area relative to the domain (a region of 1e-5 × 1e-4 in a 40 × 40 square is real).
   */
  sliverUlps: 8,
  /**
   * Pictures coloured by slope: a region's slope norm at or below this times the largest slope norm of
   * the picture is drawn as "zero slope" (its own legend entry), and the log scale starts there, so
   * rounding-level slopes (1e-18) cannot stretch the scale over the real ones.
   */
  slopeZeroRel: 1e-9,
  /** Compression equivalence: max |f - f'| in float64 must be below this. */
  equivalence: 1e-9,
  /**
   * Stability by MILP: HiGHS decides a unit's sign only up to its feasibility tolerances, so a unit is
   * called stable only when its MILP bound clears this margin times max(1, |bound scale|); inside the
   * margin the unit is reported "unknown", never stable. (IBP, CROWN and LP bounds are recomputed in
   * float64 and need only the onPlaneRel slack.)
   */
  milpMargin: 1e-6,
  /** Activation multiplicity: a float64 finite-difference estimate of σ^(k)(0) at or below this counts as zero. */
  derivativeZero: 1e-6,
  /** Activation multiplicity: left and right k-th derivative estimates at 0 differing by more than this (relative to 1 + |value|) mean a kink. */
  derivativeKink: 1e-3,
  /** Exact box regions: a region whose Chebyshev radius (box scaled to [-1,1]^d) is at or below this is lower-dimensional, a sliver. */
  regionRadius: 1e-8,
  /** Primal/dual feasibility tolerance given to HiGHS for the geometric LPs of exact regions (HiGHS's default is 1e-7). */
  lpFeasibility: 1e-9,
} as const;

/** True when v is zero up to the on-plane tolerance for terms of magnitude `scale`. */
export function onPlane(v: number, scale: number): boolean {
  return Math.abs(v) <= TOLERANCE.onPlaneAbs + TOLERANCE.onPlaneRel * scale;
}
