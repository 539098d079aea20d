// VNN-LIB properties: the input box from the bounds on X_i, the output condition kept as text.
import { baseName } from "../names.js";
import { Box, makeBox } from "../domain.js";
import { fail, printable } from "../errors.js";

/** A VNN-LIB property: its input box and the output condition kept as text. */
export interface VnnlibProperty {
  box: Box;
  /** The output constraints as the original s-expressions (asserts over Y_i). */
  outputCondition: string[];
  numInputs: number;
  numOutputs: number;
}

/** Deepest nesting of parentheses a VNN-LIB file may have. */
export const MAX_VNNLIB_DEPTH = 256;

/** A parsed s-expression with its place in the text. */
type Sexp = { atom: string; start: number; end: number } | { list: Sexp[]; start: number; end: number };

function parseSexps(text: string, file?: string): Sexp[] {
  let i = 0;
  const line = (p: number): number => text.slice(0, p).split("\n").length;
  const skip = (): void => {
    for (;;) {
      while (i < text.length && /\s/.test(text[i]!)) i++;
      if (text[i] !== ";") return;
      while (i < text.length && text[i] !== "\n") i++;
    }
  };
  const one = (depth: number): Sexp => {
    skip();
    const start = i;
    if (text[i] === "(") {
      // Parsing and the walks below recurse once per level: bound the depth instead of the stack.
      if (depth >= MAX_VNNLIB_DEPTH) fail("BAD_DATA", `s-expressions nested more than ${MAX_VNNLIB_DEPTH} levels deep (line ${line(start)}); VNN-LIB properties nest a few levels — the file is corrupt`, { file });
      i++;
      const list: Sexp[] = [];
      for (;;) {
        skip();
        if (i >= text.length) fail("BAD_DATA", `unbalanced '(' opened on line ${line(start)}`, { file });
        if (text[i] === ")") { i++; break; }
        list.push(one(depth + 1));
      }
      return { list, start, end: i };
    }
    if (text[i] === ")") fail("BAD_DATA", `unexpected ')' on line ${line(i)}`, { file });
    while (i < text.length && !/[\s();]/.test(text[i]!)) i++;
    return { atom: text.slice(start, i), start, end: i };
  };
  const out: Sexp[] = [];
  for (skip(); i < text.length; skip()) out.push(one(0));
  return out;
}

const VAR = /^([XY])_(\d+)$/;

function vars(e: Sexp, into: Set<string>): Set<string> {
  if ("atom" in e) {
    const m = VAR.exec(e.atom);
    if (m) into.add(m[1]!);
  } else e.list.forEach((x) => vars(x, into));
  return into;
}

/** Parse a VNN-LIB property; every declared input must get a lower and an upper bound. */
export function parseVnnlib(text: string, file?: string): VnnlibProperty {
  const where = { file };
  const forms = parseSexps(text, file);
  const declared = { X: new Set<number>(), Y: new Set<number>() };
  const lower = new Map<number, number>(), upper = new Map<number, number>();
  const outputCondition: string[] = [];
  const bound = (e: Sexp, src: string): void => {
    if ("atom" in e) fail("DOMAIN_MISMATCH", `input constraint '${printable(src, 80)}' is not a bound`, where);
    const first = e.list[0];
    const head = first && "atom" in first ? first.atom : "";
    if (head === "and") { e.list.slice(1).forEach((x) => bound(x, src)); return; }
    const [a, b] = [e.list[1], e.list[2]];
    if (!["<=", ">=", "<", ">"].includes(head) || e.list.length !== 3 || !a || !b || !("atom" in a) || !("atom" in b)) {
      fail("DOMAIN_MISMATCH", `input constraint '${printable(src, 80)}' is not a box bound (X_i <= c, X_i >= c); netsize reads box properties`, where);
    }
    const va = VAR.exec(a.atom), vb = VAR.exec(b.atom);
    if ((va ? 1 : 0) + (vb ? 1 : 0) !== 1) fail("DOMAIN_MISMATCH", `input constraint '${printable(src, 80)}' must compare one X_i with a number`, where);
    const idx = Number((va ?? vb)![2]);
    const c = Number(va ? b.atom : a.atom);
    if (!Number.isFinite(c)) fail("BAD_DATA", `'${printable(va ? b.atom : a.atom, 40)}' in '${printable(src, 80)}' is not a number`, where);
    // X <= c and c >= X are upper bounds; the rest are lower bounds.
    const isUpper = (head[0] === "<") === !!va;
    if (isUpper) upper.set(idx, Math.min(upper.get(idx) ?? Infinity, c));
    else lower.set(idx, Math.max(lower.get(idx) ?? -Infinity, c));
  };
  for (const f of forms) {
    const src = text.slice(f.start, f.end);
    if ("atom" in f || f.list.length === 0 || !("atom" in f.list[0]!)) fail("BAD_DATA", `unexpected '${printable(src, 40)}'`, where);
    const head = (f.list[0] as { atom: string }).atom;
    if (head === "declare-const") {
      const name = f.list[1] && "atom" in f.list[1] ? f.list[1].atom : "";
      const m = VAR.exec(name);
      if (!m) fail("BAD_DATA", `declared constant '${printable(name, 40)}' is neither X_i nor Y_i`, where);
      declared[m[1] as "X" | "Y"].add(Number(m[2]));
    } else if (head === "assert") {
      const body = f.list[1];
      if (!body) fail("BAD_DATA", "empty assert", where);
      const kinds = vars(body, new Set());
      if (kinds.has("Y")) {
        if (kinds.has("X")) fail("DOMAIN_MISMATCH", `'${printable(src, 80)}' mixes inputs and outputs; netsize reads a box on X and a condition on Y`, where);
        outputCondition.push(src);
      } else bound(body, src);
    } else fail("BAD_DATA", `unknown command '${printable(head, 40)}'`, where);
  }
  const n = declared.X.size, m = declared.Y.size;
  if (n === 0) fail("DOMAIN_MISMATCH", "no input X_i is declared", where);
  for (const [k, set] of [["X", declared.X], ["Y", declared.Y]] as const) {
    for (const i of set) if (i >= set.size) fail("BAD_DATA", `${k}_${i} is declared but ${k}_0..${k}_${set.size - 1} are expected`, where);
  }
  for (const i of [...lower.keys(), ...upper.keys()]) if (!declared.X.has(i)) fail("BAD_DATA", `X_${i} is bounded but not declared`, where);
  const missing = [...Array(n).keys()].filter((i) => !lower.has(i) || !upper.has(i));
  if (missing.length) {
    const names = missing.slice(0, 5).map((i) => `X_${i} (${!lower.has(i) ? "lower" : ""}${!lower.has(i) && !upper.has(i) ? "+" : ""}${!upper.has(i) ? "upper" : ""})`);
    fail("DOMAIN_MISMATCH", `no ${missing.length > 1 ? "bounds" : "bound"} for ${names.join(", ")}${missing.length > 5 ? ` and ${missing.length - 5} more` : ""}; every input needs both`, where);
  }
  const lo = Float64Array.from([...Array(n).keys()].map((i) => lower.get(i)!));
  const hi = Float64Array.from([...Array(n).keys()].map((i) => upper.get(i)!));
  for (let i = 0; i < n; i++) if (lo[i]! > hi[i]!) fail("DOMAIN_MISMATCH", `X_${i} has lower bound ${lo[i]} above its upper bound ${hi[i]}`, where);
  return { box: makeBox(lo, hi, `vnnlib ${file ? baseName(file) : ""}`.trim()), outputCondition, numInputs: n, numOutputs: m };
}
