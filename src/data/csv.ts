import { fail, printable } from "../core/errors.js";
import { Dataset } from "./dataset.js";

/** Options for reading a numeric CSV file into a Dataset. */
export interface CsvOptions {
  /** Whether the first line is a header; "auto" (default) treats it as one when any field is not a number. */
  header?: boolean | "auto";
  /** Column holding integer class labels: 0-based index (negative counts from the end) or a header name. */
  labelColumn?: number | string;
  /** Per-sample feature shape (default [features]); its size must equal the number of feature columns. */
  shape?: number[];
  /** Name recorded in the Dataset (default: the file path). */
  name?: string;
}

/** A strict decimal number: what a CSV field may hold (no hex, no "Infinity", no "NaN", no empty field). */
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

function splitLine(line: string): string[] {
  return line.split(",").map((f) => f.trim().replace(/^"(.*)"$/, "$1").trim());
}

function resolveLabelColumn(spec: number | string | undefined, columns: number, header: string[] | undefined, file: string): number | undefined {
  if (spec === undefined) return undefined;
  if (typeof spec === "string" && !/^-?\d+$/.test(spec)) {
    const i = header?.indexOf(spec) ?? -1;
    if (i < 0) {
      fail("BAD_DATA", `no column named '${printable(spec, 60)}'${header ? ` (columns: ${printable(header.join(", "), 200)})` : " (the file has no header)"}; give the label column by name or 0-based index`, { file });
    }
    return i;
  }
  const k = Number(spec);
  const i = k < 0 ? columns + k : k;
  if (i < 0 || i >= columns) fail("BAD_DATA", `label column ${spec} is outside the file's ${columns} columns`, { file });
  return i;
}

/**
 * Parse numeric CSV text (comma-separated, optional header, optional integer label column) into a Dataset.
 * Every data line must have the same number of fields; bad fields are reported with line and column.
 */
export function parseCsv(text: string, file: string, opts: CsvOptions = {}): Dataset {
  const lines = text.replace(/^\uFEFF/, "").split(/\r?\n/);
  let first = lines.findIndex((l) => l.trim() !== "");
  if (first < 0) fail("BAD_DATA", "the CSV file is empty; expected one sample per line, numbers separated by commas", { file });
  const firstFields = splitLine(lines[first]!);
  const isHeader = opts.header === "auto" || opts.header === undefined ? firstFields.some((f) => !NUMBER.test(f)) : opts.header;
  const header = isHeader ? firstFields : undefined;
  if (isHeader) first++;
  const columns = firstFields.length;
  const labelCol = resolveLabelColumn(opts.labelColumn, columns, header, file);
  const d = labelCol === undefined ? columns : columns - 1;
  if (d < 1) fail("BAD_DATA", "the CSV file has no feature columns", { file });
  const values: number[] = [];
  const labels: number[] = [];
  for (let li = first; li < lines.length; li++) {
    const raw = lines[li]!;
    if (raw.trim() === "") continue;
    const fields = splitLine(raw);
    if (fields.length !== columns) {
      fail("BAD_DATA", `line ${li + 1} has ${fields.length} fields, expected ${columns} like the first line`, { file });
    }
    for (let c = 0; c < columns; c++) {
      const f = fields[c]!;
      if (!NUMBER.test(f)) fail("BAD_DATA", `line ${li + 1}, column ${c + 1}: '${printable(f, 40)}' is not a finite number`, { file });
      const v = Number(f);
      // The pattern admits 1e999, which is Infinity in float64.
      if (!Number.isFinite(v)) fail("BAD_DATA", `line ${li + 1}, column ${c + 1}: '${printable(f, 40)}' overflows float64 (it is ${v}); data must be finite numbers`, { file });
      if (c === labelCol) {
        if (!Number.isInteger(v) || v < 0 || v > 2 ** 31 - 1) fail("BAD_DATA", `line ${li + 1}, column ${c + 1}: label '${printable(f, 40)}' is not a non-negative integer class`, { file });
        labels.push(v);
      } else values.push(v);
    }
  }
  const n = values.length / d;
  if (n === 0) fail("BAD_DATA", "the CSV file has a header but no data lines", { file });
  const shape = opts.shape ?? [d];
  if (shape.reduce((a, b) => a * b, 1) !== d) fail("BAD_DATA", `shape [${shape.join(",")}] does not hold the ${d} feature columns`, { file });
  return {
    name: opts.name ?? file,
    n,
    shape: [...shape],
    x: Float64Array.from(values),
    ...(labelCol !== undefined ? { labels: Int32Array.from(labels) } : {}),
  };
}

