// The sweep's public face for the CLI: plans, the local pool, BullMQ, the DuckDB store and its summary.
// Not browser-safe (processes, Redis, native DuckDB); faces load it lazily.
export { loadPlan, parsePlan, jobId, canonicalJson, netsizeVersion, MAX_JOBS } from "./plan.js";
export type { SweepPlan, SweepJob, LensSpec, LensInputSpec } from "./plan.js";
export { runJob } from "./job.js";
export type { JobOutput, LensRow } from "./job.js";
export { headlineScalars } from "./headline.js";
export { runLocal, pendingJobs } from "./local.js";
export type { SweepRunOptions, SweepSummary } from "./local.js";
export { runQueued, runWorker, connectionFor, hasRedisClient, QUEUE_NAME, MAX_STALLED } from "./queue.js";
export type { WorkerOptions } from "./queue.js";
export { SweepStore } from "./store.js";
export type { StoredJob } from "./store.js";
export { summarise } from "./results.js";
export type { SummaryTable } from "./results.js";
export type { SweepProgress } from "./progress.js";
