/**
 * The candidates of one cell for one unit layer: the units whose state is not constant on the cell.
 * Units that are constant go straight into the cell's base pattern.
 */
import { fail } from "../../core/errors.js";
import { TOLERANCE } from "../../core/tolerance.js";
import { I32Buf } from "./cells.js";
import { PieceTable } from "./affine.js";
import { CROSS, Splitter } from "./split.js";

/** Unit `i`'s values overflow float64 on the domain (a NaN or ∞ in its map): refuse rather than guess its state. */
function overflow(i: number): never {
  fail("DOMAIN_MISMATCH", `the pre-activation of unit ${i} overflows float64 on this domain (its terms are NaN or ±∞); use a smaller domain (--half-width, --range) or points of smaller magnitude`);
}

/** Units the fast pass of lineCandidates left undecided (grown on demand). */
let undecided = new Int32Array(1024);

/** Counters the candidate builders update. */
export interface CandidateStats {
  zeroRows: number;
}

/**
 * Candidate lines of an activation layer (nu units, input map z) on the cell v[off..] (n vertices).
 * Each unit has one line per breakpoint; `base` receives, per unit, the number of its breakpoints it
 * is above on the whole cell, `ids` the crossing lines, `lineBp[id]` each line's breakpoint index.
 * A unit's tolerance is relative to the size of its terms over the domain (`range`: max |u_c|); a
 * row whose slope is below TOLERANCE.zeroRowRel of the layer's largest is constant on the cell.
 * `fast` (default) lets a disc test decide the units far from the cell before the vertex test does.
 */
export function lineCandidates(
  sp: Splitter, table: PieceTable, nu: number, z: Float64Array, v: Float64Array, off: number, n: number,
  range: Float64Array, base: Uint8Array, ids: I32Buf, lineBp: I32Buf, stats: CandidateStats, fast = true,
): void {
  const k = sp.k;
  const bps = table.breakpoints;
  const r0 = range[0]!, r1 = k === 2 ? range[1]! : 0;
  const coef = [0, 0];
  // A disc test before the vertex test: with every vertex within ρ (max-norm) of the vertex mean m,
  // a line whose value at m clears the tolerance by more than |a|₁·ρ clears it at every vertex. The
  // slack (a thousandth of the tolerance, ≥ 1e-13 of the terms' scale) dwarfs the rounding of both
  // evaluations (a few 1e-16 of it), so a unit decided here gets the state the vertex test gives.
  let m0 = 0, m1 = 0;
  for (let t = 0; t < n; t++) { m0 += v[off + k * t]!; if (k === 2) m1 += v[off + 2 * t + 1]!; }
  m0 /= n; m1 /= n;
  let rho = 0;
  for (let t = 0; t < n; t++) {
    rho = Math.max(rho, Math.abs(v[off + k * t]! - m0));
    if (k === 2) rho = Math.max(rho, Math.abs(v[off + 2 * t + 1]! - m1));
  }
  rho *= 1 + 1e-9;
  // The common case (a plane, one breakpoint per unit) first, in one tight pass that also finds the
  // largest row: it decides the units the disc test clears and leaves the rest (crossing, overflow)
  // to the general loop. A decided unit that turns out to be a zero row (below zeroRowRel of the
  // largest, known only at the end) is corrected in a second pass, only where there is one.
  let todo = nu, maxRow = 0;
  const pass = fast && k === 2 && bps.length === 1;
  if (pass) {
    const beta = bps[0]!, ab = Math.abs(beta), m2 = 2 * nu;
    const tAbs = TOLERANCE.onPlaneAbs, tRel = TOLERANCE.onPlaneRel;
    if (undecided.length < nu) undecided = new Int32Array(2 * nu);
    const und = undecided;
    let minDecided = Infinity;
    todo = 0;
    for (let i = 0; i < nu; i++) {
      const a0 = z[i]!, a1 = z[nu + i]!, cz = z[m2 + i]!;
      const x0 = Math.abs(a0), x1 = Math.abs(a1);
      const r = x0 + x1, scale = x0 * r0 + x1 * r1 + Math.abs(cz);
      if (r > maxRow) maxRow = r;
      if (!(scale < Infinity)) { und[todo++] = i; continue; }
      const c = cz - beta;
      const tol = tAbs + tRel * (scale + ab);
      const mid = a0 * m0 + a1 * m1 + c, reach = r * rho + 1e-3 * tol;
      if (mid - reach > tol) { base[i]!++; if (r < minDecided) minDecided = r; }
      else if (mid + reach < -tol) { if (r < minDecided) minDecided = r; }
      else und[todo++] = i;
    }
    const zr = TOLERANCE.zeroRowRel * maxRow;
    if (!(minDecided > zr)) {
      // Some unit the pass decided is a zero row after all: give it the zero-row state instead (the
      // general loop's rule), undoing the pass's decision by the same test.
      for (let i = 0; i < nu; i++) {
        const a0 = z[i]!, a1 = z[nu + i]!, cz = z[m2 + i]!;
        const x0 = Math.abs(a0), x1 = Math.abs(a1);
        const r = x0 + x1;
        if (r > zr) continue;
        const scale = x0 * r0 + x1 * r1 + Math.abs(cz);
        if (!(scale < Infinity)) continue;
        const c = cz - beta;
        const tol = tAbs + tRel * (scale + ab);
        const mid = a0 * m0 + a1 * m1 + c, reach = r * rho + 1e-3 * tol;
        if (mid - reach > tol) base[i]!--;
        else if (!(mid + reach < -tol)) continue; // undecided: the general loop sees it
        stats.zeroRows++;
        if (c > 0) base[i]!++;
      }
    }
  } else {
    for (let i = 0; i < nu; i++) {
      const r = Math.abs(z[i]!) + (k === 2 ? Math.abs(z[nu + i]!) : 0);
      if (r > maxRow) maxRow = r;
    }
  }
  const zeroRow = TOLERANCE.zeroRowRel * maxRow;
  const all = !pass;
  for (let u = 0; u < todo; u++) {
    const i = all ? u : undecided[u]!;
    const a0 = z[i]!, a1 = k === 2 ? z[nu + i]! : 0, cz = z[k * nu + i]!;
    const r = Math.abs(a0) + Math.abs(a1);
    const scale = Math.abs(a0) * r0 + Math.abs(a1) * r1 + Math.abs(cz);
    // NaN or ∞ here means float64 overflowed on this domain: no vertex test below could be trusted.
    if (!(scale < Infinity)) overflow(i);
    for (let q = 0; q < bps.length; q++) {
      const beta = bps[q]!, c = cz - beta;
      if (r <= zeroRow) {
        stats.zeroRows++;
        if (c > 0) base[i]!++;
        continue;
      }
      const tol = TOLERANCE.onPlaneAbs + TOLERANCE.onPlaneRel * (scale + Math.abs(beta));
      const mid = a0 * m0 + a1 * m1 + c, reach = r * rho + 1e-3 * tol;
      if (fast && mid - reach > tol) { base[i]!++; continue; }
      if (fast && mid + reach < -tol) continue;
      // Classify against the cell's vertices before adding: most units do not cross a small cell.
      let pos = 0, neg = 0;
      for (let t = 0; t < n; t++) {
        const val = k === 2 ? a0 * v[off + 2 * t]! + a1 * v[off + 2 * t + 1]! + c : a0 * v[off + t]! + c;
        if (val > tol) pos++; else if (val < -tol) neg++;
      }
      if (pos > 0 && neg > 0) {
        coef[0] = a0; coef[1] = a1;
        ids.push(sp.addLine(coef, 0, c, tol, i));
        lineBp.push(q);
      } else if (pos > 0) base[i]!++;
      else if (neg === 0) {
        // Every vertex on the line (a degenerate cell): the centre decides.
        coef[0] = a0; coef[1] = a1;
        const id = sp.addLine(coef, 0, c, tol, i);
        base[i]! += sp.classifyLine(id, v, off, n);
        sp.dropLine();
      }
    }
  }
}

/**
 * Candidate windows of a max-pool layer (input map z of nIn elements, windows from poolWindows) on
 * one cell; windows whose arg-max is the same on the whole cell go into `base`.
 */
export function groupCandidates(
  sp: Splitter, win: { size: number; index: Int32Array }, nu: number, nIn: number, z: Float64Array,
  v: Float64Array, off: number, n: number, range: Float64Array, base: Uint8Array, ids: I32Buf,
): void {
  const k = sp.k;
  const groups: number[] = [];
  for (let o = 0; o < nu; o++) {
    const g = sp.addGroup(o);
    for (let e = 0; e < win.size; e++) {
      const i = win.index[o * win.size + e]!;
      if (i < 0) continue;
      let scale = Math.abs(z[k * nIn + i]!);
      for (let c = 0; c < k; c++) scale += Math.abs(z[c * nIn + i]!) * range[c]!;
      if (!(scale < Infinity)) overflow(o);
      sp.addElement(e, z, nIn, i, TOLERANCE.onPlaneAbs / 2 + TOLERANCE.onPlaneRel * scale);
    }
    const len = sp.groupLen.a[g]!;
    // A window of padding only pools nothing: the reference reports element 0.
    const st = len === 0 ? 0 : len === 1 ? sp.elemIndex.a[sp.groupStart.a[g]!]! : sp.classifyGroup(g, v, off, n);
    if (st === CROSS) groups.push(g);
    else { base[o] = st; sp.dropGroup(); }
  }
  // Group candidate ids come after all line ids; a max-pool layer has no lines.
  for (const g of groups) ids.push(sp.nLines + g);
}
