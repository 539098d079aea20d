"""auto_LiRPA peer for bench/bounds.ts: IBP, CROWN and alpha-CROWN bounds of a fully connected ONNX MLP on a box.

Usage: /usr/bin/python3 bench/peers/bounds_lirpa.py MODEL.onnx BOX.json --peers ../shared/peers --lirpa DIR
       [--threads 1] [--repeat 5] [--alpha-iters 20]
BOX.json holds {"lower": [...], "upper": [...]}. auto_LiRPA is imported from DIR (its source, run where the
search tool's fetch put it; nothing of it is committed). float64 throughout, as netsize. Prints one JSON line
per method: median seconds of the repeats and the output layer's lower and upper bounds.
"""
import argparse
import json
import statistics
import sys
import time
import warnings

import numpy as np

warnings.filterwarnings("ignore")
ap = argparse.ArgumentParser()
ap.add_argument("model")
ap.add_argument("box")
ap.add_argument("--peers", required=True)
ap.add_argument("--lirpa", required=True)
ap.add_argument("--threads", type=int, default=1)
ap.add_argument("--repeat", type=int, default=5)
ap.add_argument("--alpha-iters", type=int, default=20)
a = ap.parse_args()
sys.path.insert(0, a.peers)
sys.path.insert(0, a.lirpa)
import torch  # noqa: E402
from onnx_mlp import load_mlp  # noqa: E402
from auto_LiRPA import BoundedModule, BoundedTensor, PerturbationLpNorm  # noqa: E402

torch.set_num_threads(a.threads)
torch.set_default_dtype(torch.float64)
(shift, scale), layers = load_mlp(a.model)
shift = np.broadcast_to(np.asarray(shift, dtype=np.float64), (layers[0][0].shape[1],))
scale = np.broadcast_to(np.asarray(scale, dtype=np.float64), (layers[0][0].shape[1],))
mods = []
for W, b, relu in layers:
    lin = torch.nn.Linear(W.shape[1], W.shape[0])
    lin.weight.data = torch.as_tensor(W)
    lin.bias.data = torch.as_tensor(b)
    mods.append(lin)
    if relu:
        mods.append(torch.nn.ReLU())
net = torch.nn.Sequential(*mods)
with open(a.box) as f:
    box = json.load(f)
lo = (torch.as_tensor(box["lower"]) - torch.as_tensor(shift.copy())) * torch.as_tensor(scale.copy())
hi = (torch.as_tensor(box["upper"]) - torch.as_tensor(shift.copy())) * torch.as_tensor(scale.copy())
lo, hi = torch.minimum(lo, hi).unsqueeze(0), torch.maximum(lo, hi).unsqueeze(0)
x = (lo + hi) / 2
bm = BoundedModule(net, x, bound_opts={"optimize_bound_args": {"iteration": a.alpha_iters}}, verbose=False)
X = BoundedTensor(x, PerturbationLpNorm(x_L=lo, x_U=hi))
for method in ("IBP", "CROWN", "alpha-CROWN"):
    name = "CROWN-Optimized" if method == "alpha-CROWN" else method
    ts = []
    for _ in range(a.repeat if method != "alpha-CROWN" else max(1, a.repeat // 2)):
        t = time.perf_counter()
        with torch.no_grad() if method != "alpha-CROWN" else torch.enable_grad():
            lb, ub = bm.compute_bounds(x=(X,), method=name)
        ts.append(time.perf_counter() - t)
    print(json.dumps({"method": method, "median": statistics.median(ts), "lower": lb.detach().flatten().tolist(), "upper": ub.detach().flatten().tolist()}), flush=True)
