"""Peer for bench/io-load.ts: time reading fully connected ONNX models into float64 numpy layers
with ../shared/peers/onnx_mlp.py (the `onnx` package's parser + numpy_helper), median of R reads each.

usage: /usr/bin/python3 bench/peers/load_onnx.py ROUNDS model.onnx ...   → prints "<model>\t<median ms>" lines
"""
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../../shared/peers"))
from onnx_mlp import load_mlp  # noqa: E402

rounds = int(sys.argv[1])
for path in sys.argv[2:]:
    load_mlp(path)  # warm-up (imports, file cache)
    times = []
    for _ in range(rounds):
        t = time.perf_counter()
        load_mlp(path)
        times.append((time.perf_counter() - t) * 1000)
    times.sort()
    print(f"{path}\t{times[len(times) // 2]:.3f}", flush=True)
