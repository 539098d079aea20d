// Between tests, let each worker's event loop reach its I/O poll phase. Tests that compute synchronously
// run back to back on microtasks alone; a file of them (exact regions on every shared model, ~60 s) then
// starves the worker's RPC channel, and vitest reports "Timeout calling onTaskUpdate" — an unhandled
// error that fails the run although every test passed.
import { afterEach, beforeEach } from "vitest";

const breathe = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
beforeEach(breathe);
afterEach(breathe);
