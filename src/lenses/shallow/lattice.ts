/**
 * The exact max/min form of a continuous piecewise-linear function on a box, from its regions.
 *
 * Lattice form (Tarela & Martínez 1999; Ovchinnikov 2002, for convex domains): with R_r the
 * regions, ℓ_{a(r)} the piece on R_r and S_r = { j : ℓ_j >= ℓ_{a(r)} on all of R_r },
 *
 *     f = max_r min_{j ∈ S_r} ℓ_j   on the box.
 *
 * Proof sketch. On R_r every ℓ_j with j ∈ S_r is >= ℓ_{a(r)} = f and a(r) ∈ S_r, so the r-th term
 * equals f there and the max is >= f everywhere. Conversely Ovchinnikov's lemma (the box is convex,
 * f continuous): for every r and every x there is a j ∈ S_r with ℓ_j(x) <= f(x) — so every term is
 * <= f, and the max is f. S_r is found exactly: the minimum of ℓ_j − ℓ_{a(r)} over R_r (at a vertex,
 * or by LP above two dimensions) must be >= −tol.
 *
 * Max of one-hidden-layer ReLU networks (from the lattice form): each term is replaced by
 *
 *     g_r = ℓ_a − Σ_{j ∈ S_r, j ≠ a} ReLU(ℓ_a − ℓ_j),    ℓ_a = ReLU(ℓ_a) − ReLU(−ℓ_a),
 *
 * one hidden layer of |S_r| + 1 ReLUs. g_r <= min_{j ∈ S_r} ℓ_j everywhere (if some ℓ_m < ℓ_a, the
 * m-th ReLU alone brings g_r down to ℓ_m; the others only lower it), so g_r <= f; on R_r every
 * ReLU(ℓ_a − ℓ_j) is 0, so g_r = f there. Hence f = max_r g_r on the box.
 *
 * Pruning (both forms stay exact): a lattice term whose set contains another term's set is <= it
 * and is dropped; a shallow term uses the smallest region set that still works (see targetForm), and
 * is dropped when another term with the same anchor piece has a subset of its set (that term also
 * equals f on R_r).
 */
import { AffineU, BoxPieces, valueU } from "./pieces.js";
import { PolytopeMin } from "./polytope.js";

/** One term: the anchor piece a and the set S (piece indices, sorted, a included). */
export interface LatticeTerm {
  anchor: number;
  set: number[];
}

/** The max/min form of one target function. */
export interface TargetForm {
  /** Distinct affine pieces. */
  pieces: number;
  /** Regions (one candidate term each before pruning). */
  regionTerms: number;
  /** Lattice terms after pruning: f = max over these of min over their sets. */
  lattice: number[][];
  /** Shallow terms after pruning: f = max over these of g(anchor, set). */
  shallow: LatticeTerm[];
  /** Hidden ReLUs of all shallow terms together (|S| − 1 difference units + 2 for the linear part, per term). */
  hiddenUnits: number;
  /** The same without the 2 linear-part units per term. */
  differenceUnits: number;
  /** Largest set. */
  maxSet: number;
}

/** The S sets of every region for every target: S[t][r]. `tol[t]` is the slack of "ℓ_j >= ℓ_a on R_r". */
export function latticeSets(bp: BoxPieces, minimiser: (r: number) => PolytopeMin, tol: number[]): { sets: number[][][]; solves: number } {
  const T = bp.targets.length;
  const sets: number[][][] = Array.from({ length: T }, () => []);
  let solves = 0;
  bp.regions.forEach((reg, r) => {
    const pm = minimiser(r);
    try {
      for (let t = 0; t < T; t++) {
        const ps = bp.pieces[t]!, a = ps[reg.piece[t]!]!;
        const s: number[] = [];
        ps.forEach((p, j) => {
          if (j === reg.piece[t]) { s.push(j); return; }
          const diff: AffineU = { c: p.c - a.c, g: p.g.map((v, k) => v - a.g[k]!) };
          // Cheap rejection at the interior point, then the exact minimum over the region.
          if (valueU(diff, reg.u) < -tol[t]!) return;
          if (pm.min(diff) >= -tol[t]!) s.push(j);
        });
        sets[t]![r] = s;
      }
    } finally {
      solves += pm.solves;
      pm.dispose();
    }
  });
  return { sets, solves };
}

const isSubset = (a: number[], b: number[]): boolean => {
  // a ⊆ b, both sorted
  let j = 0;
  for (const x of a) {
    while (j < b.length && b[j]! < x) j++;
    if (j >= b.length || b[j] !== x) return false;
    j++;
  }
  return true;
};

/** Keep the sets minimal under inclusion (ties: the first). */
function minimalSets<T extends { set: number[] }>(items: T[]): T[] {
  const sorted = [...items].sort((p, q) => p.set.length - q.set.length);
  const kept: T[] = [];
  for (const it of sorted) if (!kept.some((k) => isSubset(k.set, it.set))) kept.push(it);
  return kept;
}

/**
 * The pruned lattice and shallow forms of one target from its region sets. Region r's shallow term
 * takes, instead of S_r itself, the smallest region set S_q with a(r) ∈ S_q ⊆ S_r (S_r qualifies):
 * min over S_q is <= f (it is a lattice term), and on R_r every piece of S_q is >= ℓ_{a(r)}, so
 * g(a(r), S_q) still equals f on R_r and stays <= f everywhere.
 */
export function targetForm(pieces: number, anchors: number[], sets: number[][]): TargetForm {
  const distinct = [...new Map(sets.map((s) => [s.join(","), s])).values()].sort((p, q) => p.length - q.length);
  const lattice = minimalSets(distinct.map((set) => ({ set }))).map((x) => x.set);
  const unique = new Map<string, LatticeTerm>();
  sets.forEach((s, r) => {
    const a = anchors[r]!;
    const best = distinct.find((q) => q.length <= s.length && q.includes(a) && isSubset(q, s)) ?? s;
    const key = `${a}|${best.join(",")}`;
    if (!unique.has(key)) unique.set(key, { anchor: a, set: best });
  });
  const byAnchor = new Map<number, LatticeTerm[]>();
  for (const x of unique.values()) { const g = byAnchor.get(x.anchor) ?? []; g.push(x); byAnchor.set(x.anchor, g); }
  const shallow: LatticeTerm[] = [];
  for (const g of byAnchor.values()) shallow.push(...minimalSets(g));
  shallow.sort((p, q) => p.anchor - q.anchor || p.set.length - q.set.length);
  const differenceUnits = shallow.reduce((s, x) => s + x.set.length - 1, 0);
  return {
    pieces, regionTerms: sets.length, lattice, shallow,
    hiddenUnits: differenceUnits + 2 * shallow.length, differenceUnits,
    maxSet: Math.max(0, ...shallow.map((x) => x.set.length)),
  };
}

/** max over lattice terms of min over their pieces, at u. */
export function latticeValue(pieces: AffineU[], lattice: number[][], u: ArrayLike<number>): number {
  const v = pieces.map((p) => valueU(p, u));
  let best = -Infinity;
  // A term's running minimum at or below the best so far cannot raise the maximum: stop early.
  for (const s of lattice) { let m = Infinity; for (const j of s) { if (v[j]! < m) m = v[j]!; if (m <= best) break; } if (m > best) best = m; }
  return best;
}
