import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { ROOT } from "../helpers/shared.js";

function netsize(args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [path.join(ROOT, "bin", "netsize.js"), ...args], { cwd: ROOT, encoding: "utf8" });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("netsize train (CLI)", () => {
  it("trains, prints a summary, writes the run folder; --resume raises the epochs", () => {
    const out = path.join(mkdtempSync(path.join(os.tmpdir(), "netsize-cli-")), "run");
    const a = netsize(["train", "--arch", "2-8-2", "--data", "moons:n=100", "--epochs", "2", "--batch", "25", "--seed", "3", "--snapshot-every", "1", "--out", out, "--quiet"]);
    expect(a.stderr).toBe("");
    expect(a.code).toBe(0);
    expect(a.stdout).toMatch(/2-8-2 on moons:n=100 \(100 samples\), 2 epochs, seed 3, wasm/);
    expect(a.stdout).toMatch(/test accuracy \d+\.\d\d %/);
    const b = netsize(["train", "--out", out, "--resume", "--epochs", "3", "--json", "--quiet"]);
    expect(b.code).toBe(0);
    const r = JSON.parse(b.stdout);
    expect(r.schema).toBe("netsize.train/1");
    expect(r.resumedFrom).toEqual({ epoch: 2, step: 8 });
    expect(r.epochs.map((m: { epoch: number }) => m.epoch)).toEqual([1, 2, 3]);
    expect(r.snapshots.map((s: { name: string }) => s.name)).toEqual(["epoch-0000", "epoch-0001", "epoch-0002", "epoch-0003"]);
    expect(readFileSync(path.join(out, "metrics.jsonl"), "utf8").trim().split("\n")).toHaveLength(3);
  });

  it("bad arguments are one line and exit 2", () => {
    const r = netsize(["train", "--arch", "2-8-2", "--data", "moons", "--norm", "l3"]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(/^netsize: BAD_ARGUMENT: --norm must be one of none, l2, l1, linf/);
    const s = netsize(["train", "--arch", "5-8-2", "--data", "moons"]);
    expect(s.code).toBe(1);
    expect(s.stderr).toMatch(/^netsize: SHAPE_MISMATCH: the training data has 2 features per sample; the architecture takes 5/);
  });
});
