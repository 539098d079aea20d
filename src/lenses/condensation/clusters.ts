// Counting condensation: lines (clusters of |cos| ≥ τ) and orientations (each line split by the
// sign of cos with its leader), by the greedy rule or complete linkage, each cluster counted when
// it holds at least a stated share of the kept neurons (or, weighted, of their ‖a_k‖·‖u_k‖).

/** How lines are formed. */
export type ClusterRule = "greedy" | "complete";

/** The rules, for option validation. */
export const CLUSTER_RULES: readonly ClusterRule[] = ["greedy", "complete"];

/** One line: positions into the kept list, its leader and its two halves. */
export interface Line {
  leader: number;
  members: number[];
  /** Members with cos ≥ 0 against the leader (the leader among them). */
  positive: number[];
  negative: number[];
}

/**
 * The greedy rule: repeatedly take the unassigned neuron with the most unassigned neighbours at
 * |cos| ≥ τ (ties → lowest position); it and those neighbours form a line. O(n²) with degree counts.
 */
export function greedyLines(cos: Float64Array, n: number, tau: number): Line[] {
  const adj = (i: number, j: number): boolean => Math.abs(cos[i * n + j]!) >= tau;
  const free = new Uint8Array(n).fill(1);
  const degree = new Int32Array(n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (i !== j && adj(i, j)) degree[i]!++;
  const lines: Line[] = [];
  let left = n;
  while (left > 0) {
    let lead = -1;
    for (let i = 0; i < n; i++) if (free[i] && (lead < 0 || degree[i]! > degree[lead]!)) lead = i;
    const members = [lead];
    for (let j = 0; j < n; j++) if (j !== lead && free[j] && adj(lead, j)) members.push(j);
    members.sort((a, b) => a - b);
    for (const m of members) free[m] = 0;
    left -= members.length;
    for (const m of members) for (let j = 0; j < n; j++) if (free[j] && adj(m, j)) degree[j]!--;
    lines.push(split(cos, n, lead, members));
  }
  return lines;
}

/**
 * Complete linkage on d = 1 − |cos| cut at 1 − τ: every pair inside a line has |cos| ≥ τ. Built with
 * the nearest-neighbour chain (complete linkage is reducible, so the merges it finds are the
 * dendrogram's), O(n²) time and memory; the leader of a line is its member with the largest
 * summed |cos| to the others (ties → lowest position).
 */
export function completeLines(cos: Float64Array, n: number, tau: number): Line[] {
  const d = new Float64Array(n * n);
  for (let i = 0; i < n * n; i++) d[i] = 1 - Math.abs(cos[i]!);
  const active = new Uint8Array(n).fill(1);
  const parent = Int32Array.from({ length: n }, (_, i) => i);
  const find = (x: number): number => { while (parent[x] !== x) { parent[x] = parent[parent[x]!]!; x = parent[x]!; } return x; };
  const cut = 1 - tau;
  const chain: number[] = [];
  let alive = n;
  while (alive > 1) {
    if (chain.length === 0) { let s = 0; while (!active[s]) s++; chain.push(s); }
    const a = chain[chain.length - 1]!;
    const prev = chain.length > 1 ? chain[chain.length - 2]! : -1;
    let b = prev, best = prev >= 0 ? d[a * n + prev]! : Infinity;
    for (let c = 0; c < n; c++) {
      if (!active[c] || c === a) continue;
      if (d[a * n + c]! < best) { best = d[a * n + c]!; b = c; }
    }
    if (b === prev) {
      chain.pop(); chain.pop();
      // merge b into a (complete linkage: the larger of the two distances)
      for (let c = 0; c < n; c++) {
        if (!active[c] || c === a || c === b) continue;
        const v = Math.max(d[a * n + c]!, d[b * n + c]!);
        d[a * n + c] = v; d[c * n + a] = v;
      }
      active[b] = 0;
      alive--;
      if (best <= cut) parent[find(b)] = find(a);
    } else {
      chain.push(b);
    }
  }
  const groups = new Map<number, number[]>();
  for (let i = 0; i < n; i++) { const r = find(i); const g = groups.get(r); if (g) g.push(i); else groups.set(r, [i]); }
  const lines: Line[] = [];
  for (const members of groups.values()) {
    let lead = members[0]!, bestSum = -1;
    for (const i of members) {
      let s = 0;
      for (const j of members) s += Math.abs(cos[i * n + j]!);
      if (s > bestSum) { bestSum = s; lead = i; }
    }
    lines.push(split(cos, n, lead, members));
  }
  return lines.sort((x, y) => y.members.length - x.members.length || x.members[0]! - y.members[0]!);
}

function split(cos: Float64Array, n: number, leader: number, members: number[]): Line {
  const positive: number[] = [], negative: number[] = [];
  for (const m of members) (cos[leader * n + m]! >= 0 ? positive : negative).push(m);
  return { leader, members, positive, negative };
}

/** Lines by a rule. */
export function linesBy(rule: ClusterRule, cos: Float64Array, n: number, tau: number): Line[] {
  return rule === "complete" ? completeLines(cos, n, tau) : greedyLines(cos, n, tau);
}

/** Counts of one (rule, τ): plain (by neuron share) and weighted (by share of ‖a_k‖·‖u_k‖). */
export interface Counts {
  rule: ClusterRule;
  threshold: number;
  lines: number;
  orientations: number;
  /** Share of the kept neurons in counted lines, and in counted orientations. */
  fractionInLines: number;
  fractionInOrientations: number;
  weighted: { lines: number; orientations: number; fractionInLines: number; fractionInOrientations: number };
}

/** What decides whether a cluster counts: its size or weight against minShare of the whole. */
export function countLines(lines: Line[], weights: Float64Array, minShare: number, rule: ClusterRule, threshold: number): Counts {
  const n = weights.length;
  let total = 0;
  for (const w of weights) total += w;
  const size = (g: number[]): number => g.length;
  const weight = (g: number[]): number => g.reduce((s, i) => s + weights[i]!, 0);
  const tally = (measure: (g: number[]) => number, whole: number): { lines: number; orientations: number; fractionInLines: number; fractionInOrientations: number } => {
    let l = 0, o = 0, inL = 0, inO = 0;
    const need = minShare * whole;
    for (const line of lines) {
      if (whole > 0 && measure(line.members) >= need) { l++; inL += measure(line.members); }
      for (const half of [line.positive, line.negative]) {
        if (half.length > 0 && whole > 0 && measure(half) >= need) { o++; inO += measure(half); }
      }
    }
    return { lines: l, orientations: o, fractionInLines: whole > 0 ? inL / whole : 0, fractionInOrientations: whole > 0 ? inO / whole : 0 };
  };
  return { rule, threshold, ...tally(size, n), weighted: tally(weight, total) };
}

/** Whether a group of `count` neurons (of `n` kept) counts under minShare. */
export function counts(count: number, n: number, minShare: number): boolean {
  return n > 0 && count >= minShare * n;
}
