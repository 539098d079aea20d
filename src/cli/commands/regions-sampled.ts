// `netsize regions MODEL --box SPEC` (exact regions of a low-dimensional box) and `--sample SPEC` (sampled patterns, local complexity).
import path from "node:path";
import type { RegionsCliOptions } from "./regions-options.js";
import { withProgress } from "../progress.js";
import { runLens } from "../run-lens.js";
import { checkSampleCount, emitResult, fmtInt, parseIntOption, parseNumberOption, rejectOptions, valuesPerSample } from "../shared.js";
import { fail, printable } from "../../core/errors.js";
import { parseBoxSpec } from "../domain.js";
import type { CommandFiles } from "../outputs.js";
import { inputSize } from "../../core/network.js";
import { loadData } from "../data-options.js";
import { SampleSet, dataSamples, gaussianSamples, uniformSamples } from "../../lenses/regions/index.js";
import { maxOutputBytes } from "./regions-exact.js";

/** `regions --box`: every linear region of a low-dimensional box, exactly. */
export async function runBox(model: string, opts: RegionsCliOptions, files: CommandFiles): Promise<void> {
  rejectOptions(opts, "--box", ["radius", "count", "svg", "png"]);
  const maxRegions = parseIntOption(opts.maxRegions, "--max-regions", { min: 1 });
  const maxDims = parseIntOption(opts.maxDims, "--max-dims", { min: 0 });
  const seed = parseIntOption(opts.seed, "--seed", { min: 0 });
  const net = await files.loadNetwork(model);
  const box = parseBoxSpec(opts.box!, inputSize(net));
  const r = await withProgress("regions", { quiet: opts.quiet ?? false }, (onProgress) => runLens("regions.box", net, box, { ...(maxRegions !== undefined ? { maxRegions } : {}), ...(seed !== undefined ? { seed } : {}), ...(maxDims !== undefined ? { maxDims } : {}) }, { onProgress, engine: "onnxruntime" }));
  const s = (r.timings.total / 1000).toFixed(1);
  const units = r.unitLayers.reduce((a, l) => a + l.units, 0);
  await emitResult({ json: opts.json, quiet: opts.quiet ?? false, maxBytes: maxOutputBytes(opts), raise: "raise --max-output-mb or ask for fewer samples or a smaller box" }, { ...r, model }, `${fmtInt(r.count)} linear regions of ${path.basename(model)} in ${box.source ?? "the box"} (${r.freeInputs.length} free inputs; ${fmtInt(r.unitsCutting)} of ${fmtInt(units)} units cut the box) in ${s} s, ${fmtInt(r.lpSolves)} LPs${r.slivers ? `; ${r.slivers} slivers skipped` : ""}${r.unconfirmed || r.crossingsFailed ? `; ${r.unconfirmed} unconfirmed, ${r.crossingsFailed} failed crossings` : ""}\n`);
}

/** Build the sample set of `--sample data | box:SPEC | around:SIGMA`. */
function sampleSet(spec: string, opts: RegionsCliOptions, n: number, seed: number, count: number | undefined): SampleSet {
  if (spec === "data") {
    const ds = loadData(opts);
    return dataSamples(ds, count, seed);
  }
  if (spec.startsWith("box:")) return uniformSamples(parseBoxSpec(spec.slice(4), n), count ?? 10_000, seed);
  if (spec.startsWith("around:")) {
    const sigma = parseNumberOption(spec.slice(7), "--sample around:SIGMA")!;
    if (!(sigma >= 0)) fail("BAD_ARGUMENT", `--sample around:SIGMA needs SIGMA >= 0, got ${sigma}`);
    const ds = loadData(opts);
    return gaussianSamples(ds, count ?? ds.n, sigma, seed);
  }
  fail("BAD_ARGUMENT", `--sample '${spec}': use 'data' (the --data set), 'box:lo:hi' (uniform; any --box spec after 'box:') or 'around:SIGMA' (Gaussian around --data points)`);
}

/** `regions --sample`: distinct activation patterns of a sample set and local complexity. */
export async function runSample(model: string, opts: RegionsCliOptions, files: CommandFiles): Promise<void> {
  rejectOptions(opts, "--sample", ["svg", "png", "maxDims"]);
  const count = parseIntOption(opts.count, "--count", { min: 1 });
  const seed = parseIntOption(opts.seed, "--seed", { min: 0 }) ?? 0;
  const radius = parseNumberOption(opts.radius, "--radius");
  if (radius !== undefined && !(radius > 0)) fail("BAD_ARGUMENT", `--radius must be > 0, got ${radius}`);
  const net = await files.loadNetwork(model);
  const n = inputSize(net);
  // The forward pass keeps every layer's values of every sample: bound the set before it is drawn.
  checkSampleCount("--count", count ?? (opts.sample!.startsWith("box:") ? 10_000 : 0), valuesPerSample(net), "lower --count");
  const set = sampleSet(opts.sample!, opts, n, seed, count);
  checkSampleCount("the sample set", set.n, valuesPerSample(net), "lower --count");
  if (set.X.length !== set.n * n) fail("DOMAIN_MISMATCH", `${set.source} has ${set.X.length / Math.max(set.n, 1)} features per sample, ${path.basename(model)} expects ${n}`);
  const r = await withProgress("sampled", { quiet: opts.quiet ?? false }, (onProgress) => runLens("regions.sampled", net, set, radius !== undefined ? { radius } : {}, { onProgress, engine: "onnxruntime" }));
  let summary = `${fmtInt(r.distinctPatterns)} distinct activation patterns among ${fmtInt(r.samples.n)} samples (${r.samples.source}) of ${path.basename(model)}; ${fmtInt(r.singletons)} seen once\n`;
  summary += r.layers.map((l) => `  ${printable(l.name)}: ${fmtInt(l.units)} units, ${fmtInt(l.distinct)} patterns alone, ${fmtInt(l.distinctUpTo)} up to here; ${l.neverActive} never active, ${l.alwaysActive} always active\n`).join("");
  const lc = r.localComplexity;
  if (lc) summary += `local complexity r=${lc.radius} (${fmtInt(lc.samples)} samples): mean ${lc.count.mean.toFixed(2)}, median ${lc.count.median} unit boundaries within r; nearest boundary median ${lc.nearestBoundary.median.toPrecision(3)}\n`;
  await emitResult({ json: opts.json, quiet: opts.quiet ?? false, maxBytes: maxOutputBytes(opts), raise: "raise --max-output-mb or ask for fewer samples or a smaller box" }, { ...r, model }, summary);
}
