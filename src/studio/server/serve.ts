// The studio's HTTP server: 127.0.0.1 only, GET and HEAD only, and nothing but an exact list of
// paths — the built page's own files and the routes the command line named (a model, a run's
// snapshots, data). Every other path is 404: there is no directory listing and no path is ever
// joined onto a folder, so "..", encoded slashes or absolute paths cannot reach another file.
import { readdirSync, readFileSync } from "node:fs";
import { createServer, IncomingMessage, Server, ServerResponse } from "node:http";
import { AddressInfo } from "node:net";
import { fail } from "../../core/errors.js";
import path from "node:path";

/** One path the server answers besides the page: bytes in memory, or a file read on request. */
export interface StudioRoute {
  /** URL path, e.g. "/files/model.onnx" (exact match). */
  path: string;
  type: string;
  bytes?: Uint8Array | string;
  file?: string;
}

/** A running studio server. */
export interface StudioServer {
  url: string;
  port: number;
  server: Server;
  close(): Promise<void>;
}

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8", ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8", ".json": "application/json", ".wasm": "application/wasm", ".svg": "image/svg+xml",
  ".png": "image/png", ".ico": "image/x-icon", ".map": "application/json", ".txt": "text/plain; charset=utf-8",
};

/** The MIME type of a file name (application/octet-stream when unknown). */
export function mimeType(name: string): string {
  return TYPES[path.extname(name).toLowerCase()] ?? "application/octet-stream";
}

function appRoutes(appDir: string, rel = ""): StudioRoute[] {
  const out: StudioRoute[] = [];
  for (const e of readdirSync(path.join(appDir, rel), { withFileTypes: true })) {
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...appRoutes(appDir, r));
    else if (!e.name.startsWith(".") && e.name !== "studio-build.json") out.push({ path: `/${r}`, type: mimeType(e.name), file: path.join(appDir, r) });
  }
  return out;
}

/** Serve the page in `appDir` and `routes` on 127.0.0.1:`port` (0 = a free port). */
export async function serveStudio(appDir: string, routes: StudioRoute[], port = 0): Promise<StudioServer> {
  const table = new Map<string, StudioRoute>();
  for (const r of appRoutes(appDir)) table.set(r.path, r);
  for (const r of routes) {
    if (!r.path.startsWith("/") || r.path.includes("..")) fail("BAD_ARGUMENT", `bad studio route ${r.path}`);
    table.set(r.path, r);
  }
  const index = table.get("/index.html");
  if (!index) fail("IO_ERROR", `the studio build in ${appDir} has no index.html; delete the folder to rebuild it`);
  table.set("/", index);
  const server = createServer((req, res) => answer(table, req, res));
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve());
  }).catch((e: NodeJS.ErrnoException) => fail("BAD_ARGUMENT", e.code === "EADDRINUSE"
    ? `port ${port} on 127.0.0.1 is in use; choose another with --port or leave it out for a free one`
    : `the studio could not listen on 127.0.0.1:${port}: ${e.message}`));
  const p = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${p}/`, port: p, server,
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

function answer(table: Map<string, StudioRoute>, req: IncomingMessage, res: ServerResponse): void {
  const head = { "X-Content-Type-Options": "nosniff", "Cache-Control": "no-store", "Referrer-Policy": "no-referrer" };
  if (req.method !== "GET" && req.method !== "HEAD") {
    res.writeHead(405, { ...head, Allow: "GET, HEAD", "Content-Type": "text/plain" }).end("method not allowed\n");
    return;
  }
  // The path as sent, query dropped; no decoding, no normalisation: it must equal a listed path.
  const raw = (req.url ?? "/").split("?")[0]!.split("#")[0]!;
  const route = table.get(raw);
  if (!route) {
    res.writeHead(404, { ...head, "Content-Type": "text/plain" }).end("not found\n");
    return;
  }
  let body: Uint8Array | string;
  try {
    body = route.bytes ?? readFileSync(route.file!);
  } catch {
    res.writeHead(404, { ...head, "Content-Type": "text/plain" }).end("not found\n");
    return;
  }
  res.writeHead(200, { ...head, "Content-Type": route.type, "Content-Length": Buffer.byteLength(body) });
  res.end(req.method === "HEAD" ? undefined : body);
}
