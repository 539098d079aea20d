"""Peer for bench/simplicity.ts: prunability rho* of a fully connected ONNX MLP on the mnist package's
10,000 digits in numpy float64, by the same rule as netsize's simplicity lens: keep the round(rho*N)
weights of largest |w| over all weight matrices (ties by position: earlier layer, then row-major),
biases untouched, loss = mean softmax cross-entropy, rho* = the smallest rho on the 1e-3 grid with
loss(rho) <= (1 + delta) * loss(1), by bisection. Times the bisection (ranking included), median of R.

usage: /usr/bin/python3 bench/peers/prune_numpy.py ROUNDS DIGITS_DIR model.onnx ...
       → prints "blas\t<library>" then "<model>\t<rho*>\t<median ms>" lines
"""
import json
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../../shared/peers"))
from onnx_mlp import load_mlp  # noqa: E402


def blas():
    with open("/proc/self/maps") as f:
        libs = {os.path.basename(l.split()[-1]) for l in f if "blas" in l.lower()}
    return ", ".join(sorted(libs)) or "unknown"


def digits(folder):
    xs, ys = [], []
    for k in range(10):
        with open(os.path.join(folder, f"{k}.json")) as f:
            d = np.asarray(json.load(f)["data"], dtype=np.float64).reshape(-1, 784)
        xs.append(d)
        ys.append(np.full(len(d), k))
    return np.concatenate(xs), np.concatenate(ys)


def prunability(pre, layers, X, y, delta=0.05, K=1000):
    shift, scale = pre
    X0 = (X - shift) * scale
    mags = np.concatenate([np.abs(W).ravel() for W, _, _ in layers])
    order = np.lexsort((np.arange(len(mags)), -mags))  # |w| descending, ties by position
    sizes = [W.size for W, _, _ in layers]

    def loss(j):
        keep = np.zeros(len(mags), dtype=bool)
        keep[order[: int(round(j / K * len(mags)))]] = True
        h, o = X0, 0
        for (W, b, relu), n in zip(layers, sizes):
            Wp = np.where(keep[o : o + n].reshape(W.shape), W, 0.0)
            o += n
            h = h @ Wp.T + b
            if relu:
                h = np.maximum(h, 0)
        z = h - h.max(axis=1, keepdims=True)
        return float(np.mean(np.log(np.exp(z).sum(axis=1)) - z[np.arange(len(y)), y]))

    thr = (1 + delta) * loss(K)
    lo, hi = 0, K
    if loss(0) <= thr:
        hi = 0
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if loss(mid) <= thr:
            hi = mid
        else:
            lo = mid
    return hi / K


rounds, folder = int(sys.argv[1]), sys.argv[2]
X, y = digits(folder)
print(f"blas\t{blas()}", flush=True)
for path in sys.argv[3:]:
    pre, layers = load_mlp(path)
    times, rho = [], None
    for _ in range(rounds):
        t = time.perf_counter()
        rho = prunability(pre, layers, X, y)
        times.append((time.perf_counter() - t) * 1000)
    times.sort()
    print(f"{path}\t{rho}\t{times[len(times) // 2]:.1f}", flush=True)
