// Every file netsize reads is opened without blocking, checked to be a regular file and read with a
// size bound (issue 16 B): a FIFO (which would block forever), /dev/zero (which never ends), a folder
// or an oversized file each fail at once with a stable code. The spawned CLI gets a finite timeout:
// a hang is a killed process (code -1), never a pass.
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { MAX_MODEL_BYTES, MAX_TEXT_BYTES } from "../../src/node/read.js";
import { attr, init, model, node, vinfo } from "../io/onnx-build.js";
import { CliRun, errorLine, netsize } from "./run.js";

const dir = mkdtempSync(path.join(tmpdir(), "netsize-nonregular-"));

function mkfifo(p: string): boolean {
  try {
    execFileSync("mkfifo", [p]);
    return true;
  } catch {
    return false;
  }
}
const HAVE_MKFIFO = mkfifo(path.join(dir, "probe.fifo"));

/** x[N,3] → Gemm → ReLU → y[N,2]; W embedded or stored in external file `location`. */
function gemm(location?: string): Uint8Array {
  const W = location === undefined
    ? init("W", [2, 3], [1, -2, 3, -4, 5, -6])
    : { name: "W", dims: [2, 3], dataType: 1, dataLocation: 1, externalData: [{ key: "location", value: location }] };
  return model({
    input: vinfo("x", ["N", 3]), output: vinfo("y", ["N", 2]), inits: [W, init("b", [2], [0, 0])],
    nodes: [node("Gemm", ["x", "W", "b"], ["h"], [attr("transB", 1)], "fc1"), node("Relu", ["h"], ["y"], [], "relu1")],
  });
}
const good = path.join(dir, "good.onnx");
writeFileSync(good, gemm());

/** Run with a finite timeout (a hang is killed and reads as code -1). */
const run = (args: string[]): Promise<CliRun> => netsize(args, { timeoutMs: 90_000 });

function expectError(r: CliRun, code: string, exit: number, msg: RegExp): void {
  expect(errorLine(r).code).toBe(code);
  expect(r.code).toBe(exit);
  expect(errorLine(r).line).toMatch(msg);
}

describe("non-regular and oversized inputs fail at once", () => {
  it.skipIf(!HAVE_MKFIFO)("a FIFO as the model is IO_ERROR", async () => {
    const p = path.join(dir, "pipe.onnx");
    mkfifo(p);
    expectError(await run(["info", p]), "IO_ERROR", 1, /pipe\.onnx: the model is a named pipe \(FIFO\), not a regular file/);
  });

  it.skipIf(!HAVE_MKFIFO)("a FIFO as external data is EXTERNAL_DATA naming the model and node", async () => {
    const sub = path.join(dir, "ext");
    mkdirSync(sub);
    mkfifo(path.join(sub, "w.bin"));
    const m = path.join(sub, "m.onnx");
    writeFileSync(m, gemm("w.bin"));
    expectError(await run(["info", m]), "EXTERNAL_DATA", 1, /m\.onnx: node fc1 \(Gemm\): tensor 'W': external data 'w\.bin' is a named pipe/);
  });

  it.skipIf(!HAVE_MKFIFO)("a FIFO as a --box / --vnnlib file is IO_ERROR, with or without an extension", async () => {
    for (const name of ["box.vnnlib", "box.json", "box.csv", "box"]) {
      const p = path.join(dir, name);
      mkfifo(p);
      expectError(await run(["stability", good, "--box", p, "--method", "ibp"]), "IO_ERROR", 1, /is a named pipe \(FIFO\), not a regular file/);
    }
    expectError(await run(["stability", good, "--vnnlib", path.join(dir, "box.vnnlib"), "--method", "ibp"]), "IO_ERROR", 1, /named pipe/);
  });

  it.skipIf(!HAVE_MKFIFO)("a FIFO as --data or --labels is BAD_DATA", async () => {
    const p = path.join(dir, "data.csv");
    mkfifo(p);
    expectError(await run(["eval", good, "--data", p, "--quiet"]), "BAD_DATA", 1, /named pipe/);
    const x = path.join(dir, "x.npy");
    // A valid 1×3 float64 NPY file, with a FIFO for its labels.
    const header = "{'descr': '<f8', 'fortran_order': False, 'shape': (1, 3), }";
    const pad = 64 - ((10 + header.length + 1) % 64);
    const head = `${header}${" ".repeat(pad % 64)}\n`;
    const bytes = new Uint8Array(10 + head.length + 24);
    bytes.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, head.length & 255, head.length >> 8]);
    bytes.set(new TextEncoder().encode(head), 10);
    writeFileSync(x, bytes);
    const labels = path.join(dir, "y.npy");
    mkfifo(labels);
    expectError(await run(["eval", good, "--data", x, "--labels", labels, "--quiet"]), "BAD_DATA", 1, /NPY labels is a named pipe/);
  });

  it("/dev/zero and a folder as the model are IO_ERROR", async () => {
    expectError(await run(["info", "/dev/zero"]), "IO_ERROR", 1, /the model is a character device, not a regular file/);
    expectError(await run(["info", dir]), "IO_ERROR", 1, /the model is a directory, not a regular file/);
  });

  it("a model over MAX_MODEL_BYTES and a box file over MAX_TEXT_BYTES are LIMIT_EXCEEDED naming the limit (sparse files, nothing read)", async () => {
    const big = path.join(dir, "big.onnx");
    writeFileSync(big, "");
    truncateSync(big, MAX_MODEL_BYTES + 1);
    expectError(await run(["info", big]), "LIMIT_EXCEEDED", 3, /the model has 2147483649 bytes, more than netsize reads \(MAX_MODEL_BYTES = 2 GiB\)/);
    const box = path.join(dir, "big.vnnlib");
    writeFileSync(box, "");
    truncateSync(box, MAX_TEXT_BYTES + 1);
    expectError(await run(["stability", good, "--box", box, "--method", "ibp"]), "LIMIT_EXCEEDED", 3, /MAX_TEXT_BYTES = 256 MiB/);
  });
});
