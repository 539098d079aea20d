// The studio's server: 127.0.0.1 only, exactly the listed paths (the page's files and the routes the
// command line named), 404 for everything else — traversal in every spelling, directory paths,
// files beside the page — and 405 for anything but GET/HEAD. Raw HTTP requests, so that no client
// normalises the path before it reaches the server.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { serveStudio, type StudioServer } from "../../src/studio/server/index.js";
import { runEntries } from "../../src/cli/run-folder.js";
import { codeOf } from "../helpers/errors.js";

function get(port: number, p: string, method = "GET"): Promise<{ status: number; type: string; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path: p, method }, (res) => {
      let body = "";
      res.on("data", (d: Buffer) => { body += d.toString(); });
      res.on("end", () => resolve({ status: res.statusCode!, type: String(res.headers["content-type"] ?? ""), body }));
    });
    req.on("error", reject);
    req.end();
  });
}

describe("the studio's server", () => {
  let dir = "", server: StudioServer;
  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), "studio-server-"));
    const app = path.join(dir, "app");
    mkdirSync(path.join(app, "assets"), { recursive: true });
    writeFileSync(path.join(app, "index.html"), "<!doctype html><title>studio</title>");
    writeFileSync(path.join(app, "assets", "main.js"), "console.log(1)");
    writeFileSync(path.join(app, "studio-build.json"), "{}");
    writeFileSync(path.join(dir, "secret.txt"), "not for the page");
    writeFileSync(path.join(dir, "model.json"), "{\"model\":1}");
    server = await serveStudio(app, [
      { path: "/files/model.json", type: "application/json", file: path.join(dir, "model.json") },
      { path: "/session.json", type: "application/json", bytes: JSON.stringify({ model: { name: "model.json", url: "/files/model.json" } }) },
    ]);
  });
  afterAll(async () => { await server?.close(); rmSync(dir, { recursive: true, force: true }); });

  it("listens on 127.0.0.1 only, on a free port, and prints its URL", () => {
    expect(server.server.address()).toMatchObject({ address: "127.0.0.1" });
    expect(server.port).toBeGreaterThan(0);
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/`);
  });

  it("serves the page, its assets and the named files, with their types", async () => {
    const root = await get(server.port, "/");
    expect(root).toMatchObject({ status: 200, body: "<!doctype html><title>studio</title>" });
    expect(root.type).toContain("text/html");
    expect(await get(server.port, "/index.html")).toMatchObject({ status: 200 });
    const js = await get(server.port, "/assets/main.js");
    expect(js.status).toBe(200);
    expect(js.type).toContain("text/javascript");
    expect(await get(server.port, "/files/model.json")).toMatchObject({ status: 200, body: "{\"model\":1}", type: "application/json" });
    expect(JSON.parse((await get(server.port, "/session.json")).body)).toEqual({ model: { name: "model.json", url: "/files/model.json" } });
    expect((await get(server.port, "/files/model.json?x=1")).status).toBe(200);
  });

  it("answers 404 to traversal in every spelling, directories, the build stamp and unlisted files", async () => {
    for (const p of [
      "/../secret.txt", "/assets/../../secret.txt", "/%2e%2e/secret.txt", "/%2e%2e%2fsecret.txt", "/..%2fsecret.txt", "/files/..%2f..%2fsecret.txt",
      "/files/../secret.txt", "/..\\secret.txt", "//secret.txt", "/secret.txt", "/etc/passwd", "/assets/", "/assets", "/files/", "/files",
      "/studio-build.json", "/index.html/", "/INDEX.HTML", "/files/model.json/..", "/%00", "/assets/main.js%00.html",
    ]) {
      const r = await get(server.port, p);
      expect([p, r.status]).toEqual([p, 404]);
      expect(r.body).toBe("not found\n");
    }
  });

  it("refuses methods other than GET and HEAD", async () => {
    for (const m of ["POST", "PUT", "DELETE", "OPTIONS"]) expect((await get(server.port, "/", m)).status).toBe(405);
    expect(await get(server.port, "/", "HEAD")).toMatchObject({ status: 200, body: "" });
  });

  it("refuses a port that is taken with one clear error", async () => {
    expect(await serveStudio(path.join(dir, "app"), [], server.port).then(() => "listening", (e: { code?: string; message: string }) => `${e.code}: ${e.message}`))
      .toBe(`BAD_ARGUMENT: port ${server.port} on 127.0.0.1 is in use; choose another with --port or leave it out for a free one`);
  });

  it("never takes a run folder's snapshot from outside the folder (a crafted index.json)", () => {
    const run = path.join(dir, "run");
    mkdirSync(path.join(run, "snapshots"), { recursive: true });
    writeFileSync(path.join(run, "snapshots", "index.json"), JSON.stringify([{ name: "epoch-0001", epoch: 1, step: 4, files: ["../secret.txt"] }]));
    expect(codeOf(() => runEntries(run, undefined))).toBe(`BAD_DATA: ${path.join(run, "snapshots", "index.json")}: snapshot epoch-0001 names a file outside the run folder (../secret.txt)`);
    writeFileSync(path.join(run, "snapshots", "index.json"), JSON.stringify([{ name: "epoch-0001", epoch: 1, step: 4, files: ["snapshots/epoch-0001.json"] }]));
    expect(runEntries(run, undefined)).toEqual([{ name: "epoch-0001", epoch: 1, step: 4, file: path.join(run, "snapshots", "epoch-0001.json") }]);
  });
});

describe("netsize studio's arguments", () => {
  it("answers a missing model, a bad port, --data without a model and a broken model with one error line and a non-zero exit, before building anything", async () => {
    const { netsize, errorLine } = await import("../cli/run.js");
    const dir = mkdtempSync(path.join(os.tmpdir(), "studio-args-"));
    writeFileSync(path.join(dir, "broken.onnx"), "not a model");
    const cases: [string[], string, RegExp, number][] = [
      [["studio", path.join(dir, "missing.onnx")], "BAD_ARGUMENT", /missing\.onnx does not exist/, 2],
      [["studio", "--port", "70000"], "BAD_ARGUMENT", /--port/, 2],
      [["studio", "--data", "moons"], "BAD_ARGUMENT", /the playground chooses its data in the page/, 2],
      [["studio", path.join(dir, "broken.onnx")], "BAD_MODEL", /broken\.onnx/, 1],
    ];
    for (const [args, code, re, exit] of cases) {
      const r = await netsize(args);
      expect([args.join(" "), r.code]).toEqual([args.join(" "), exit]);
      const e = errorLine(r);
      expect(e.code).toBe(code);
      expect(e.line).toMatch(re);
      expect(r.stdout).toBe("");
    }
    rmSync(dir, { recursive: true, force: true });
  }, 120_000);
});
