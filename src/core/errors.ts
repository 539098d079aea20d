/** Stable error codes; a face maps each to one line and a non-zero exit. */
export const ERROR_CODES = {
  BAD_MODEL: "the file is not a readable model (empty, truncated, corrupt, or inconsistent)",
  UNSUPPORTED_OP: "the model uses an operator netsize does not support",
  BAD_WEIGHTS: "a weight, bias or parameter (slope, clip bound, pad value) is NaN or infinite",
  SHAPE_MISMATCH: "tensor shapes do not fit together",
  EXTERNAL_DATA: "an external-data reference is missing or points outside the model's folder",
  NOT_PIECEWISE_LINEAR: "an exact lens needs a piecewise-linear network",
  DOMAIN_MISMATCH: "the domain does not fit the network's input",
  BAD_DATA: "a data file could not be read",
  BAD_ARGUMENT: "a command-line or API argument is invalid",
  LIMIT_EXCEEDED: "a configured limit (regions, time, memory) was reached",
  IO_ERROR: "a file could not be read or written",
  SOLVER_ERROR: "the LP/MILP solver failed",
  TRAIN_ERROR: "training failed",
  ABORTED: "the computation was cancelled",
  QUEUE_ERROR: "the job queue (Redis through BullMQ) could not be used",
} as const;

/** One of netsize's stable error codes. */
export type ErrorCode = keyof typeof ERROR_CODES;

/** Where an error happened: the file and the node (ONNX node, layer, line) it concerns. */
export interface ErrorWhere {
  file?: string;
  node?: string;
}

/** Characters that must not reach a terminal raw: C0/C1 controls, DEL, line/paragraph separators, bidi overrides, BOM, lone surrogates. */
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
const NAMED: Record<string, string> = { "\n": "\\n", "\r": "\\r", "\t": "\\t", "\u001b": "\\e" };

/** Escape what a terminal would interpret (controls, ESC sequences, line breaks, bidi overrides), as \n, \e, \xHH or \u{HHHH}. */
export function escapeControls(s: string): string {
  return s.replace(UNSAFE, (ch) => {
    const named = NAMED[ch];
    if (named) return named;
    const c = ch.charCodeAt(0);
    return c <= 0xff ? `\\x${c.toString(16).padStart(2, "0")}` : `\\u{${c.toString(16)}}`;
  });
}

/**
 * A string that came from a file (node or layer name, op type, header fragment, cell), made safe to
 * print in a message or a table: controls escaped and at most `max` characters (the rest elided as
 * "…(+N)"). One helper for every such string, so no file can break a one-line error or a table.
 */
export function printable(s: unknown, max = 80): string {
  const raw = String(s);
  const text = escapeControls(raw);
  if (text.length <= max) return text;
  // Cut between characters of the raw string, never inside an escape; "(+N)" counts raw characters left.
  let out = "", i = 0;
  while (i < raw.length) {
    const c = raw.charCodeAt(i), w = c >= 0xd800 && c <= 0xdbff && i + 1 < raw.length ? 2 : 1;
    const piece = escapeControls(raw.slice(i, i + w));
    if (out.length + piece.length > Math.max(1, max - 8)) break;
    out += piece; i += w;
  }
  return `${out}…(+${raw.length - i})`;
}

/** Longest message a NetsizeError keeps (a message is one line of a terminal report, not a dump). */
const MAX_MESSAGE = 2000;

/** The one error type netsize throws; `code` is stable, `message` names file, node and what to do. */
export class NetsizeError extends Error {
  readonly code: ErrorCode;
  readonly file?: string;
  readonly node?: string;
  /** Partial result carried by LIMIT_EXCEEDED and similar outcomes (JSON-serialisable). */
  readonly partial?: unknown;
  /** The message without its "file: node …:" prefix (escaped), for re-raising with more context. */
  readonly detail: string;

  constructor(code: ErrorCode, message: string, where: ErrorWhere = {}, partial?: unknown) {
    // File and node names come from the command line and from files: escape and bound them, and
    // escape the message too, so an error is always one printable line whatever a file holds.
    const prefix = [where.file ? printable(where.file, 300) : undefined, where.node ? `node ${printable(where.node, 120)}` : undefined].filter(Boolean).join(": ");
    super(printable(prefix ? `${prefix}: ${message}` : message, MAX_MESSAGE));
    this.detail = printable(message, MAX_MESSAGE);
    this.name = "NetsizeError";
    this.code = code;
    this.file = where.file;
    this.node = where.node;
    this.partial = partial;
  }
}

/** Shorthand for throwing a NetsizeError. */
export function fail(code: ErrorCode, message: string, where: ErrorWhere = {}, partial?: unknown): never {
  throw new NetsizeError(code, message, where, partial);
}

/** True when `e` is a NetsizeError (optionally with the given code). */
export function isNetsizeError(e: unknown, code?: ErrorCode): e is NetsizeError {
  return e instanceof NetsizeError && (code === undefined || e.code === code);
}
