/** Stable error codes; a face maps each to one line and a non-zero exit. */
export const ERROR_CODES = {
  BAD_MODEL: "the file is not a readable model (empty, truncated, corrupt, or inconsistent)",
  UNSUPPORTED_OP: "the model uses an operator netsize does not support",
  BAD_WEIGHTS: "a weight or bias is NaN or infinite",
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
} as const;

/** One of netsize's stable error codes. */
export type ErrorCode = keyof typeof ERROR_CODES;

/** Where an error happened: the file and the node (ONNX node, layer, line) it concerns. */
export interface ErrorWhere {
  file?: string;
  node?: string;
}

/** The one error type netsize throws; `code` is stable, `message` names file, node and what to do. */
export class NetsizeError extends Error {
  readonly code: ErrorCode;
  readonly file?: string;
  readonly node?: string;
  /** Partial result carried by LIMIT_EXCEEDED and similar outcomes (JSON-serialisable). */
  readonly partial?: unknown;

  constructor(code: ErrorCode, message: string, where: ErrorWhere = {}, partial?: unknown) {
    const prefix = [where.file, where.node ? `node ${where.node}` : undefined].filter(Boolean).join(": ");
    super(prefix ? `${prefix}: ${message}` : message);
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
