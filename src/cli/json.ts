// JSON text of results, piece by piece: a slice with a million regions is hundreds of megabytes of
// text, more than one JavaScript string may hold, so it is produced in chunks and streamed, and its
// size is estimated (from a sample of each long list) before any of it is built.

/** Typed arrays become plain arrays and objects with toJSON their JSON form, so every result serialises the same way. */
function plain(v: unknown): unknown {
  if (ArrayBuffer.isView(v) && !(v instanceof DataView)) return Array.from(v as unknown as ArrayLike<number>);
  if (v !== null && typeof v === "object" && typeof (v as { toJSON?: unknown }).toJSON === "function") return (v as { toJSON: () => unknown }).toJSON();
  return v;
}

const isLeaf = (v: unknown): boolean => v === null || typeof v !== "object";
const isNumeric = (v: unknown): boolean => ArrayBuffer.isView(v) && !(v instanceof DataView);
/** Arrays of scalars, or of arrays of scalars (points, polygons), stay on one line. */
const isFlat = (a: readonly unknown[]): boolean => a.every((x) => isNumeric(x) || (() => { const p = plain(x); return isLeaf(p) || (Array.isArray(p) && p.every((y) => isNumeric(y) || isLeaf(plain(y)))); })());
const replacer = (_k: string, x: unknown): unknown => plain(x);
const entriesOf = (v: object): [string, unknown][] => Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== undefined && typeof x !== "function");

/** Elements of a one-line list per chunk. */
const FLAT_CHUNK = 4096;

/**
 * The indented JSON of a value (number lists on one line, so large results stay readable and
 * compact), as a sequence of pieces: concatenated they are the whole text, but no piece is larger
 * than a few thousand list elements.
 */
export function* jsonChunks(value: unknown, pad = ""): Generator<string> {
  if (isNumeric(value)) {
    const a = value as unknown as ArrayLike<number>;
    if (a.length === 0) { yield "[]"; return; }
    for (let i = 0; i < a.length; i += FLAT_CHUNK) {
      const part = JSON.stringify(Array.from(Array.prototype.slice.call(a, i, i + FLAT_CHUNK) as number[]));
      yield (i === 0 ? "[" : ",") + part.slice(1, -1);
    }
    yield "]";
    return;
  }
  const v = plain(value);
  if (isLeaf(v)) { yield JSON.stringify(v) ?? "null"; return; }
  const inner = `${pad}  `;
  if (Array.isArray(v)) {
    if (v.length === 0) { yield "[]"; return; }
    if (isFlat(v)) {
      for (let i = 0; i < v.length; i += FLAT_CHUNK) {
        const part = JSON.stringify(v.slice(i, i + FLAT_CHUNK).map(plain), replacer);
        yield (i === 0 ? "[" : ",") + part.slice(1, -1);
      }
      yield "]";
      return;
    }
    yield "[\n";
    for (let i = 0; i < v.length; i++) {
      yield inner;
      yield* jsonChunks(v[i], inner);
      yield i < v.length - 1 ? ",\n" : "\n";
    }
    yield `${pad}]`;
    return;
  }
  const entries = entriesOf(v as object);
  if (entries.length === 0) { yield "{}"; return; }
  yield "{\n";
  for (let i = 0; i < entries.length; i++) {
    const [k, x] = entries[i]!;
    yield `${inner}${JSON.stringify(k)}: `;
    yield* jsonChunks(x, inner);
    yield i < entries.length - 1 ? ",\n" : "\n";
  }
  yield `${pad}}`;
}

/** JSON text of a small result (see jsonChunks), newline-terminated. Large results are streamed with writeJson. */
export function toJson(value: unknown): string {
  let s = "";
  for (const c of jsonChunks(value)) s += c;
  return `${s}\n`;
}

/** Lists longer than this are estimated from this many evenly spaced elements. */
const SAMPLE = 24;

/**
 * An estimate of the length of toJson(value) in bytes (UTF-8), from a sample of every long list:
 * cheap for any size, and within a few per cent for results whose list elements are alike.
 */
export function estimateJsonBytes(value: unknown, pad = 0): number {
  if (isNumeric(value)) {
    const a = value as unknown as ArrayLike<number>;
    return 2 + Math.max(0, a.length - 1) + sampled(a.length, (i) => JSON.stringify(a[i]).length);
  }
  const v = plain(value);
  if (isLeaf(v)) return Buffer.byteLength(JSON.stringify(v) ?? "null");
  if (Array.isArray(v)) {
    if (v.length === 0) return 2;
    if (v.length <= SAMPLE ? isFlat(v) : isFlat(pick(v))) {
      return 2 + (v.length - 1) + sampled(v.length, (i) => Buffer.byteLength(JSON.stringify(plain(v[i]), replacer) ?? "null"));
    }
    return 4 + pad + sampled(v.length, (i) => pad + 4 + estimateJsonBytes(v[i], pad + 2));
  }
  let n = 4 + pad;
  for (const [k, x] of entriesOf(v as object)) n += pad + 6 + k.length + estimateJsonBytes(x, pad + 2);
  return n;
}

/** Evenly spaced elements of a long list. */
function pick<T>(v: readonly T[]): T[] {
  return Array.from({ length: SAMPLE }, (_, j) => v[Math.floor((j * (v.length - 1)) / (SAMPLE - 1))]!);
}

/** Σ size(i) over i < n, exactly up to SAMPLE elements, else the mean of SAMPLE evenly spaced ones times n. */
function sampled(n: number, size: (i: number) => number): number {
  if (n <= SAMPLE) {
    let s = 0;
    for (let i = 0; i < n; i++) s += size(i);
    return s;
  }
  let s = 0;
  for (let j = 0; j < SAMPLE; j++) s += size(Math.floor((j * (n - 1)) / (SAMPLE - 1)));
  return Math.ceil((s / SAMPLE) * n);
}
