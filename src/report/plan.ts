/**
 * What a report runs: every lens of the registry, in registry order, with the input and options it
 * gets from the network, the data and the domain — or the reason it is skipped. Browser-safe: the
 * caller loads the network, data and domain, runs the jobs (the CLI in worker threads, each within
 * its budget) and hands the entries to assembleReport.
 */
import type { Box } from "../core/domain.js";
import type { LensResultBase } from "../core/lens.js";
import { inputSize, isPiecewiseLinear, type Network } from "../core/network.js";
import type { Dataset } from "../data/dataset.js";
import { LENSES, type LensName } from "../lenses/registry.js";
import { dataSamples, type Plane, planeThrough, uniformSamples } from "../lenses/regions/index.js";

/** Lenses still being built: each gets a "skipped: not built yet" entry until it is registered (then it runs like the others). */
export const PENDING_LENSES: { name: string; title: string; why: string }[] = [
];

/** One lens of a report: ran (result), or skipped with the reason. */
export interface ReportEntry {
  lens: string;
  status: "ok" | "skipped";
  /** Why it was skipped: does not apply, failed (with the error code), or ran out of budget. */
  why?: string;
  result?: LensResultBase;
  /** A partial result (e.g. a box traversal stopped at its limit), shown with the reason. */
  partial?: unknown;
  /** What it ran on, in words. */
  input?: string;
  seconds?: number;
  /** Its time budget in seconds. */
  budget?: number;
}

/** One lens to run. */
export interface ReportJob {
  lens: LensName;
  input: unknown;
  options: Record<string, unknown>;
  /** Wall-clock budget in seconds (the runner stops the lens after it). */
  budget: number;
  /** What it runs on, in words. */
  what: string;
}

/** What the report is about besides the network. */
export interface PlanInput {
  file: string;
  data?: Dataset;
  /** The domain of stability and compression (and of exact box regions when it has ≤ 8 free inputs). */
  box?: Box;
  /** Seconds per lens (default 120). */
  budget?: number;
  /** The slice's three anchor points and their labels (default: the first points of three classes of the data). */
  anchors?: { points: Float64Array[]; labels: string[] };
}

/** Lenses the report covers through another one's run: name → the lens that computes it. */
export const COVERED_BY: Partial<Record<LensName, LensName>> = { stability: "compress", equivalence: "compress" };

/** Lenses that need a training run, not one network. */
const RUN_ONLY: LensName[] = ["condensation.run", "graph.run"];

/** The first points of three different classes, in data order (undefined when the data have fewer than three classes or no labels). */
export function threeClassAnchors(ds: Dataset): { idx: number[]; points: Float64Array[] } | undefined {
  if (!ds.labels) return undefined;
  const d = ds.x.length / Math.max(ds.n, 1), seen = new Set<number>(), idx: number[] = [];
  for (let i = 0; i < ds.n && idx.length < 3; i++) {
    const c = ds.labels[i]!;
    if (!seen.has(c)) { seen.add(c); idx.push(i); }
  }
  if (idx.length < 3) return undefined;
  return { idx, points: idx.map((i) => ds.x.slice(i * d, (i + 1) * d)) };
}

/** The slice of a report: through three data points of different classes, else the box's centre along its two widest free inputs. */
export function reportPlane(net: Network, p: PlanInput): { plane: Plane; what: string; line: Float64Array[]; options: Record<string, unknown>; labels: string[] } | { line?: Float64Array[]; why: string } {
  if (p.anchors) {
    const [a0, a1, a2] = p.anchors.points as [Float64Array, Float64Array, Float64Array];
    return { plane: planeThrough(a0, a1, a2), what: `the plane through ${p.anchors.labels.join(", ")}`, line: p.anchors.points, options: {}, labels: p.anchors.labels };
  }
  const a = p.data ? threeClassAnchors(p.data) : undefined;
  if (a) {
    const labels = a.idx.map((i) => `${p.data!.name}[${i}] (class ${p.data!.labels![i]})`);
    return { plane: planeThrough(a.points[0]!, a.points[1]!, a.points[2]!), what: `the plane through ${labels.join(", ")}`, line: a.points, options: {}, labels };
  }
  const box = p.box;
  if (!box) return { why: "no slice: give --data with three classes (the slice runs through three of their points) or a domain" };
  const n = inputSize(net);
  const free = Array.from({ length: n }, (_, i) => i).filter((i) => box.upper[i]! > box.lower[i]!).sort((i, j) => (box.upper[j]! - box.lower[j]!) - (box.upper[i]! - box.lower[i]!));
  const corner = (s: number): Float64Array => Float64Array.from(box.lower, (v, k) => (v + box.upper[k]!) / 2 + s * (box.upper[k]! - v) / 2);
  if (free.length < 2) return { line: [corner(-1), corner(1)], why: "no slice: the domain has fewer than two free inputs" };
  const [i, j] = [Math.min(free[0]!, free[1]!), Math.max(free[0]!, free[1]!)];
  const origin = Float64Array.from({ length: n }, (_, k) => (box.lower[k]! + box.upper[k]!) / 2);
  const e = (k: number): Float64Array => Float64Array.from({ length: n }, (_, q) => (q === k ? 1 : 0));
  const hi = (box.upper[i]! - box.lower[i]!) / 2, hj = (box.upper[j]! - box.lower[j]!) / 2;
  const polygon = [[-hi, -hj], [hi, -hj], [hi, hj], [-hi, hj]];
  return {
    plane: { origin, basis: [e(i), e(j)], anchors: [[0, 0]] },
    what: `the domain's centre along inputs ${i} and ${j} (its two widest), spanning the box`,
    line: [corner(-1), corner(1)], options: { polygon }, labels: ["centre"],
  };
}

/** The jobs of a report and the lenses it skips (with why), in registry order, pending lenses last. */
export function planReport(net: Network, p: PlanInput): { jobs: ReportJob[]; skipped: ReportEntry[]; sliceLabels: string[] } {
  const budget = p.budget ?? 120;
  const jobs: ReportJob[] = [], skipped: ReportEntry[] = [];
  const skip = (lens: string, why: string): void => { skipped.push({ lens, status: "skipped", why }); };
  const plane = reportPlane(net, p);
  const labelled = p.data?.labels !== undefined || p.data?.y !== undefined;
  const dataName = p.data ? `${p.data.name} (${p.data.n.toLocaleString("en-US")} samples)` : "";
  const domain = p.box?.source ?? "the domain";
  for (const name of Object.keys(LENSES) as LensName[]) {
    const lens = LENSES[name];
    if (RUN_ONLY.includes(name)) { skip(name, "needs a training run (give a run folder made by netsize train --out)"); continue; }
    if (COVERED_BY[name]) continue;
    const applies = lens.applies?.(net) ?? true;
    if (applies !== true) { skip(name, `does not apply: ${applies}`); continue; }
    const job = (input: unknown, options: Record<string, unknown>, what: string): void => { jobs.push({ lens: name, input, options, budget, what }); };
    switch (name) {
      case "info": job({ file: p.file }, {}, "the network"); break;
      case "eval":
        if (!p.data?.labels) skip(name, "needs labelled data (--data)");
        else job(p.data, {}, dataName);
        break;
      case "regions.bounds": job(undefined, {}, "the architecture"); break;
      case "regions.slice":
        if (!("plane" in plane)) skip(name, plane.why);
        else job(plane.plane, { ...plane.options, patterns: false, maxRegions: 200_000 }, plane.what);
        break;
      case "regions.line":
        if (!plane.line) skip(name, "no line: give --data with three classes (the line runs through three of their points) or a domain");
        else if (!("plane" in plane)) job({ points: plane.line }, { patterns: false }, "the domain's diagonal, lower to upper corner");
        else job({ points: plane.line }, { patterns: false }, plane.line.length === 3 ? `the polyline through ${plane.labels.join(", ")}` : "the domain's diagonal, lower to upper corner");
        break;
      case "regions.box": {
        if (!p.box) { skip(name, "needs a domain (--box, --vnnlib or --ball)"); break; }
        const free = p.box.lower.filter((l, i) => p.box!.upper[i]! > l).length;
        const maxDims = LENSES["regions.box"].options.maxDims.default!;
        if (free > maxDims) { skip(name, `the domain has ${free} free inputs; exact box regions go up to ${maxDims} (the count grows like units^d)`); break; }
        job(p.box, { maxRegions: 5_000, listRegions: false }, domain);
        break;
      }
      case "regions.sampled":
        job(p.data ? dataSamples(p.data, Math.min(p.data.n, 2000)) : p.box ? uniformSamples(p.box, 2000, 0) : uniformSamples({ kind: "box", lower: new Float64Array(inputSize(net)).fill(-1), upper: new Float64Array(inputSize(net)).fill(1), source: "[-1,1]^n" }, 2000, 0), {},
          p.data ? `${Math.min(p.data.n, 2000).toLocaleString("en-US")} points of ${p.data.name}` : `2,000 points uniform in ${p.box?.source ?? "[-1,1]^n"}`);
        break;
      case "compress":
        if (!p.box) { skip(name, "needs a domain (--box, --vnnlib or --ball; with --data mnist the pixel box [0,1]^784)"); skip("stability", "needs a domain"); skip("equivalence", "needs a domain"); break; }
        job(p.box, { method: "auto", timeLimit: Math.max(1, Math.floor(budget * 0.6)), unitTimeLimit: Math.max(1, Math.min(10, Math.floor(budget / 10))), points: 20_000, ...(p.data ? { data: { x: p.data.x, n: p.data.n } } : {}) }, domain);
        break;
      case "simplicity":
        if (!labelled) skip(name, "needs labelled data (--data)");
        else job(p.data, { certifyTimeLimit: Math.max(1, Math.floor(budget / 4)), gdvPerClass: 100 }, dataName);
        break;
      case "condensation": job(p.data && labelled ? p.data : undefined, {}, p.data ? `the weights; the merged network's error on ${dataName}` : "the weights"); break;
      case "graph": job(undefined, {}, "the weights"); break;
      case "shallow": {
        // The exact shallow form enumerates the box's regions: low-dimensional boxes only (it is also exact for more, but grows like units^d).
        if (!p.box) { skip(name, "needs a domain (--box, --vnnlib or --ball) of at most 2 free inputs"); break; }
        if (!isPiecewiseLinear(net)) { skip(name, "needs a piecewise-linear network"); break; }
        const free = p.box.lower.filter((l, i) => p.box!.upper[i]! > l).length;
        if (free > 2) { skip(name, `the domain has ${free} free inputs; the report builds the exact shallow form on boxes of at most 2 (netsize shallow --free I,J fixes the others)`); break; }
        job(p.box, { points: 20_000 }, domain);
        break;
      }
      case "ensemble":
        // Olson et al.'s setting is small data: the LP has a row per training point and output.
        if (!p.data?.labels) skip(name, "needs data with class labels (--data)");
        else if (p.data.n > 500) skip(name, `Olson's decomposition is for small data sets (its LP has a row per point and output); ${dataName} has ${p.data.n.toLocaleString("en-US")} points, the report runs it on at most 500 — run netsize ensemble on a small set`);
        else job(p.data, { timeLimit: Math.max(5, Math.floor(budget / 2)) }, dataName);
        break;
      default: skip(name, "the report does not run this lens yet");
    }
  }
  for (const l of PENDING_LENSES) skip(l.name, l.why);
  return { jobs, skipped, sliceLabels: "plane" in plane ? plane.labels : [] };
}

/** Registry order, pending lenses last: the order of the sections. */
export function orderEntries(entries: ReportEntry[]): ReportEntry[] {
  const order = [...Object.keys(LENSES), ...PENDING_LENSES.map((p) => p.name)];
  return [...entries].sort((a, b) => order.indexOf(a.lens) - order.indexOf(b.lens));
}
