"""PyTorch peer for bench/forward.ts: batched forward passes of a fully connected ONNX MLP.

Usage: /usr/bin/python3 bench/peers/forward_torch.py MODEL.onnx X.npy --peers ../shared/peers
       [--threads 2] [--dtype float32|float64] [--repeat 5] [--chunk 0] [--units] [--out Y.npy]

Reads the weights with ../shared/peers/onnx_mlp.py, runs the same inputs through torch (no autograd),
and prints one JSON line: the seconds of each repeat, the median and the throughput (samples/s).
--units also keeps every hidden layer's pre-activation, as netsize's engine returns them.
"""
import argparse
import json
import statistics
import sys
import time

import numpy as np


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("model")
    ap.add_argument("x")
    ap.add_argument("--peers", required=True, help="folder holding onnx_mlp.py")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--dtype", choices=["float32", "float64"], default="float32")
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--chunk", type=int, default=0, help="samples per forward call (0 = all at once)")
    ap.add_argument("--units", action="store_true")
    ap.add_argument("--out", help="write the outputs of the last repeat here (.npy)")
    a = ap.parse_args()

    sys.path.insert(0, a.peers)
    import torch
    from onnx_mlp import load_mlp

    torch.set_num_threads(a.threads)
    dt = torch.float32 if a.dtype == "float32" else torch.float64
    (shift, scale), layers = load_mlp(a.model)
    Ws = [torch.as_tensor(W, dtype=dt).T.contiguous() for W, _, _ in layers]
    bs = [torch.as_tensor(b, dtype=dt) for _, b, _ in layers]
    relu = [r for _, _, r in layers]
    shift = torch.as_tensor(np.asarray(shift, dtype=np.float64), dtype=dt)
    scale = torch.as_tensor(np.asarray(scale, dtype=np.float64), dtype=dt)
    X = torch.as_tensor(np.load(a.x), dtype=dt)
    n = X.shape[0]
    chunk = a.chunk or n

    def forward(x):
        h = (x - shift) * scale
        pres = []
        for W, b, r in zip(Ws, bs, relu):
            h = torch.addmm(b, h, W)
            if r:
                if a.units:
                    pres.append(h)
                h = torch.relu(h)
        return h, pres

    times = []
    with torch.no_grad():
        forward(X[: min(n, 256)])  # warm-up
        for _ in range(a.repeat):
            t0 = time.perf_counter()
            outs = [forward(X[s : s + chunk])[0] for s in range(0, n, chunk)]
            Y = torch.cat(outs) if len(outs) > 1 else outs[0]
            times.append(time.perf_counter() - t0)
    if a.out:
        np.save(a.out, Y.to(torch.float64).numpy())
    med = statistics.median(times)
    print(json.dumps({"peer": f"torch {torch.__version__}", "threads": a.threads, "dtype": a.dtype, "units": a.units,
                      "n": n, "chunk": chunk, "seconds": times, "median": med, "throughput": n / med}))


if __name__ == "__main__":
    main()
