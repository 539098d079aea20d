"""Which BLAS the peer runs on, and how fast it multiplies: printed by every benchmark beside its ratios.

Usage: /usr/bin/python3 bench/peers/blas_info.py [--threads 2]
Prints one JSON line: the BLAS libraries mapped into the process after torch and numpy multiplied once,
torch's build configuration line for BLAS, and the 512x512x512 float32/float64 matmul GFLOP/s (median of 9).
"""
import argparse
import json
import os
import re
import statistics
import time

ap = argparse.ArgumentParser()
ap.add_argument("--threads", type=int, default=2)
a = ap.parse_args()

import numpy as np  # noqa: E402

out = {"threads": a.threads}
try:
    import torch

    torch.set_num_threads(a.threads)
    cfg = torch.__config__.show()
    out["torch"] = torch.__version__
    m = re.search(r"BLAS_INFO=([^,\s]+)", cfg)
    out["torch_blas"] = m.group(1) if m else "unknown"
    for name, dt in (("gflops_f32", torch.float32), ("gflops_f64", torch.float64)):
        A = torch.rand(512, 512, dtype=dt)
        B = torch.rand(512, 512, dtype=dt)
        A @ B
        ts = []
        for _ in range(9):
            t = time.perf_counter()
            A @ B
            ts.append(time.perf_counter() - t)
        out[name] = round(2 * 512**3 / statistics.median(ts) / 1e9, 1)
except ImportError:
    out["torch"] = None
np.ones((64, 64)) @ np.ones((64, 64))
with open("/proc/self/maps") as f:
    libs = sorted({os.path.basename(l.split()[-1]) for l in f if "blas" in l.lower() or "lapack" in l.lower()})
out["mapped"] = libs
out["reference"] = not any(k in " ".join(libs).lower() + out.get("torch_blas", "") for k in ("openblas", "mkl", "blis"))
print(json.dumps(out))
