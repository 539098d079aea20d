// Helpers every command may reuse: option parsing (errors are BAD_ARGUMENT, exit 2) and output writing (atomic).
import { fail, printable } from "../core/errors.js";
import { writeFileAtomic } from "../core/io/atomic.js";

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

/** JSON text of a result: typed arrays become plain arrays so every result serialises the same way. */
export function toJson(value: unknown): string {
  return `${formatJson(value, "")}\n`;
}

function plain(v: unknown): unknown {
  if (ArrayBuffer.isView(v) && !(v instanceof DataView)) return Array.from(v as unknown as ArrayLike<number>);
  if (v !== null && typeof v === "object" && typeof (v as { toJSON?: unknown }).toJSON === "function") return (v as { toJSON: () => unknown }).toJSON();
  return v;
}

const isLeaf = (v: unknown): boolean => v === null || typeof v !== "object";
/** Arrays of scalars, or of arrays of scalars (points, polygons), stay on one line. */
const isFlat = (a: unknown[]): boolean => a.every((x) => { const p = plain(x); return isLeaf(p) || (Array.isArray(p) && p.every((y) => isLeaf(plain(y)))); });

/** Indented JSON whose number lists stay on one line, so large results (regions, weights) stay readable and compact. */
function formatJson(value: unknown, pad: string): string {
  const v = plain(value);
  if (isLeaf(v)) return JSON.stringify(v) ?? "null";
  const inner = `${pad}  `;
  if (Array.isArray(v)) {
    if (v.length === 0) return "[]";
    if (isFlat(v)) return JSON.stringify(v.map(plain), (_k, x: unknown) => plain(x));
    return `[\n${v.map((x) => inner + formatJson(x, inner)).join(",\n")}\n${pad}]`;
  }
  const entries = Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== undefined && typeof x !== "function");
  if (entries.length === 0) return "{}";
  return `{\n${entries.map(([k, x]) => `${inner}${JSON.stringify(k)}: ${formatJson(x, inner)}`).join(",\n")}\n${pad}}`;
}

/**
 * Write command output: to stdout when `file` is undefined, true (a bare flag) or "-", else atomically to the file
 * (write a temporary sibling, then rename), so a failed command never leaves a half-written file.
 */
export async function writeOutput(file: string | boolean | undefined, text: string | Uint8Array): Promise<void> {
  if (file === undefined || file === true || file === false || file === "-") {
    process.stdout.write(text);
    return;
  }
  await writeFileAtomic(file, text);
}

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
