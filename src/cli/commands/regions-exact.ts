// `netsize regions MODEL --line SPEC` and `--plane SPEC`: exact regions along a path or on a 2-D slice.
import type { RegionsCliOptions } from "./regions-options.js";
import { withProgress } from "../progress.js";
import { runLens } from "../run-lens.js";
import { checkJsonSize, emitResult, fmtInt, parseChoice, parseIntOption, parseNumberOption, printSummary, rejectOptions } from "../shared.js";
import { fmtBytes, MAX_OUTPUT_BYTES, OutputStage } from "../outputs.js";
import { fail } from "../../core/errors.js";
import type { CommandFiles } from "../outputs.js";
import { inputSize } from "../../core/network.js";
import { Dataset, sample } from "../../data/dataset.js";
import { loadData } from "../data-options.js";
import { LinePath, LineResult, planeFromDirections, planeThrough, SliceResult, Verification } from "../../lenses/regions/index.js";
import { sliceLens } from "../../lenses/registry.js";
import { estimateLineSvgBytes, renderLineSvg } from "../../report/line-svg.js";
import { svgToPng } from "../../node/png.js";
import { estimateSliceSvgBytes, renderSliceSvg } from "../../report/slice-svg.js";

/** A parsed point with a label for pictures ("idx:17 (label 3)" or "point 2"). */
interface Point { x: Float64Array; label: string }

/**
 * Parse one point: 'idx:I' (row I of the data set) or comma-separated numbers (exactly inputSize of
 * them). The data set is loaded only when an 'idx:' point needs it.
 */
function parsePoint(text: string, d: number, data: () => Dataset, what: string): Point {
  const s = text.trim();
  const m = /^idx:\s*(\d+)$/i.exec(s);
  if (m) {
    const ds = data();
    const i = Number(m[1]);
    if (i >= ds.n) fail("BAD_ARGUMENT", `${what} 'idx:${i}' is past the end of ${ds.name} (${ds.n} rows)`);
    const x = sample(ds, i);
    if (x.length !== d) fail("DOMAIN_MISMATCH", `${ds.name} rows have ${x.length} values, the network expects ${d}`);
    const label = ds.labels ? ` (label ${ds.labels[i]})` : "";
    return { x: Float64Array.from(x), label: `idx:${i}${label}` };
  }
  if (/^idx:/i.test(s)) fail("BAD_ARGUMENT", `${what} '${s}': give 'idx:I' with a row number I`);
  const parts = s.split(",");
  const x = Float64Array.from(parts, (p) => {
    const v = Number(p);
    if (p.trim() === "" || !Number.isFinite(v)) fail("BAD_ARGUMENT", `${what}: '${p}' is not a number; give 'idx:I' or ${d} comma-separated numbers`);
    return v;
  });
  if (x.length !== d) fail("DOMAIN_MISMATCH", `${what} has ${x.length} numbers, the network expects ${d} inputs`);
  return { x, label: what };
}

function dataLoader(opts: RegionsCliOptions): () => Dataset {
  let ds: Dataset | undefined;
  return () => (ds ??= loadData(opts));
}

function verifyLine(v: Verification | undefined): string {
  if (!v) return "";
  return `; checked ${fmtInt(v.checked)} at interior points: ${fmtInt(v.mismatches)} pattern mismatches, ${fmtInt(v.ambiguous)} ambiguous units, max output error ${v.maxOutputError.toExponential(1)}`;
}

/** --max-memory-mb as the lenses' maxBytes (absent: the lens's default). */
function maxMemory(opts: RegionsCliOptions): { maxBytes?: number } {
  const mb = parseNumberOption(opts.maxMemoryMb, "--max-memory-mb");
  if (mb === undefined) return {};
  if (!(mb > 0)) fail("BAD_ARGUMENT", `--max-memory-mb must be positive, got ${mb}`);
  return { maxBytes: Math.round(mb * 2 ** 20) };
}

/** An SVG is built as one JavaScript string (at most ~512 MiB): larger pictures are refused whatever --max-output-mb says. */
export const MAX_SVG_BYTES = 400 * 2 ** 20;

/** --max-output-mb in bytes (default MAX_OUTPUT_BYTES). */
export function maxOutputBytes(opts: RegionsCliOptions): number {
  const mb = parseNumberOption(opts.maxOutputMb, "--max-output-mb");
  if (mb !== undefined && !(mb > 0)) fail("BAD_ARGUMENT", `--max-output-mb must be positive, got ${mb}`);
  return mb === undefined ? MAX_OUTPUT_BYTES : Math.floor(mb * 2 ** 20);
}

/**
 * Pictures and JSON, all or nothing: sizes are estimated before anything is built (too large is
 * LIMIT_EXCEEDED after the summary is printed), pictures are staged, and the JSON's emitter renames
 * everything into place together.
 */
async function emit(opts: RegionsCliOptions, result: LineResult | SliceResult, picture: { render: () => Promise<string>; estimate: () => number }, summary: string): Promise<void> {
  const max = maxOutputBytes(opts);
  const stage = new OutputStage();
  const eo = { json: opts.json, quiet: opts.quiet ?? false, stage, maxBytes: max, raise: "raise --max-output-mb, lower --max-regions or use a smaller domain (--half-width)" };
  checkJsonSize(eo, result, summary);
  if (opts.svg !== undefined || opts.png !== undefined) {
    const estimate = picture.estimate(), cap = Math.min(max, MAX_SVG_BYTES);
    if (estimate > cap) {
      stage.discard();
      printSummary(eo, summary);
      fail("LIMIT_EXCEEDED", `the picture would take about ${fmtBytes(estimate)} of SVG, more than ${fmtBytes(cap)}${cap < max ? " (an SVG is one string)" : " (--max-output-mb)"}; nothing was written — lower --max-regions or the domain (--half-width), raise --max-output-mb, or leave out --svg/--png`);
    }
    const text = await picture.render();
    if (opts.svg !== undefined) await stage.put(opts.svg, text);
    if (opts.png !== undefined) await stage.put(opts.png, svgToPng(text));
  }
  await emitResult(eo, result, summary);
}

/** Parse a --line spec: 'P0;P1;...' (points) or 'dir:POINT;DIRECTION[;T0:T1]'. */
export function parseLineSpec(spec: string, d: number, data: () => Dataset): { path: LinePath; labels: string[] } {
  const dir = /^dir:/i.test(spec.trim());
  const parts = spec.trim().replace(/^dir:/i, "").split(";").filter((p) => p.trim() !== "");
  if (dir) {
    if (parts.length !== 2 && parts.length !== 3) fail("BAD_ARGUMENT", `--line 'dir:POINT;DIRECTION[;T0:T1]' needs a point and a direction, got ${parts.length} parts`);
    const point = parsePoint(parts[0]!, d, data, "point");
    const direction = parsePoint(parts[1]!, d, data, "direction");
    let range: [number, number] = [-1, 1];
    if (parts[2] !== undefined) {
      const r = parts[2].split(":").map((x) => parseNumberOption(x, "--line range")!);
      if (r.length !== 2) fail("BAD_ARGUMENT", `--line range '${parts[2]}' must be T0:T1`);
      range = [r[0]!, r[1]!];
    }
    return { path: { point: point.x, direction: direction.x, range }, labels: [point.label] };
  }
  if (parts.length < 2) fail("BAD_ARGUMENT", `--line needs at least two points separated by ';' (or 'dir:POINT;DIRECTION'), got ${parts.length}`);
  const pts = parts.map((p, i) => parsePoint(p, d, data, `point ${i}`));
  return { path: { points: pts.map((p) => p.x) }, labels: pts.map((p) => p.label) };
}

/** `regions --line`: breakpoints, intervals and knots along a segment or polyline. */
export async function runLine(model: string, opts: RegionsCliOptions, files: CommandFiles): Promise<void> {
  rejectOptions(opts, "--line", ["radius", "count", "maxDims"]);
  const maxRegions = parseIntOption(opts.maxRegions, "--max-regions", { min: 1 });
  const net = await files.loadNetwork(model);
  const { path, labels } = parseLineSpec(opts.line!, inputSize(net), dataLoader(opts));
  const r: LineResult = await withProgress("regions", { quiet: opts.quiet ?? false }, (onProgress) => runLens("regions.line", net, path, { ...(maxRegions !== undefined ? { maxRegions } : {}), ...maxMemory(opts), verify: opts.verify ?? false, patterns: opts.patterns !== false }, { onProgress }));
  const summary = `line through ${labels.join(", ")}: ${fmtInt(r.count)} regions, ${fmtInt(r.breakpoints.length)} breakpoints, ${fmtInt(r.knots.length)} knots (${fmtInt(r.pieces)} linear pieces) in ${(r.timings.total / 1000).toFixed(2)} s${verifyLine(r.verification)}\n`;
  await emit(opts, r, { render: () => renderLineSvg(r), estimate: () => estimateLineSvgBytes(r) }, summary);
}

/** Parse a --plane spec: 'P0;P1;P2' (plane through three points) or, with 'dirs:' or --plane-mode dirs, 'POINT;DIR1;DIR2'. */
export function parsePlaneSpec(spec: string, d: number, data: () => Dataset, mode = "points"): { plane: ReturnType<typeof planeThrough>; labels: string[] } {
  const dirs = /^dirs:/i.test(spec.trim()) || mode === "dirs";
  const parts = spec.trim().replace(/^dirs:/i, "").split(";").filter((p) => p.trim() !== "");
  if (parts.length !== 3) fail("BAD_ARGUMENT", `--plane needs three parts separated by ';' (${dirs ? "POINT;DIR1;DIR2" : "P0;P1;P2"}), got ${parts.length}`);
  if (d < 2) fail("DOMAIN_MISMATCH", `a slice needs at least 2 inputs; this network has ${d} (use --line)`);
  if (dirs) {
    const [p, a, b] = [parsePoint(parts[0]!, d, data, "point"), parsePoint(parts[1]!, d, data, "direction 1"), parsePoint(parts[2]!, d, data, "direction 2")];
    return { plane: planeFromDirections(p.x, a.x, b.x), labels: [p.label] };
  }
  const pts = parts.map((p, i) => parsePoint(p, d, data, `point ${i}`));
  return { plane: planeThrough(pts[0]!.x, pts[1]!.x, pts[2]!.x), labels: pts.map((p) => p.label) };
}

/** `regions --plane`: the exact partition of a square of a 2-D slice, with the decision boundary. */
export async function runPlane(model: string, opts: RegionsCliOptions, files: CommandFiles): Promise<void> {
  rejectOptions(opts, "--plane", ["radius", "count", "maxDims"]);
  const maxRegions = parseIntOption(opts.maxRegions, "--max-regions", { min: 1 });
  const halfWidth = parseNumberOption(opts.halfWidth, "--half-width") ?? sliceLens.options.halfWidth.default!;
  if (!(halfWidth > 0)) fail("BAD_ARGUMENT", `--half-width must be positive, got ${halfWidth}`);
  const colorBy = parseChoice(opts.colorBy, "--color-by", ["class", "slope"] as const) ?? "class";
  const mode = parseChoice(opts.planeMode, "--plane-mode", ["points", "dirs"] as const) ?? "points";
  const net = await files.loadNetwork(model);
  const { plane, labels } = parsePlaneSpec(opts.plane!, inputSize(net), dataLoader(opts), mode);
  // The region list (most of the memory on a large slice) only for the outputs that read it; patterns only for the JSON.
  const json = opts.json !== undefined && opts.json !== false, details = json || opts.svg !== undefined || opts.png !== undefined;
  const lensOpts = { halfWidth, ...(maxRegions !== undefined ? { maxRegions } : {}), ...maxMemory(opts), verify: opts.verify ?? false, details, patterns: json && opts.patterns !== false };
  const r: SliceResult = await withProgress("regions", { quiet: opts.quiet ?? false }, (onProgress) => runLens("regions.slice", net, plane, lensOpts, { onProgress }));
  const summary = `slice through ${labels.join(", ")} (half-width ${halfWidth}): ${fmtInt(r.count)} regions (${r.perLayer.map((p) => fmtInt(p.regions)).join(" → ")} after each unit layer), area ${r.areaSum.toPrecision(12)} of ${r.domain.area}, decision boundary ${r.decisionBoundary.length.toFixed(3)} long in ${fmtInt(r.decisionBoundary.segments.length)} segments, ${(r.timings.total / 1000).toFixed(2)} s${verifyLine(r.verification)}\n`;
  await emit(opts, r, { render: async () => renderSliceSvg(r, { colorBy, anchorLabels: labels }), estimate: () => estimateSliceSvgBytes(r) }, summary);
}
