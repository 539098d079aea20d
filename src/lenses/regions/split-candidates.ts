// The candidates that may split one cell: breakpoint lines of activation units and max-pool windows
// (groups of elements), stored in flat growable pools so a split allocates nothing per candidate.
import { F64Buf, I32Buf } from "./cells.js";

/** Initial capacity of a splitter's pools (they grow on demand): a network may have 10⁵ unit layers, one splitter each. */
export const SMALL = 16;

/** Candidate lines and max-pool groups of one cell, in a K = k + 1 coefficient layout (k slope terms and the constant). */
export class SplitCandidates {
  readonly k: number;
  readonly K: number;
  /** Per line: k slope coefficients and the constant (breakpoint already subtracted). */
  readonly lineCoef = new F64Buf(SMALL);
  readonly lineTol = new F64Buf(SMALL);
  readonly lineUnit = new I32Buf(SMALL);
  nLines = 0;
  /** Per max-pool group: its unit, and its elements [start, start+len) in the element arrays. */
  readonly groupUnit = new I32Buf(SMALL);
  readonly groupStart = new I32Buf(SMALL);
  readonly groupLen = new I32Buf(SMALL);
  /** Per group element: window-local index, K map coefficients, tolerance scale. */
  readonly elemIndex = new I32Buf(SMALL);
  readonly elemCoef = new F64Buf(SMALL);
  readonly elemTol = new F64Buf(SMALL);
  nGroups = 0;

  constructor(k: number) {
    this.k = k;
    this.K = k + 1;
  }

  /** Forget every candidate. */
  protected clearCandidates(): void {
    this.lineCoef.n = 0; this.lineTol.n = 0; this.lineUnit.n = 0; this.nLines = 0;
    this.groupUnit.n = 0; this.groupStart.n = 0; this.groupLen.n = 0;
    this.elemIndex.n = 0; this.elemCoef.n = 0; this.elemTol.n = 0; this.nGroups = 0;
  }

  /** Add a candidate line a·u + c (tolerance tol) of a unit; returns its id. */
  addLine(coef: ArrayLike<number>, coefOff: number, c: number, tol: number, unit: number): number {
    const K = this.K;
    this.lineCoef.reserve(K);
    for (let q = 0; q < K - 1; q++) this.lineCoef.a[this.lineCoef.n++] = coef[coefOff + q]!;
    this.lineCoef.a[this.lineCoef.n++] = c;
    this.lineTol.reserve(1); this.lineTol.a[this.lineTol.n++] = tol;
    this.lineUnit.push(unit);
    return this.nLines++;
  }

  /** Remove the last line added. */
  dropLine(): void {
    this.lineCoef.n -= this.K; this.lineTol.n--; this.lineUnit.n--; this.nLines--;
  }

  /** Start a max-pool group for `unit`; add its elements with addElement; returns its candidate id. */
  addGroup(unit: number): number {
    this.groupUnit.push(unit);
    this.groupStart.push(this.elemIndex.n);
    this.groupLen.push(0);
    return this.nGroups++;
  }

  /** Add an element (window-local index, map coefficients, tolerance scale) to the last group. */
  addElement(index: number, coef: ArrayLike<number>, stride: number, at: number, tol: number): void {
    this.elemIndex.push(index);
    this.elemCoef.reserve(this.K);
    for (let c = 0; c < this.K; c++) this.elemCoef.a[this.elemCoef.n++] = coef[c * stride + at]!;
    this.elemTol.reserve(1); this.elemTol.a[this.elemTol.n++] = tol;
    this.groupLen.a[this.nGroups - 1]!++;
  }

  /** Remove the last group (it turned out constant on the cell). */
  dropGroup(): void {
    const g = this.nGroups - 1;
    this.elemIndex.n = this.groupStart.a[g]!;
    this.elemCoef.n = this.elemIndex.n * this.K;
    this.elemTol.n = this.elemIndex.n;
    this.groupUnit.n--; this.groupStart.n--; this.groupLen.n--;
    this.nGroups--;
  }
}
