/**
 * Splitting one cell by the units of one layer: the local arrangement of their lines inside it.
 *
 * Candidates are the units whose state is not constant on the cell: a breakpoint line of an
 * activation unit (binary: which side), or a max-pool window (k-way: which element is the arg-max).
 * The split is a depth-first walk with explicit stacks: a piece takes its first candidate (which
 * crosses it), splits, and each part keeps only the remaining candidates that still cross it, the
 * others being decided on the spot. Decisions are a persistent linked list shared by the parts,
 * and all scratch space is reclaimed in stack order, so a split allocates nothing per piece.
 */
import { TOLERANCE } from "../../core/tolerance.js";
import { cellCentroid, cellMeasure, F64Buf, I32Buf, splitCell } from "./cells.js";
import { SMALL, SplitCandidates } from "./split-candidates.js";

/** Result of classifying a candidate against a cell: the state it has on the whole cell, or CROSS. */
export const CROSS = -1;

/**
 * Receives each final piece: its vertices at v[off..], n vertices, the head of its decision list, and
 * (when a payload is carried) the payload at pay[payOff..].
 */
export type LeafSink = (v: Float64Array, off: number, n: number, dec: number, pay: Float64Array, payOff: number) => void;

/** Candidate lines and max-pool groups of one cell (see SplitCandidates), and the machinery to split it by them. */
export class Splitter extends SplitCandidates {
  /** Decisions: candidate id (lines first, then nLines + group), state, previous decision. */
  readonly decCand = new I32Buf(SMALL);
  readonly decState = new I32Buf(SMALL);
  readonly decPrev = new I32Buf(SMALL);
  /** Pieces merged back because one side was a sliver (thinner than float64 resolution across its line). */
  slivers = 0;
  /**
   * Optional payload carried down the split tree (0 = none): a vector that every decision "line id
   * is on" changes by adding that line's sparse delta. The engine carries the next layers' maps in
   * it, so a piece's maps cost a few updates per decision, shared by its whole subtree, instead of
   * a full forward through those layers per leaf.
   */
  paySize = 0;
  /**
   * Per candidate line: its delta's entries [deltaStart, deltaStart + deltaLen) in deltaIdx / deltaVal;
   * deltaLen -1 marks a dense delta, paySize values from deltaStart in deltaVal (deltaIdx unused).
   */
  readonly deltaStart = new I32Buf(SMALL);
  readonly deltaLen = new I32Buf(SMALL);
  readonly deltaIdx = new I32Buf(SMALL);
  readonly deltaVal = new F64Buf(SMALL);
  private readonly pay = new F64Buf(SMALL);
  private readonly work = new F64Buf(SMALL);
  private readonly cand = new I32Buf(SMALL);
  private readonly stack = new I32Buf(SMALL);
  private vals = new Float64Array(64);
  private cls = new Int8Array(64);
  private readonly cen = new Float64Array(2);
  /** Float64 resolution of the coordinates: a piece no wider than this across its cutting line is a sliver. */
  private resolution = 0;

  /** Forget the previous cell's candidates; `resolution` is the width (across a cutting line) at or below which a piece is rounding, not a region. */
  reset(resolution: number): void {
    this.clearCandidates();
    this.decCand.n = 0; this.decState.n = 0; this.decPrev.n = 0;
    this.deltaStart.n = 0; this.deltaLen.n = 0; this.deltaIdx.n = 0; this.deltaVal.n = 0;
    this.resolution = resolution;
  }

  private ensure(n: number): void {
    if (this.vals.length < n) { this.vals = new Float64Array(2 * n); this.cls = new Int8Array(2 * n); }
  }

  /** Evaluate a·u + c at the cell's vertices into vals/cls; returns pos count * 65536 + neg count. */
  private evalLine(a0: number, a1: number, c: number, tol: number, v: Float64Array, off: number, n: number): number {
    let pos = 0, neg = 0;
    const vals = this.vals, cls = this.cls;
    if (this.k === 2) {
      for (let i = 0; i < n; i++) {
        const z = a0 * v[off + 2 * i]! + a1 * v[off + 2 * i + 1]! + c;
        vals[i] = z;
        if (z > tol) { cls[i] = 1; pos++; } else if (z < -tol) { cls[i] = -1; neg++; } else cls[i] = 0;
      }
    } else {
      for (let i = 0; i < n; i++) {
        const z = a0 * v[off + i]! + c;
        vals[i] = z;
        if (z > tol) { cls[i] = 1; pos++; } else if (z < -tol) { cls[i] = -1; neg++; } else cls[i] = 0;
      }
    }
    return pos * 65536 + neg;
  }

  /** Value of a·u + c at the cell's interior point: decides the state when every vertex is on the line. */
  private centreValue(a0: number, a1: number, c: number, v: Float64Array, off: number, n: number): number {
    cellCentroid(this.k, v, off, n, this.cen);
    return a0 * this.cen[0]! + (this.k === 2 ? a1 * this.cen[1]! : 0) + c;
  }

  /** State of line `id` on the cell (1 above, 0 below) or CROSS when its line cuts the cell. */
  classifyLine(id: number, v: Float64Array, off: number, n: number): number {
    this.ensure(n);
    const K = this.K, co = this.lineCoef.a;
    const a0 = co[id * K]!, a1 = K === 3 ? co[id * K + 1]! : 0, c = co[id * K + K - 1]!;
    const pn = this.evalLine(a0, a1, c, this.lineTol.a[id]!, v, off, n);
    const pos = pn >>> 16, neg = pn & 0xffff;
    if (pos > 0 && neg > 0) return CROSS;
    if (pos > 0) return 1;
    if (neg > 0) return 0;
    return this.centreValue(a0, a1, c, v, off, n) > 0 ? 1 : 0;
  }

  /** Coefficients of z_a - z_b for group elements a and b (absolute element ids); returns the tolerance. */
  private diff(ea: number, eb: number, out: Float64Array): number {
    const K = this.K, ec = this.elemCoef.a;
    for (let c = 0; c < K; c++) out[c] = ec[ea * K + c]! - ec[eb * K + c]!;
    return this.elemTol.a[ea]! + this.elemTol.a[eb]!;
  }

  private readonly d = new Float64Array(3);

  /**
   * Class of z_a - z_b on the cell: 1 when a beats b strictly somewhere and nowhere loses, 0 when
   * they tie on the whole cell, -1 when a loses somewhere and nowhere wins, 2 when the line cuts the cell.
   */
  private pairClass(ea: number, eb: number, v: Float64Array, off: number, n: number): number {
    const tol = this.diff(ea, eb, this.d);
    const d = this.d;
    const pn = this.evalLine(d[0]!, this.k === 2 ? d[1]! : 0, d[this.k]!, tol, v, off, n);
    const pos = pn >>> 16, neg = pn & 0xffff;
    return pos > 0 && neg > 0 ? 2 : pos > 0 ? 1 : neg > 0 ? -1 : 0;
  }

  /** Window-local index of the arg-max of group g on the whole cell, or CROSS. Ties go to the first element. */
  classifyGroup(g: number, v: Float64Array, off: number, n: number): number {
    this.ensure(n);
    const s = this.groupStart.a[g]!, len = this.groupLen.a[g]!;
    for (let a = 0; a < len; a++) {
      let wins = true;
      for (let b = 0; b < len && wins; b++) {
        if (b === a) continue;
        const pc = this.pairClass(s + a, s + b, v, off, n);
        wins = b > a ? pc === 1 || pc === 0 : pc === 1;
      }
      if (wins) return this.elemIndex.a[s + a]!;
    }
    return CROSS;
  }

  /** State of candidate `id` (line ids first, then nLines + group) on the cell, or CROSS. */
  classify(id: number, v: Float64Array, off: number, n: number): number {
    return id < this.nLines ? this.classifyLine(id, v, off, n) : this.classifyGroup(id - this.nLines, v, off, n);
  }

  private pushDec(cand: number, state: number, prev: number): number {
    this.decCand.push(cand); this.decState.push(state); this.decPrev.push(prev);
    return this.decCand.n - 1;
  }

  /** Add line id's delta to the payload at po (the line was decided on). */
  private addDelta(id: number, po: number): void {
    const s = this.deltaStart.a[id]!, len = this.deltaLen.a[id]!;
    const dv = this.deltaVal.a, p = this.pay.a;
    if (len < 0) {
      for (let q = 0, P = this.paySize; q < P; q++) p[po + q]! += dv[s + q]!;
      return;
    }
    const e = s + len, ix = this.deltaIdx.a;
    for (let q = s; q < e; q++) p[po + ix[q]!]! += dv[q]!;
  }

  /** Copy the payload at `from` to the top of the payload pool; returns the copy's offset. */
  private copyPay(from: number): number {
    const P = this.paySize, pay = this.pay;
    pay.reserve(P);
    const at = pay.n;
    pay.a.copyWithin(at, from, from + P);
    pay.n += P;
    return at;
  }

  /**
   * Split the cell (v[off..], n vertices) by the candidates `ids` (each must cross the cell), calling
   * `leaf` for every final piece; `payload` (paySize values) is the root's payload when one is carried.
   * Leaves' decisions stay readable until the next reset.
   */
  run(v: Float64Array, off: number, n: number, ids: ArrayLike<number>, nIds: number, leaf: LeafSink, payload?: Float64Array): void {
    this.start(v, off, n, ids, nIds, payload);
    while (this.next()) leaf(this.work.a, this.leafOff, this.leafLen, this.leafDec, this.pay.a, this.leafPay);
  }

  /** The current leaf (after next() returned true): its vertices at work.a[leafOff..] (leafLen of them), decision head and payload offset. */
  leafOff = 0;
  leafLen = 0;
  leafDec = -1;
  leafPay = 0;

  /** The current leaf's vertices (valid until the next call to next() or start()). */
  get leafVerts(): Float64Array { return this.work.a; }

  /** The payload pool (the current leaf's payload is at leafPay). */
  get payPool(): Float64Array { return this.pay.a; }

  /** Begin splitting a cell as run() does, without walking it: call next() for each leaf in turn. */
  start(v: Float64Array, off: number, n: number, ids: ArrayLike<number>, nIds: number, payload?: Float64Array): void {
    const k = this.k, work = this.work, cand = this.cand, stack = this.stack, pay = this.pay;
    work.n = 0; cand.n = 0; stack.n = 0; pay.n = 0;
    work.reserve(k * n);
    for (let i = 0; i < k * n; i++) work.a[i] = v[off + i]!;
    work.n = k * n;
    cand.reserve(nIds);
    for (let i = 0; i < nIds; i++) cand.a[i] = ids[i]!;
    cand.n = nIds;
    if (this.paySize > 0) {
      pay.reserve(this.paySize);
      pay.a.set(payload!.subarray(0, this.paySize), 0);
      pay.n = this.paySize;
    }
    this.pushEntry(0, n, 0, nIds, -1, 0);
  }

  /**
   * Advance to the next final piece; false when the cell is exhausted. The walk is resumable, so a
   * caller can split each leaf by the next layer before asking for the next one without recursion.
   */
  next(): boolean {
    const k = this.k, work = this.work, cand = this.cand, stack = this.stack, pay = this.pay;
    while (stack.n > 0) {
      stack.n -= 6;
      const s = stack.a;
      const co = s[stack.n]!, cn = s[stack.n + 1]!;
      let ko = s[stack.n + 2]!, kl = s[stack.n + 3]!, dh = s[stack.n + 4]!;
      const po = s[stack.n + 5]!;
      // Reclaim everything allocated after this entry was created (stack order).
      work.n = co + k * cn; cand.n = ko + kl; pay.n = po + this.paySize;
      for (;;) {
        if (kl === 0) { this.leafOff = co; this.leafLen = cn; this.leafDec = dh; this.leafPay = po; return true; }
        const id = cand.a[ko]!;
        if (id < this.nLines) {
          const r = this.splitLine(id, co, cn, ko + 1, kl - 1, dh, po);
          if (r === 1) break;
          // Sliver: the whole piece keeps one side's state; go on with the remaining candidates.
          dh = this.pushDec(id, r === 2 ? 1 : 0, dh);
          if (r === 2 && this.paySize > 0) this.addDelta(id, po);
          ko++; kl--;
        } else {
          this.splitGroup(id, co, cn, ko + 1, kl - 1, dh);
          break;
        }
      }
    }
    return false;
  }

  private pushEntry(co: number, cn: number, ko: number, kl: number, dh: number, po: number): void {
    const st = this.stack;
    st.reserve(6);
    const a = st.a, n = st.n;
    a[n] = co; a[n + 1] = cn; a[n + 2] = ko; a[n + 3] = kl; a[n + 4] = dh; a[n + 5] = po;
    st.n += 6;
  }

  /**
   * Keep the candidates [ko, ko+kl) that cross the piece at (co, cn) as a new list at the top of the
   * candidate pool (its length in `lastCount`); decide the others, updating the payload at po.
   * Returns the new decision head.
   */
  private lastCount = 0;
  private filter(co: number, cn: number, ko: number, kl: number, dh: number, po: number): number {
    const cand = this.cand;
    cand.reserve(kl);
    let m = 0;
    const start = cand.n;
    const carry = this.paySize > 0;
    for (let i = 0; i < kl; i++) {
      const id = cand.a[ko + i]!;
      const st = this.classify(id, this.work.a, co, cn);
      if (st === CROSS) cand.a[start + m++] = id;
      else {
        dh = this.pushDec(id, st, dh);
        if (carry && st === 1) this.addDelta(id, po);
      }
    }
    cand.n = start + m;
    this.lastCount = m;
    return dh;
  }

  /** Split by line `id`; returns 1 when split (children pushed), 2 or 3 when one side is a sliver (2: keep the positive state, 3: the negative). */
  private splitLine(id: number, co: number, cn: number, ko: number, kl: number, dh: number, po: number): number {
    const K = this.K, k = this.k, co_ = this.lineCoef.a, work = this.work;
    this.ensure(cn);
    const a0 = co_[id * K]!, a1 = K === 3 ? co_[id * K + 1]! : 0, c = co_[id * K + K - 1]!;
    this.evalLine(a0, a1, c, this.lineTol.a[id]!, work.a, co, cn);
    // Each side's extent across the line: its farthest vertex's value over |a| (crossing points are on the line).
    let vp = 0, vn = 0;
    for (let i = 0; i < cn; i++) { const z = this.vals[i]!; if (z > vp) vp = z; else if (-z > vn) vn = -z; }
    const norm = k === 2 ? Math.hypot(a0, a1) : Math.abs(a0);
    const at = work.n;
    const packed = splitCell(k, work.a, co, cn, this.vals, this.cls, work);
    const np = Math.floor(packed / 65536), nn = packed % 65536;
    const pOff = at, nOff = at + k * np;
    const mp = cellMeasure(k, work.a, pOff, np), mn = cellMeasure(k, work.a, nOff, nn);
    // A sliver is what float64 cannot resolve: no wider than the coordinates' resolution across the
    // line, or of no positive measure (a degenerate polygon). Never a small but resolvable piece.
    const sp = !(mp > 0) || !(vp / norm > this.resolution), sn = !(mn > 0) || !(vn / norm > this.resolution);
    if (sp || sn) {
      this.slivers++;
      work.n = at;
      return sn && (!sp || vp >= vn) ? 2 : 3;
    }
    // The negative part's payload is a copy (above); the positive part updates the entry's own in place.
    const carry = this.paySize > 0;
    const nPo = carry ? this.copyPay(po) : 0;
    if (carry) this.addDelta(id, po);
    // The positive part lies below the negative one in every pool, so it is pushed first (stack order).
    const dp = this.filter(pOff, np, ko, kl, this.pushDec(id, 1, dh), po);
    const pko = this.cand.n - this.lastCount, pkl = this.lastCount;
    const dn = this.filter(nOff, nn, ko, kl, this.pushDec(id, 0, dh), nPo);
    const nko = this.cand.n - this.lastCount, nkl = this.lastCount;
    this.pushEntry(pOff, np, pko, pkl, dp, po);
    this.pushEntry(nOff, nn, nko, nkl, dn, nPo);
    return 1;
  }

  /**
   * True when the part where element ea wins (vertices at v[po..], pn of them) cannot be told from a
   * line z_a = z_b that cut its parent piece (v[co..], cn): no vertex of the part is beyond that line's
   * tolerance, or the part is no wider across it than the coordinates' resolution.
   */
  private unresolved(ea: number, s: number, len: number, v: Float64Array, co: number, cn: number, po: number, pn: number): boolean {
    const k = this.k, d = this.d;
    const at = (i: number, o: number): number => d[0]! * v[o + k * i]! + (k === 2 ? d[1]! * v[o + k * i + 1]! : 0) + d[k]!;
    for (let b = 0; b < len; b++) {
      if (s + b === ea) continue;
      const tol = this.diff(ea, s + b, d);
      let cut = false;
      for (let i = 0; i < cn && !cut; i++) if (at(i, co) < -tol) cut = true;
      if (!cut) continue;
      let best = -Infinity;
      for (let i = 0; i < pn; i++) best = Math.max(best, at(i, po));
      const norm = k === 2 ? Math.hypot(d[0]!, d[1]!) : Math.abs(d[0]!);
      if (!(best > tol) || !(best / norm > this.resolution)) return true;
    }
    return false;
  }

  /** k-way split by max-pool group `id`: one part per window element that is the arg-max somewhere in the piece (no payload). */
  private splitGroup(id: number, co: number, cn: number, ko: number, kl: number, dh: number): void {
    const g = id - this.nLines, k = this.k, work = this.work;
    const s = this.groupStart.a[g]!, len = this.groupLen.a[g]!;
    const parts: number[] = [];
    let bestA = -1, bestM = -1;
    for (let a = 0; a < len; a++) {
      // Clip the piece by z_a >= z_b (strict for earlier elements: ties go to the first).
      let po = co, pn = cn;
      let empty = false;
      for (let b = 0; b < len && !empty; b++) {
        if (b === a) continue;
        const tol = this.diff(s + a, s + b, this.d);
        const d = this.d;
        this.ensure(pn);
        const pnc = this.evalLine(d[0]!, k === 2 ? d[1]! : 0, d[k]!, tol, work.a, po, pn);
        const pos = pnc >>> 16, neg = pnc & 0xffff;
        if (neg === 0 && (pos > 0 || b > a)) continue; // whole piece on a's side
        if (pos === 0) { empty = true; break; }
        const at = work.n;
        const packed = splitCell(k, work.a, po, pn, this.vals, this.cls, work);
        po = at; pn = Math.floor(packed / 65536);
        work.n = at + k * pn; // drop the negative part
      }
      if (empty) continue;
      const m = cellMeasure(k, work.a, po, pn);
      if (m > bestM) { bestM = m; bestA = a; }
      if (!(m > 0) || this.unresolved(s + a, s, len, work.a, co, cn, po, pn)) { this.slivers++; continue; }
      parts.push(po, pn, a);
    }
    if (parts.length === 0) {
      // Every part is a sliver: the piece keeps the largest one's arg-max.
      const a = Math.max(bestA, 0);
      this.pushEntry(co, cn, ko, kl, this.pushDec(id, this.elemIndex.a[s + a]!, dh), 0);
      return;
    }
    for (let q = 0; q < parts.length; q += 3) {
      const po = parts[q]!, pn = parts[q + 1]!, a = parts[q + 2]!;
      const dq = this.filter(po, pn, ko, kl, this.pushDec(id, this.elemIndex.a[s + a]!, dh), 0);
      this.pushEntry(po, pn, this.cand.n - this.lastCount, this.lastCount, dq, 0);
    }
  }
}
