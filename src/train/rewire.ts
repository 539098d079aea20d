// Preferential-attachment rewiring of a weight matrix after Scabini, De Baets & Bruno (2022),
// following the authors' code (scabini/PArewiring_weights): only the positions of the weights
// change, so the multiset of values is kept exactly while the neurons' strengths are balanced.
import { Rng } from "../core/random.js";
import { strengthScore } from "../core/weights/strength.js";

/**
 * A random permutation drawn like successive sampling without replacement with probabilities ∝ p
 * (Efraimidis–Spirakis keys log(u)/p, largest first): the first index is the first drawn.
 */
function weightedOrder(p: Float64Array, rng: Rng): Int32Array {
  const keys = new Float64Array(p.length);
  for (let i = 0; i < p.length; i++) {
    let u = rng.next();
    while (u === 0) u = rng.next();
    keys[i] = Math.log(u) / p[i]!;
  }
  const order = Int32Array.from({ length: p.length }, (_, i) => i);
  order.sort((a, b) => keys[b]! - keys[a]!);
  return order;
}

/**
 * One pass of PA rewiring over the rows of a matrix given by an index function at(r, c): row 0
 * stays as drawn; each later row's weights, sorted ascending, go to columns drawn with probability
 * ∝ (running column strength + |min| + 1), so the strongest columns receive the most negative weights.
 */
function rewireRows(w: Float64Array, rows: number, cols: number, at: (r: number, c: number) => number, rng: Rng): void {
  const st = new Float64Array(cols);
  const row = new Float64Array(cols);
  const p = new Float64Array(cols);
  for (let r = 1; r < rows; r++) {
    let min = Infinity;
    for (let c = 0; c < cols; c++) { st[c] += w[at(r - 1, c)]!; if (st[c]! < min) min = st[c]!; }
    let sum = 0;
    for (let c = 0; c < cols; c++) { p[c] = st[c]! + Math.abs(min) + 1; sum += p[c]!; }
    for (let c = 0; c < cols; c++) p[c] = p[c]! / sum;
    for (let c = 0; c < cols; c++) row[c] = w[at(r, c)]!;
    row.sort();
    const order = weightedOrder(p, rng);
    for (let k = 0; k < cols; k++) w[at(r, order[k]!)] = row[k]!;
  }
}

/**
 * PA rewiring in place of a rows × cols matrix (row-major; rows = output neurons, cols = input
 * neurons, a conv kernel flattened to out × in·kh·kw): a pass over the rows balances the input
 * neurons' strengths, then a pass over the transpose balances the output neurons'.
 */
export function paRewire(w: Float64Array, rows: number, cols: number, rng: Rng): Float64Array {
  rewireRows(w, rows, cols, (r, c) => r * cols + c, rng);
  rewireRows(w, cols, rows, (r, c) => c * cols + r, rng);
  return w;
}

/** Random search over k fresh draws keeping the one with the lowest strength score (the authors' stabilize_strength, used before PA rewiring). */
export function stabilizeStrength(draw: () => Float64Array, rows: number, cols: number, k: number): Float64Array {
  let best = draw(), bestScore = strengthScore(best, rows, cols);
  for (let i = 1; i < k; i++) {
    const w = draw(), s = strengthScore(w, rows, cols);
    if (s < bestScore) { best = w; bestScore = s; }
  }
  return best;
}
