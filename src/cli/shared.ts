// Helpers every command reuses: option parsing (errors are BAD_ARGUMENT, exit 2), lens defaults for
// --help, rejecting options that do not apply, and the one result emitter (JSON streamed and staged
// with the command's other outputs, committed together, then the summary).
import { fail, printable } from "../core/errors.js";
import type { LensOption } from "../core/lens.js";
import { estimateJsonBytes } from "./json.js";
import { fmtBytes, isFilePath, jsonToStdout, MAX_OUTPUT_BYTES, OutputStage } from "./outputs.js";
import { inputSize, Network, outputSize, sizeOf } from "../core/network.js";
import { unitLayerIndices } from "../core/summary.js";

/** Parse an integer option value within [min, max]; anything else is BAD_ARGUMENT naming the option. */
export function parseIntOption(value: string | undefined, option: string, range: { min?: number; max?: number } = {}): number | undefined {
  if (value === undefined) return undefined;
  const v = Number(value.replace(/_/g, ""));
  const min = range.min ?? -Number.MAX_SAFE_INTEGER, max = range.max ?? Number.MAX_SAFE_INTEGER;
  if (!/^[+-]?[\d_]+$/.test(value.trim()) || !Number.isSafeInteger(v) || v < min || v > max) {
    fail("BAD_ARGUMENT", `${option} must be an integer${range.min !== undefined ? ` >= ${min}` : ""}${range.max !== undefined ? ` and <= ${max}` : ""}, got '${value}'`);
  }
  return v;
}

/** The most float64 values one sample set of a command may hold (inputs, units and outputs of every sample): 2^28 = 268,435,456, 2 GiB. */
export const MAX_SAMPLE_VALUES = 2 ** 28;
/** The most points a streamed check (--points) may ask for: 100,000,000 (each is a forward pass of both networks). */
export const MAX_POINTS = 100_000_000;

/** Values per sample a lens keeps for a network: its inputs, every unit's pre-activation and its outputs. */
export function valuesPerSample(net: Network): number {
  return unitLayerIndices(net).reduce((s, i) => s + sizeOf(net.layers[i]!.shape), inputSize(net) + outputSize(net));
}

/** BAD_ARGUMENT when `count` samples of `perSample` values each exceed MAX_SAMPLE_VALUES (checked before they are drawn). */
export function checkSampleCount(option: string, count: number, perSample: number, hint: string): void {
  if (count * perSample > MAX_SAMPLE_VALUES) {
    fail("BAD_ARGUMENT", `${option} ${fmtInt(count)} samples × ${fmtInt(perSample)} values each (inputs, units, outputs) = ${fmtInt(count * perSample)} values, more than one sample set may hold (MAX_SAMPLE_VALUES = ${fmtInt(MAX_SAMPLE_VALUES)}, 2 GiB of float64); ${hint}`);
  }
}

/** Parse a finite number option value; anything else is BAD_ARGUMENT naming the option. */
export function parseNumberOption(value: string | undefined, option: string): number | undefined {
  if (value === undefined) return undefined;
  const v = Number(value);
  if (value.trim() === "" || !Number.isFinite(v)) fail("BAD_ARGUMENT", `${option} must be a finite number, got '${value}'`);
  return v;
}

/** Parse `--float 32|64` (default 64). */
export function parseFloatBits(value: string | undefined, option = "--float"): 32 | 64 {
  if (value === undefined || value === "64") return 64;
  if (value === "32") return 32;
  fail("BAD_ARGUMENT", `${option} must be 32 or 64, got '${value}'`);
}

/** Parse a value from a fixed set of choices. */
export function parseChoice<T extends string>(value: string | undefined, option: string, choices: readonly T[]): T | undefined {
  if (value === undefined) return undefined;
  if (!(choices as readonly string[]).includes(value)) fail("BAD_ARGUMENT", `${option} must be one of ${choices.join(", ")}, got '${value}'`);
  return value as T;
}

export { toJson } from "./json.js";

/** Format rows as a plain-text table with right-aligned numeric columns. */
export function formatTable(headers: readonly string[], rows: readonly (readonly (string | number)[])[]): string {
  // Strings (layer names, kinds) may come from a file: escaped and bounded, so a name cannot clear the
  // terminal (ESC[2J) or fake a row (\r\n).
  const cells = rows.map((r) => r.map((c) => (typeof c === "number" ? c.toLocaleString("en-US") : printable(c, 80))));
  const numeric = headers.map((_, j) => rows.length > 0 && rows.every((r) => typeof r[j] === "number"));
  // A loop, not Math.max(...cells): a table of 10⁵ layers would spread 10⁵ arguments onto the stack.
  const widths = headers.map((h, j) => cells.reduce((w, r) => Math.max(w, (r[j] ?? "").length), h.length));
  const line = (r: readonly string[]): string =>
    r.map((c, j) => (numeric[j] ? c.padStart(widths[j]!) : c.padEnd(widths[j]!))).join("  ").trimEnd();
  return [line(headers.map((h) => printable(h, 80))), line(widths.map((w) => "-".repeat(w))), ...cells.map(line)].join("\n") + "\n";
}

/** Thousands-separated integer, as every command prints counts. */
export function fmtInt(n: number): string {
  return n.toLocaleString("en-US");
}

/** A lens option's default as commander's default value (so --help shows the lens's own default). */
export function lensDefault(opt: LensOption): string | undefined {
  return opt.default === undefined ? undefined : String(opt.default);
}

/** The option name a camelCase key stands for: maxRegions → --max-regions. */
export function flagOf(key: string): string {
  return `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}

/** BAD_ARGUMENT when any of `names` was given: those options do not apply to `mode`. */
export function rejectOptions<O extends object>(opts: O, mode: string, names: readonly (keyof O & string)[]): void {
  for (const k of names) {
    if (opts[k] !== undefined) fail("BAD_ARGUMENT", `${flagOf(k)} does not apply to ${mode}`);
  }
}

/** How a command's result goes out. */
export interface EmitOptions {
  /** --json: a file, true/"-" for stdout, or undefined. */
  json?: string | boolean;
  quiet?: boolean;
  /** The most bytes the JSON may take (default MAX_OUTPUT_BYTES), and what to do when it is exceeded ("raise --max-output-mb ..."), for the message. */
  maxBytes?: number;
  raise?: string;
  /** The command's other outputs (pictures, networks), staged already: committed together with the JSON. */
  stage?: OutputStage;
}

/** Print a command's summary where emitResult puts it: stderr when the JSON goes to stdout (unless --quiet), else stdout. */
export function printSummary(o: EmitOptions, summary: string): void {
  const toStdout = !isFilePath(o.json) && ((o.json !== undefined && o.json !== false));
  if (toStdout) { if (!o.quiet) process.stderr.write(summary); } else process.stdout.write(summary);
}

/**
 * LIMIT_EXCEEDED, after printing the summary, when the JSON the options ask for would be larger than
 * o.maxBytes (default MAX_OUTPUT_BYTES): estimated from samples of its lists before any of it is built.
 */
export function checkJsonSize(o: EmitOptions, result: unknown, summary: string): void {
  if (!isFilePath(o.json) && !((o.json !== undefined && o.json !== false))) return;
  const max = o.maxBytes ?? MAX_OUTPUT_BYTES;
  const estimate = estimateJsonBytes(result);
  if (estimate > max) {
    o.stage?.discard();
    printSummary(o, summary);
    fail("LIMIT_EXCEEDED", `the JSON result would take about ${fmtBytes(estimate)}, more than ${fmtBytes(max)}; nothing was written — ${o.raise ?? "ask for less"}`);
  }
}

/**
 * The one result emitter. With --json FILE the JSON is streamed to a temporary file, every staged
 * output is renamed into place together, and the summary printed on stdout; with JSON on stdout
 * (--json alone, or --json -) the summary goes to stderr unless --quiet; otherwise only the
 * summary is printed, on stdout. A JSON larger than the limit (estimated before any of it is built)
 * is LIMIT_EXCEEDED after the summary is printed, and nothing is written.
 */
export async function emitResult(o: EmitOptions, result: unknown, summary: string): Promise<void> {
  const stage = o.stage ?? new OutputStage();
  const toFile = isFilePath(o.json);
  const toStdout = !toFile && ((o.json !== undefined && o.json !== false));
  const max = o.maxBytes ?? MAX_OUTPUT_BYTES, raise = o.raise ?? "ask for less";
  checkJsonSize({ ...o, stage }, result, summary);
  if (toFile) await stage.putJson(o.json as string, result, max, raise);
  stage.commit();
  if (toStdout) await jsonToStdout(result, max, raise);
  printSummary(o, summary);
}
