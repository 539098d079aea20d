// SIGINT and SIGTERM during a long command (issue 16 D): one stderr line, exit 130 / 143 at once, and
// nothing written — two outputs asked for are written both or neither.
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { OutputStage } from "../../src/cli/outputs.js";
import { cleanupNow } from "../../src/cli/signals.js";
import { HAVE_SHARED, model, ROOT } from "../helpers/shared.js";

const dir = mkdtempSync(path.join(tmpdir(), "netsize-signals-"));
const f = (name: string): string => path.join(dir, name);

interface Interrupted { code: number | null; signal: NodeJS.Signals | null; stderr: string; stdout: string; exitMs: number }

/**
 * Start `netsize ...args`, send `sig` after `afterMs` (the run takes minutes, so it is still busy),
 * and report how it ended and how long after the signal. A process that ignored the signal is
 * killed after `patienceMs` and reads as signal SIGKILL.
 */
function interrupt(args: string[], sig: NodeJS.Signals, afterMs = 6000, patienceMs = 60_000): Promise<Interrupted> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(ROOT, "bin/netsize.js"), ...args], { cwd: ROOT, env: { ...process.env, NETSIZE_DEBUG: "" } });
    let stderr = "", stdout = "", sentAt = 0;
    child.stderr.on("data", (d: Buffer) => { stderr += d.toString(); });
    child.stdout.on("data", (d: Buffer) => { stdout += d.toString(); });
    const send = setTimeout(() => {
      sentAt = performance.now();
      child.kill(sig);
      setTimeout(() => child.kill("SIGKILL"), patienceMs).unref();
    }, afterMs);
    child.on("exit", (code, signal) => {
      clearTimeout(send);
      resolve({ code, signal, stderr, stdout, exitMs: sentAt ? performance.now() - sentAt : -1 });
    });
  });
}

function expectInterrupted(r: Interrupted, sig: "SIGINT" | "SIGTERM"): void {
  expect(r.exitMs, "still running when the signal came").toBeGreaterThan(0);
  expect(r.signal).toBe(null);
  expect(r.code).toBe(sig === "SIGINT" ? 130 : 143);
  expect(r.stderr).toBe(`netsize: ABORTED: interrupted by ${sig} (nothing was written)\n`);
  expect(r.stdout).toBe("");
  // Prompt: the lens runs in a worker, so the main thread answers at once (a busy main thread would finish the MILP first).
  expect(r.exitMs).toBeLessThan(15_000);
}

describe("staged outputs", () => {
  it("are all removed by an interrupt's cleanup, and all present after commit", async () => {
    const a = new OutputStage();
    await a.put(f("a1.json"), "{}\n");
    await a.put(f("a2.onnx"), new Uint8Array([1, 2, 3]));
    cleanupNow();
    expect(readdirSync(dir)).toEqual([]);
    const b = new OutputStage();
    await b.put(f("b1.json"), "{}\n");
    await b.put(f("b2.onnx"), new Uint8Array([1, 2, 3]));
    b.commit();
    expect(readdirSync(dir).sort()).toEqual(["b1.json", "b2.onnx"]);
  });
});

describe.skipIf(!HAVE_SHARED)("interrupting long commands", () => {
  const mlp = model("vnncomp2021/mnist_relu_9_200.onnx");

  it("SIGINT during stability --method milp: exit 130, one line, no --json file", async () => {
    const out = f("stab.json");
    const r = await interrupt(["stability", mlp, "--box", "0:1", "--method", "milp", "--json", out, "--quiet"], "SIGINT");
    expectInterrupted(r, "SIGINT");
    expect(existsSync(out)).toBe(false);
  });

  it("SIGTERM during compress with -o and --json: exit 143, neither file", async () => {
    const onnx = f("small.onnx"), json = f("report.json");
    const r = await interrupt(["compress", mlp, "--box", "0:1", "--method", "milp", "-o", onnx, "--json", json, "--quiet"], "SIGTERM");
    expectInterrupted(r, "SIGTERM");
    expect([existsSync(onnx), existsSync(json)]).toEqual([false, false]);
  });

  it("SIGINT during a large slice with --json and --svg: exit 130, neither file", async () => {
    const json = f("slice.json"), svg = f("slice.svg");
    // A raised memory limit: at the default the region list's bytes stop this slice with LIMIT_EXCEEDED in ~4 s, before the signal.
    const r = await interrupt(["regions", model("vnncomp2021/mnist-net_256x6.onnx"), "--plane", "idx:0;idx:1;idx:2", "--half-width", "1000", "--max-memory-mb", "8192", "--json", json, "--svg", svg, "--quiet"], "SIGINT");
    expectInterrupted(r, "SIGINT");
    expect([existsSync(json), existsSync(svg)]).toEqual([false, false]);
    expect(readdirSync(dir).filter((n) => n.endsWith(".tmp"))).toEqual([]);
  });
});
