// The counts a sweep reports as it goes (the CLI draws them as one progress bar).

/** Jobs done, running, failed and skipped (already in the store), and the seconds left by the rate so far. */
export interface SweepProgress {
  total: number;
  done: number;
  running: number;
  failed: number;
  skipped: number;
  /** Estimated seconds to the end (undefined before the first job ends). */
  eta?: number;
}

/** A progress tracker: call start/finish as jobs go (requeue for a started job put back); `snapshot` is what to report. */
export function tracker(total: number, skipped: number): { start(): void; finish(ok: boolean): void; requeue(): void; snapshot(): SweepProgress } {
  const t0 = performance.now();
  let done = 0, running = 0, failed = 0;
  return {
    start: () => { running++; },
    finish: (ok) => { running = Math.max(0, running - 1); if (ok) done++; else failed++; },
    requeue: () => { running = Math.max(0, running - 1); },
    snapshot: () => {
      const finished = done + failed, left = total - skipped - finished;
      const eta = finished > 0 ? ((performance.now() - t0) / 1000 / finished) * left : undefined;
      return { total, done: done + skipped, running, failed, skipped, ...(eta !== undefined ? { eta } : {}) };
    },
  };
}
