// Exact stability by splitting the input box (for low-dimensional inputs such as ACAS Xu's 5): on
// each sub-box, IBP + CROWN decide units locally; a unit stable in the same piece on every box of a
// partition is stable on the domain, and sub-box centres are witnesses for units that differ. Boxes
// with undecided units are halved along the input that contributes most to their bounds' width.
import { Box } from "../../core/domain.js";
import { checkAborted, LensContext } from "../../core/lens.js";
import { Network, sizeOf } from "../../core/network.js";
import { crownNode } from "./crown.js";
import { ibp, ibpTightened, ibpUpTo, NodeBounds } from "./ibp.js";
import { stablePiece } from "./pieces.js";
import { markNetwork, midpoint } from "./sampling.js";
import { CERT, provenUnstable, undecided, UnitLayerState, widenLower, widenUpper } from "./state.js";

/** Options of the split stage. */
export interface SplitOptions {
  /** performance.now() after which remaining units are left undecided. */
  deadline?: number;
  /** At most this many sub-boxes (default 200,000). */
  maxBoxes?: number;
}

/** What the split stage did. */
export interface SplitCount {
  boxes: number;
  decided: number;
  /** Open sub-boxes left when the deadline or box limit stopped it. */
  left: number;
}

interface Item {
  lower: Float64Array;
  upper: Float64Array;
  /** Per state, the units still open on this box. */
  open: Int32Array[];
}

/** Local pre-activation bounds of every unit layer on a sub-box (IBP, then CROWN where a unit straddles). */
function localBounds(net: Network, box: Box, states: UnitLayerState[], deepest: number, open: Int32Array[], sens: Float64Array): { lower: Float64Array; upper: Float64Array }[] {
  // Each node's IBP once: up to the layer CROWN tightens next, then on from it (ibpUpTo / ibpTightened).
  let bounds: NodeBounds = ibp(net, box, undefined, undefined, states[0]?.preNode);
  const tight = new Map<number, { lower: Float64Array; upper: Float64Array }>();
  const out: { lower: Float64Array; upper: Float64Array }[] = [];
  states.forEach((s, k) => {
    if (k > deepest) return;
    if (s.preNode !== -1) bounds = ibpUpTo(net, box, tight, bounds, s.preNode);
    const pre = s.preNode === -1 ? bounds.input : bounds.layers[s.preNode]!;
    const lower = new Float64Array(s.n), upper = new Float64Array(s.n);
    // The domain-wide bounds hold on every sub-box too, so intersecting them is sound.
    for (let i = 0; i < s.n; i++) {
      lower[i] = Math.max(widenLower(pre.lower[i]!, pre.mag[i]!), s.lower[i]!); upper[i] = Math.min(widenUpper(pre.upper[i]!, pre.mag[i]!), s.upper[i]!);
    }
    if (s.preNode !== -1) {
      // Earlier layers need every straddling unit (their relaxations); the deepest only its open units.
      const rows: number[] = [];
      const want = k === deepest ? open[k]! : null;
      const cand = want ?? Int32Array.from({ length: s.n }, (_, i) => i);
      for (const i of cand) if (stablePiece(s.bps, lower[i]!, upper[i]!) < 0) rows.push(i);
      if (rows.length > 0) {
        const cb = crownNode(net, box, bounds, s.preNode, Int32Array.from(rows), undefined, open[k]!.length ? sens : undefined);
        rows.forEach((i, r) => {
          lower[i] = Math.max(lower[i]!, widenLower(cb.lower[r]!, cb.mag[r]!));
          upper[i] = Math.min(upper[i]!, widenUpper(cb.upper[r]!, cb.mag[r]!));
        });
      }
      tight.set(s.preNode, { lower, upper });
      bounds = ibpTightened(net, box, tight, bounds, s.preNode);
    }
    out.push({ lower, upper });
  });
  return out;
}

/**
 * Decide undecided units by input splitting, layer by layer (a deep layer's units need far finer boxes
 * than a shallow one's, and each layer's verdicts tighten the next). Each layer gets an equal share of
 * the time left.
 */
export function splitStage(net: Network, box: Box, states: UnitLayerState[], opts: SplitOptions = {}, ctx?: LensContext): SplitCount {
  const total: SplitCount = { boxes: 0, decided: 0, left: 0 };
  const layers = states.map((_, k) => k).filter((k) => { const s = states[k]!; for (let i = 0; i < s.n; i++) if (undecided(s, i)) return true; return false; });
  layers.forEach((k, j) => {
    const now = performance.now();
    const share = opts.deadline === undefined ? undefined : now + (opts.deadline - now) / (layers.length - j);
    const c = splitLayers(net, box, states, new Set([k]), { maxBoxes: opts.maxBoxes ?? 200_000, ...(share !== undefined ? { deadline: share } : {}) }, ctx);
    total.boxes += c.boxes; total.decided += c.decided; total.left += c.left;
  });
  return total;
}

/**
 * Split for the undecided units of the given layers. Each unit's sound interval becomes the hull of its
 * intervals on the boxes where it was closed; a unit closed in one piece everywhere is stable (certifier "split").
 */
export function splitLayers(net: Network, box: Box, states: UnitLayerState[], which: ReadonlySet<number>, opts: SplitOptions = {}, ctx?: LensContext): SplitCount {
  const d = box.lower.length;
  const maxBoxes = opts.maxBoxes ?? 200_000;
  const openCount = states.map((s) => new Int32Array(s.n));
  const pieces = states.map((s) => new Uint8Array(s.n));
  const hullLo = states.map((s) => new Float64Array(s.n).fill(Infinity));
  const hullHi = states.map((s) => new Float64Array(s.n).fill(-Infinity));
  const first: Int32Array[] = states.map((s, k) => { const a: number[] = []; if (which.has(k)) for (let i = 0; i < s.n; i++) if (undecided(s, i)) a.push(i); return Int32Array.from(a); });
  first.forEach((a, k) => a.forEach((i) => { openCount[k]![i] = 1; }));
  const count: SplitCount = { boxes: 0, decided: 0, left: 0 };
  if (first.every((a) => a.length === 0)) return count;
  const queue: Item[] = [{ lower: Float64Array.from(box.lower), upper: Float64Array.from(box.upper), open: first }];
  const width0 = Float64Array.from(box.upper, (u, i) => u - box.lower[i]!);
  const centre = new Float64Array(d);
  // Breadth first: coarse boxes all over the domain before fine ones (depth first would refine one
  // stretch of an unstable unit's boundary forever before finding its witnesses elsewhere).
  let head = 0;
  while (head < queue.length) {
    checkAborted(ctx);
    if ((opts.deadline !== undefined && performance.now() > opts.deadline) || count.boxes >= maxBoxes) break;
    const item = queue[head]!;
    queue[head++] = undefined as unknown as Item;
    if (head > 4096 && head * 2 > queue.length) { queue.splice(0, head); head = 0; }
    count.boxes++;
    // Drop units decided meanwhile; nothing left means nothing to do here.
    const open = item.open.map((a, k) => a.filter((i) => undecided(states[k]!, i)));
    item.open.forEach((a, k) => a.forEach((i) => { if (!undecided(states[k]!, i)) openCount[k]![i]--; }));
    let deepest = -1;
    open.forEach((a, k) => { if (a.length > 0) deepest = k; });
    if (deepest < 0) continue;
    const sub: Box = { kind: "box", lower: item.lower, upper: item.upper };
    for (let i = 0; i < d; i++) centre[i] = midpoint(item.lower[i]!, item.upper[i]!);
    markNetwork(net, states, centre, 1);
    const sens = new Float64Array(d);
    const local = localBounds(net, sub, states, deepest, open, sens);
    const still: Int32Array[] = open.map((a, k) => {
      const keep: number[] = [];
      for (const i of a) {
        const s = states[k]!;
        if (!undecided(s, i)) { openCount[k]![i]--; continue; }
        const p = stablePiece(s.bps, local[k]!.lower[i]!, local[k]!.upper[i]!);
        if (p >= 0) {
          pieces[k]![i] |= 1 << p;
          hullLo[k]![i] = Math.min(hullLo[k]![i]!, local[k]!.lower[i]!);
          hullHi[k]![i] = Math.max(hullHi[k]![i]!, local[k]!.upper[i]!);
          openCount[k]![i]--;
          close(s, k, i);
        } else keep.push(i);
      }
      return Int32Array.from(keep);
    });
    if (still.every((a) => a.length === 0)) continue;
    // Halve along the input contributing most to the open units' bounds (relative to the domain's width as a tie-break).
    let dim = 0, best = -1;
    for (let i = 0; i < d; i++) {
      const score = sens[i]! > 0 ? sens[i]! : (item.upper[i]! - item.lower[i]!) / (width0[i]! || 1) * 1e-300;
      if (item.upper[i]! > item.lower[i]! && score > best) { best = score; dim = i; }
    }
    const mid = midpoint(item.lower[dim]!, item.upper[dim]!);
    if (!(mid > item.lower[dim]! && mid < item.upper[dim]!)) continue;
    const a: Item = { lower: Float64Array.from(item.lower), upper: Float64Array.from(item.upper), open: still };
    const b: Item = { lower: Float64Array.from(item.lower), upper: Float64Array.from(item.upper), open: still };
    a.upper[dim] = mid; b.lower[dim] = mid;
    still.forEach((arr, k) => arr.forEach((i) => { openCount[k]![i] += 1; }));
    queue.push(a, b);
  }
  count.left = queue.length - head;
  return count;

  /** A unit whose every box is closed in one piece is stable; its interval becomes the hull over those boxes. */
  function close(s: UnitLayerState, k: number, i: number): void {
    if (openCount[k]![i]! > 0 || provenUnstable(s, i)) return;
    const m = pieces[k]![i]!;
    if (m === 0 || (m & (m - 1)) !== 0) return;
    s.lower[i] = Math.max(s.lower[i]!, hullLo[k]![i]!);
    s.upper[i] = Math.min(s.upper[i]!, hullHi[k]![i]!);
    s.piece[i] = 31 - Math.clz32(m);
    s.by[i] = CERT.split;
    count.decided++;
  }
}

/** Input dimension up to which the auto mode splits the box (beyond it, boxes multiply too fast). */
export const SPLIT_MAX_INPUTS = 16;

/** Units of the network (for the progress bar). */
export function unitCount(net: Network): number {
  return net.layers.reduce((a, l) => a + (l.kind === "activation" && l.fn !== "identity" ? sizeOf(l.shape) : 0), 0);
}
