"""Peer for collapse.bench.ts: the RepVGG conversion written with PyTorch tensor ops.

Builds RepVGG-A0/B0 blocks with random weights and times folding every block into one 3x3 conv
(batch-norm folding, 1x1 and identity placed at the kernel centre), the same work `collapse`
does. Prints one JSON line: {"RepVGG-A0": ms, "RepVGG-B0": ms}.
"""
import json
import sys
import time

import torch

torch.set_grad_enabled(False)
torch.manual_seed(1)

NETWORKS = {
    "RepVGG-A0": ([48, 48, 96, 192, 1280], [1, 2, 4, 14, 1]),
    "RepVGG-B0": ([64, 64, 128, 256, 1280], [1, 4, 6, 16, 1]),
}


def batch_norm(c):
    return {
        "gamma": torch.rand(c) + 0.5,
        "beta": torch.rand(c) - 0.5,
        "mean": torch.rand(c) - 0.5,
        "var": torch.rand(c) + 0.5,
        "eps": 1e-5,
    }


def blocks(widths, counts):
    out, cin = [], 3
    for width, count in zip(widths, counts):
        for b in range(count):
            stride = 2 if b == 0 else 1
            out.append({
                "dense": (torch.rand(width, cin, 3, 3) - 0.5, batch_norm(width)),
                "pointwise": (torch.rand(width, cin, 1, 1) - 0.5, batch_norm(width)),
                "identity": batch_norm(width) if cin == width and stride == 1 else None,
            })
            cin = width
    return out


def fold(weight, bn):
    t = bn["gamma"] / torch.sqrt(bn["var"] + bn["eps"])
    return weight * t.reshape(-1, 1, 1, 1), bn["beta"] - bn["mean"] * t


def convert(block):
    kernel, bias = fold(*block["dense"])
    k1, b1 = fold(*block["pointwise"])
    kernel = kernel + torch.nn.functional.pad(k1, [1, 1, 1, 1])
    bias = bias + b1
    if block["identity"] is not None:
        c = kernel.shape[0]
        eye = torch.zeros(c, c, 3, 3)
        eye[torch.arange(c), torch.arange(c), 1, 1] = 1
        ki, bi = fold(eye, block["identity"])
        kernel, bias = kernel + ki, bias + bi
    return kernel.contiguous(), bias


def median_ms(network, runs):
    times = []
    for r in range(runs + 1):
        start = time.perf_counter()
        for block in network:
            convert(block)
        if r > 0:
            times.append((time.perf_counter() - start) * 1000)
    return sorted(times)[len(times) // 2]


if __name__ == "__main__":
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 7
    torch.set_num_threads(1)
    print(json.dumps({name: median_ms(blocks(*spec), runs) for name, spec in NETWORKS.items()}))
