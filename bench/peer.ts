// What every benchmark prints about its peer: the BLAS the peer process loaded, its 512³ matmul speed, and the
// machine's load — so a ratio against a reference-BLAS peer (20–50× slower at matrix products than the BLAS any
// user has) is never printed without saying so.
import { spawnSync } from "node:child_process";
import { loadavg } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const HERE = path.dirname(fileURLToPath(import.meta.url));

/** The peer's BLAS as measured in a peer process. */
export interface PeerBlas {
  mapped: string[];
  torchBlas: string;
  gflopsF32?: number;
  gflopsF64?: number;
  reference: boolean;
  threads: number;
}

/** The environment a peer runs in: `threads` BLAS/OpenMP threads, the machine's OpenBLAS core overrides removed. */
export function peerEnv(threads: number): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, OPENBLAS_NUM_THREADS: String(threads), OMP_NUM_THREADS: String(threads), MKL_NUM_THREADS: String(threads) };
  delete env.OPENBLAS_CORETYPE;
  delete env.OPENBLAS_L2_SIZE;
  return env;
}

/** Ask the peer's Python which BLAS it maps and how fast it multiplies 512×512 matrices. */
export function peerBlas(threads: number): PeerBlas {
  const r = spawnSync("/usr/bin/python3", [path.join(HERE, "peers/blas_info.py"), "--threads", String(threads)], { encoding: "utf8", env: peerEnv(threads) });
  if (r.status !== 0) throw new Error(`bench/peers/blas_info.py failed: ${r.stderr}`);
  const o = JSON.parse(r.stdout.trim().split("\n").pop()!) as { mapped: string[]; torch_blas?: string; gflops_f32?: number; gflops_f64?: number; reference: boolean };
  return { mapped: o.mapped, torchBlas: o.torch_blas ?? "no torch", gflopsF32: o.gflops_f32, gflopsF64: o.gflops_f64, reference: o.reference, threads };
}

/** One line describing the peer's BLAS, with a warning where it is the reference BLAS. */
export function blasLine(b: PeerBlas): string {
  const lib = b.mapped.filter((l) => !l.startsWith("liblapack")).join(", ") || "none mapped";
  const speed = b.gflopsF32 === undefined ? "" : `, 512³ matmul ${b.gflopsF32} GFLOP/s float32 / ${b.gflopsF64} float64 on ${b.threads} thread${b.threads === 1 ? "" : "s"}`;
  const warn = b.reference ? " — REFERENCE BLAS: not a fair peer, every ratio below is against a peer no user has (apt-get install libopenblas0-pthread)" : "";
  return `peer BLAS: ${lib} (torch BLAS_INFO=${b.torchBlas})${speed}${warn}`;
}

/** The 1/5/15-minute load averages, for the line under every table. */
export function loadLine(): string {
  return `load average ${loadavg().map((v) => v.toFixed(2)).join(" ")}`;
}

/** A ratio as printed in a table, marked where the peer is the reference BLAS. */
export function ratioText(r: number, b: PeerBlas): string {
  return `${r.toFixed(2)}×${b.reference ? " (ref. BLAS)" : ""}`;
}

/** The median of some numbers. */
export function median(a: readonly number[]): number {
  const s = [...a].sort((x, y) => x - y);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}
