// Running a report's lenses: each job in a worker thread within its budget, one progress bar over all
// of them, and every failure or overrun a "skipped: why" entry instead of an error.
import { isNetsizeError, printable } from "../core/errors.js";
import type { Progress } from "../core/lens.js";
import type { Network } from "../core/network.js";
import type { LensName } from "../lenses/registry.js";
import type { ReportEntry, ReportJob } from "../report/plan.js";
import { runLens } from "./run-lens.js";

/** Extra seconds past a lens's own budget before its worker is stopped (lenses with a time limit finish their stage). */
const GRACE_S = 15;

/** One bar over many jobs: job k of n owns the slice [k, k+1) of the bar. */
export class ReportProgress {
  constructor(private readonly onProgress: (p: Progress) => void, private readonly total: number) {}
  private k = 0;

  /** The callback for the next job (its fraction of work mapped into its slice). */
  next(label: string): (p: Progress) => void {
    const k = this.k++;
    this.onProgress({ done: k * 100, total: this.total * 100, stage: label });
    return (p) => {
      const f = p.total ? Math.min(1, p.done / p.total) : 0;
      this.onProgress({ done: Math.floor((k + f) * 100), total: this.total * 100, stage: `${label}${p.stage ? `: ${p.stage}` : ""}` });
    };
  }

  finish(): void {
    this.onProgress({ done: this.total * 100, total: this.total * 100, stage: "writing" });
  }
}

function whyOf(e: unknown, job: ReportJob): string {
  if (isNetsizeError(e, "LIMIT_EXCEEDED") && e.message.includes("ran past its budget")) return `ran out of budget: stopped after its ${job.budget} s budget (and ${GRACE_S} s of grace)`;
  if (isNetsizeError(e)) return e.code === "LIMIT_EXCEEDED" ? `ran out of budget or limits: ${e.message}` : `failed: ${e.code}: ${e.message}`;
  return `failed: ${printable(e instanceof Error ? e.message : String(e), 300)}`;
}

/** Run one job; its failure or overrun becomes a skipped entry (with any partial result). */
export async function runJob(net: Network, job: ReportJob, onProgress: (p: Progress) => void): Promise<ReportEntry> {
  const t0 = performance.now();
  try {
    const result = await runLens(job.lens as LensName, net, job.input as never, job.options, { onProgress, engine: "onnxruntime", timeoutMs: (job.budget + GRACE_S) * 1000 });
    return { lens: job.lens, status: "ok", result, input: job.what, seconds: (performance.now() - t0) / 1000, budget: job.budget };
  } catch (e) {
    const partial = isNetsizeError(e) ? e.partial : undefined;
    return { lens: job.lens, status: "skipped", why: whyOf(e, job), input: job.what, seconds: (performance.now() - t0) / 1000, budget: job.budget, ...(partial !== undefined ? { partial } : {}) };
  }
}
