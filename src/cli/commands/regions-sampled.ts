// `netsize regions MODEL --box SPEC` (exact regions of a low-dimensional box) and `--sample SPEC` (sampled patterns, local complexity).
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import type { RegionsCliOptions } from "./regions.js";
import { progressBar } from "../progress.js";
import { fmtInt, parseIntOption, parseNumberOption, toJson, writeOutput } from "../shared.js";
import { fail, printable } from "../../core/errors.js";
import { Box, makeBox, uniformBox } from "../../core/domain.js";
import { loadNetwork, parseVnnlib } from "../../core/io/index.js";
import { inputSize } from "../../core/network.js";
import { loadDataset } from "../../data/load.js";
import { boxRegions } from "../../lenses/regions/box.js";
import { SampleSet, dataSamples, gaussianSamples, sampledRegions, uniformSamples } from "../../lenses/regions/sampled.js";

function number(s: string, spec: string): number {
  const v = Number(s);
  if (s.trim() === "" || !Number.isFinite(v)) fail("BAD_ARGUMENT", `box '${spec}': '${s}' is not a number; give 'lo:hi', 'lo1:hi1,lo2:hi2,...' (a single number fixes an input) or a .vnnlib file`);
  return v;
}

/**
 * Parse a box: 'lo:hi' for every input, per input 'lo1:hi1,lo2:hi2,...' (a lone number v fixes that
 * input, v:v), or the path of a VNN-LIB property (its input box).
 */
export function parseBoxSpec(spec: string, n: number): Box {
  if (/\.vnnlib$/i.test(spec) || (existsSync(spec) && !/^[-+\d.eE:,\s]+$/.test(spec))) {
    if (!existsSync(spec)) fail("IO_ERROR", "no such VNN-LIB file", { file: spec });
    const prop = parseVnnlib(readFileSync(spec, "utf8"), spec);
    return { ...prop.box, source: path.basename(spec) };
  }
  const parts = spec.split(",");
  const pair = (p: string): [number, number] => {
    const ends = p.split(":");
    if (ends.length === 1) { const v = number(ends[0]!, spec); return [v, v]; }
    if (ends.length !== 2) fail("BAD_ARGUMENT", `box '${spec}': '${p}' must be 'lo:hi' or a number`);
    return [number(ends[0]!, spec), number(ends[1]!, spec)];
  };
  if (parts.length === 1) {
    const [lo, hi] = pair(parts[0]!);
    return uniformBox(n, lo, hi, `--box ${spec}`);
  }
  if (parts.length !== n) fail("DOMAIN_MISMATCH", `box '${spec}' has ${parts.length} intervals, the network has ${n} inputs; give one 'lo:hi' per input or a single 'lo:hi' for all`);
  const b = parts.map(pair);
  return makeBox(Float64Array.from(b, (x) => x[0]), Float64Array.from(b, (x) => x[1]), `--box ${spec}`);
}

/** Where the JSON goes: a file (then a summary on stdout) or stdout (then the summary on stderr). */
async function emit(opts: RegionsCliOptions, json: unknown, summary: string): Promise<void> {
  if (opts.json !== undefined && opts.json !== "-") {
    await writeOutput(opts.json, toJson(json));
    process.stdout.write(summary);
  } else {
    await writeOutput(undefined, toJson(json));
    if (!opts.quiet) process.stderr.write(summary);
  }
}

function rejectOptions(opts: RegionsCliOptions, mode: string, names: (keyof RegionsCliOptions)[]): void {
  for (const k of names) {
    if (opts[k] !== undefined) fail("BAD_ARGUMENT", `--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} does not apply to ${mode}`);
  }
}

/** `regions --box`: every linear region of a low-dimensional box, exactly. */
export async function runBox(model: string, opts: RegionsCliOptions): Promise<void> {
  rejectOptions(opts, "--box", ["radius", "count", "svg", "png"]);
  const maxRegions = parseIntOption(opts.maxRegions, "--max-regions", { min: 1 }) ?? 1_000_000;
  const maxDims = parseIntOption(opts.maxDims, "--max-dims", { min: 0 });
  const seed = parseIntOption(opts.seed, "--seed", { min: 0 }) ?? 0;
  const net = await loadNetwork(model);
  const box = parseBoxSpec(opts.box!, inputSize(net));
  const bar = progressBar("regions", { quiet: opts.quiet ?? false });
  let r;
  try {
    r = await boxRegions(net, box, { maxRegions, seed, ...(maxDims !== undefined ? { maxDims } : {}) }, { onProgress: bar.onProgress });
  } finally {
    bar.stop();
  }
  const s = (r.timings.totalMs! / 1000).toFixed(1);
  const units = r.unitLayers.reduce((a, l) => a + l.units, 0);
  await emit(opts, { ...r, model }, `${fmtInt(r.count)} linear regions of ${path.basename(model)} in ${box.source ?? "the box"} (${r.freeInputs.length} free inputs; ${fmtInt(r.unitsCutting)} of ${fmtInt(units)} units cut the box) in ${s} s, ${fmtInt(r.lpSolves)} LPs${r.slivers ? `; ${r.slivers} slivers skipped` : ""}${r.unconfirmed || r.crossingsFailed ? `; ${r.unconfirmed} unconfirmed, ${r.crossingsFailed} failed crossings` : ""}\n`);
}

/** Build the sample set of `--sample data | box:SPEC | around:SIGMA`. */
function sampleSet(spec: string, opts: RegionsCliOptions, n: number, seed: number, count: number | undefined): SampleSet {
  if (spec === "data") {
    const ds = loadDataset(opts.data ?? "mnist");
    return dataSamples(ds, count, seed);
  }
  if (spec.startsWith("box:")) return uniformSamples(parseBoxSpec(spec.slice(4), n), count ?? 10_000, seed);
  if (spec.startsWith("around:")) {
    const sigma = parseNumberOption(spec.slice(7), "--sample around:SIGMA")!;
    if (!(sigma >= 0)) fail("BAD_ARGUMENT", `--sample around:SIGMA needs SIGMA >= 0, got ${sigma}`);
    const ds = loadDataset(opts.data ?? "mnist");
    return gaussianSamples(ds, count ?? ds.n, sigma, seed);
  }
  fail("BAD_ARGUMENT", `--sample '${spec}': use 'data' (the --data set), 'box:lo:hi' (uniform; any --box spec after 'box:') or 'around:SIGMA' (Gaussian around --data points)`);
}

/** `regions --sample`: distinct activation patterns of a sample set and local complexity. */
export async function runSample(model: string, opts: RegionsCliOptions): Promise<void> {
  rejectOptions(opts, "--sample", ["svg", "png", "maxDims"]);
  const count = parseIntOption(opts.count, "--count", { min: 1 });
  const seed = parseIntOption(opts.seed, "--seed", { min: 0 }) ?? 0;
  const radius = parseNumberOption(opts.radius, "--radius");
  if (radius !== undefined && !(radius > 0)) fail("BAD_ARGUMENT", `--radius must be > 0, got ${radius}`);
  const net = await loadNetwork(model);
  const n = inputSize(net);
  const set = sampleSet(opts.sample!, opts, n, seed, count);
  if (set.X.length !== set.n * n) fail("DOMAIN_MISMATCH", `${set.source} has ${set.X.length / Math.max(set.n, 1)} features per sample, ${path.basename(model)} expects ${n}`);
  const bar = progressBar("sampled", { quiet: opts.quiet ?? false });
  let r;
  try {
    r = await sampledRegions(net, set, radius !== undefined ? { radius } : {}, { onProgress: bar.onProgress });
  } finally {
    bar.stop();
  }
  let summary = `${fmtInt(r.distinctPatterns)} distinct activation patterns among ${fmtInt(r.samples.n)} samples (${r.samples.source}) of ${path.basename(model)}; ${fmtInt(r.singletons)} seen once\n`;
  summary += r.layers.map((l) => `  ${printable(l.name)}: ${fmtInt(l.units)} units, ${fmtInt(l.distinct)} patterns alone, ${fmtInt(l.distinctUpTo)} up to here; ${l.neverActive} never active, ${l.alwaysActive} always active\n`).join("");
  const lc = r.localComplexity;
  if (lc) summary += `local complexity r=${lc.radius} (${fmtInt(lc.samples)} samples): mean ${lc.count.mean.toFixed(2)}, median ${lc.count.median} unit boundaries within r; nearest boundary median ${lc.nearestBoundary.median.toPrecision(3)}\n`;
  await emit(opts, { ...r, model }, summary);
}
