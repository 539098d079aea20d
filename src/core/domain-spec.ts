// One parser for every domain spec: 'lo:hi' for all inputs, 'lo1:hi1,lo2:hi2,...' per input (a lone
// number fixes that input), or a file — .json ({lower, upper} or [[lo,hi],...]), .csv/.txt (lo,hi per
// line), .vnnlib (the property's input box). Files are read through the reader the caller hands in.
import { Box, makeBox, uniformBox } from "./domain.js";
import { fail } from "./errors.js";
import { parseVnnlib } from "./io/vnnlib.js";
import { baseName, extName } from "./names.js";

/** How a box spec reaches files: the Node side reads them; in the browser there are none. */
export interface SpecFiles {
  /** The file's text; fails (IO_ERROR) when it cannot be read. */
  readText(file: string, what: string): string;
  /** Whether a path names an existing file (a spec without extension may still be a VNN-LIB file). */
  exists?(file: string): boolean;
}

function num(s: string, what: string): number {
  const v = Number(s);
  if (s.trim() === "" || !Number.isFinite(v)) fail("BAD_ARGUMENT", `${what}: '${s}' is not a number; give 'lo:hi', 'lo1:hi1,lo2:hi2,...' (a single number fixes an input) or a .json/.csv/.vnnlib file`);
  return v;
}

/** Bounds from JSON text: {"lower": [...], "upper": [...]} or [[lo, hi], ...]. */
export function boxFromJsonText(text: string, file: string): Box {
  let v: unknown;
  try { v = JSON.parse(text); } catch (e) {
    fail("BAD_DATA", `not JSON: ${(e as Error).message}; give {"lower": [...], "upper": [...]} or [[lo, hi], ...]`, { file });
  }
  const nums = (a: unknown, w: string): Float64Array => {
    if (!Array.isArray(a) || a.some((x) => typeof x !== "number")) fail("BAD_DATA", `${w} must be an array of numbers`, { file });
    return Float64Array.from(a as number[]);
  };
  if (Array.isArray(v)) {
    const pairs = v as unknown[];
    if (pairs.some((p) => !Array.isArray(p) || p.length !== 2)) fail("BAD_DATA", "each entry must be a pair [lo, hi]", { file });
    return makeBox(nums(pairs.map((p) => (p as number[])[0]), "lower bounds"), nums(pairs.map((p) => (p as number[])[1]), "upper bounds"), baseName(file));
  }
  const o = v as { lower?: unknown; upper?: unknown };
  return makeBox(nums(o?.lower, "'lower'"), nums(o?.upper, "'upper'"), baseName(file));
}

/** Bounds from CSV text: one line 'lo,hi' per input (a header line is skipped, '#' lines are comments). */
export function boxFromCsvText(text: string, file: string): Box {
  const lines = text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== "" && !l.startsWith("#"));
  if (lines.length > 0 && !/^[-+.\d]/.test(lines[0]!)) lines.shift();
  const lo: number[] = [], hi: number[] = [];
  lines.forEach((l, i) => {
    const cells = l.split(/[,;\s]+/);
    if (cells.length !== 2) fail("BAD_DATA", `line ${i + 1}: expected 'lo,hi', got '${l}'`, { file });
    lo.push(num(cells[0]!, `${baseName(file)} line ${i + 1}`)); hi.push(num(cells[1]!, `${baseName(file)} line ${i + 1}`));
  });
  return makeBox(Float64Array.from(lo), Float64Array.from(hi), baseName(file));
}

/** The input box of a VNN-LIB property's text. */
export function boxFromVnnlibText(text: string, file: string): Box {
  const prop = parseVnnlib(text, file);
  return { ...prop.box, source: baseName(file) };
}

function needFiles(files: SpecFiles | undefined, spec: string): SpecFiles {
  if (!files) fail("BAD_ARGUMENT", `'${spec}' names a file, but no file reader was handed in (in the browser, give the bounds as 'lo:hi' or read the file yourself)`);
  return files;
}

/** Parse a box spec for n inputs (see the file comment); the box must have exactly n inputs. */
export function parseBoxSpec(spec: string, n: number, files?: SpecFiles): Box {
  const ext = extName(spec);
  let box: Box;
  const looksNumeric = /^[-+\d.eE:,\s]+$/.test(spec);
  if (ext === ".vnnlib" || (!looksNumeric && ext === "" && files?.exists?.(spec))) {
    box = boxFromVnnlibText(needFiles(files, spec).readText(spec, "the VNN-LIB property"), spec);
  } else if (ext === ".json") box = boxFromJsonText(needFiles(files, spec).readText(spec, "the box file"), spec);
  else if (ext === ".csv" || ext === ".txt") box = boxFromCsvText(needFiles(files, spec).readText(spec, "the box file"), spec);
  else {
    const parts = spec.split(",");
    const pairs = parts.map((p) => {
      const ends = p.split(":");
      if (ends.length === 1) { const v = num(ends[0]!, `--box '${spec}'`); return [v, v] as const; }
      if (ends.length !== 2) fail("BAD_ARGUMENT", `--box '${spec}': '${p}' must be 'lo:hi' or a number`);
      return [num(ends[0]!, `--box '${spec}'`), num(ends[1]!, `--box '${spec}'`)] as const;
    });
    if (pairs.length === 1) return uniformBox(n, pairs[0]![0], pairs[0]![1], `--box ${spec}`);
    if (pairs.length !== n) fail("DOMAIN_MISMATCH", `box '${spec}' has ${pairs.length} intervals, the network has ${n} inputs; give one 'lo:hi' per input or a single 'lo:hi' for all`);
    box = makeBox(Float64Array.from(pairs, (p) => p[0]), Float64Array.from(pairs, (p) => p[1]), `--box ${spec}`);
  }
  if (box.lower.length !== n) fail("DOMAIN_MISMATCH", `the box '${spec}' has ${box.lower.length} inputs, the network has ${n}; give one interval per input or 'lo:hi' for all`);
  return box;
}
