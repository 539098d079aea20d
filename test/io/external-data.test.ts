// External ONNX data is read only from regular files whose real path lies inside the model's folder:
// symbolic links to files, to folders and to '..' cannot lead a model outside it (issue 16 A).
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { NetsizeError } from "../../src/core/errors.js";
import { loadNetwork } from "../../src/node/files.js";
import { attr, init, model, node, vinfo } from "./onnx-build.js";

type Init = ReturnType<typeof init>;

/** x[N,3] → Gemm (node fc1, weight W stored in external file `location`) → y[N,2]. */
const external = (location: string): Uint8Array => model({
  input: vinfo("x", ["N", 3]), output: vinfo("y", ["N", 2]),
  inits: [{ name: "W", dims: [2, 3], dataType: 1, dataLocation: 1, externalData: [{ key: "location", value: location }] } as Init, init("b", [2], [0, 0])],
  nodes: [node("Gemm", ["x", "W", "b"], ["y"], [attr("transB", 1)], "fc1")],
});

async function loadError(file: string): Promise<NetsizeError> {
  try {
    await loadNetwork(file);
  } catch (e) {
    if (e instanceof NetsizeError) return e;
    throw e;
  }
  throw new Error(`${file} loaded, expected EXTERNAL_DATA`);
}

describe("external data through symbolic links (real paths are compared)", () => {
  const root = mkdtempSync(path.join(tmpdir(), "netsize-ext-"));
  const weights = new Uint8Array(Float32Array.from([1, 2, 3, 4, 5, 6]).buffer);
  const dir = path.join(root, "model"), outside = path.join(root, "outside");
  mkdirSync(dir);
  mkdirSync(outside);
  mkdirSync(path.join(dir, "folder"));
  writeFileSync(path.join(dir, "w.bin"), weights);
  writeFileSync(path.join(outside, "secret.bin"), weights);
  symlinkSync(path.join(outside, "secret.bin"), path.join(dir, "file-link.bin")); // a file symlink leading out
  symlinkSync("../outside", path.join(dir, "dir-link"));                            // a folder symlink leading out
  symlinkSync("..", path.join(dir, "up"));                                          // a symlink to '..'
  symlinkSync("w.bin", path.join(dir, "inner-link.bin"));                           // a symlink that stays inside
  symlinkSync("model", path.join(root, "alias"));                                   // the model's folder reached through a link

  const cases: [string, string, RegExp][] = [
    ["file-link.bin", "file.onnx", /symbolic link.*outside the model's folder/],
    ["dir-link/secret.bin", "dirlink.onnx", /symbolic link.*outside the model's folder/],
    ["up/outside/secret.bin", "up.onnx", /symbolic link.*outside the model's folder/],
    ["up/model/../outside/secret.bin", "updots.onnx", /outside the model's folder/],
    ["folder", "folder.onnx", /external data 'folder' is a directory, not a regular file/],
    ["up", "upitself.onnx", /outside the model's folder/],
  ];
  for (const [location, name] of cases) writeFileSync(path.join(dir, name), external(location));

  it.each(cases)("location '%s' is EXTERNAL_DATA naming the file and node", async (location, name, msg) => {
    const file = path.join(dir, name);
    const e = await loadError(file);
    expect(e.code).toBe("EXTERNAL_DATA");
    expect(e.message).toMatch(msg);
    expect(e.message).toContain(file);
    expect(e.message).toContain("node fc1 (Gemm)");
    expect(e.message).toContain(`'${location}'`);
  });

  it("a link inside the folder, and a model folder reached through a link, still load", async () => {
    writeFileSync(path.join(dir, "inner.onnx"), external("inner-link.bin"));
    writeFileSync(path.join(dir, "plain.onnx"), external("w.bin"));
    const expected = Float64Array.from([1, 2, 3, 4, 5, 6]);
    for (const f of [path.join(dir, "inner.onnx"), path.join(root, "alias", "plain.onnx"), path.join(root, "alias", "inner.onnx")]) {
      const net = await loadNetwork(f);
      expect(net.layers[0]).toMatchObject({ kind: "dense", weight: expected });
    }
  });
});
