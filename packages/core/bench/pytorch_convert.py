"""Peer for collapse.bench.ts: the official conversions written with PyTorch tensor ops.

Builds the benchmark networks with random weights (RepVGG-A0 and B0, ResNet-18 whose sixteen 3x3
convs are Diverse Branch Blocks) and times converting every block into one conv with the
papers' transforms, as the official code does them (RepVGG's `repvgg_model_convert`, DBB's
`switch_to_deploy`; the code here is written from the papers, Ding et al. CVPR 2021 x2):
batch-norm folding (I), branch addition (II), 1x1 -> KxK composition as one `F.conv2d` of the
KxK kernel by the transposed 1x1 (III), the average pool as a dense KxK kernel composed the
same way (V), the 1x1 kernel padded to KxK (VI). Torch runs on one thread.
Prints one JSON line: {"RepVGG-A0": ms, "RepVGG-B0": ms, "DBB ResNet-18 (16 blocks)": ms}.
"""
import json
import sys
import time

import torch
import torch.nn.functional as F

torch.set_grad_enabled(False)
torch.manual_seed(1)

REPVGG = {
    "RepVGG-A0": ([48, 48, 96, 192, 1280], [1, 2, 4, 14, 1]),
    "RepVGG-B0": ([64, 64, 128, 256, 1280], [1, 4, 6, 16, 1]),
}
DBB_RESNET18 = "DBB ResNet-18 (16 blocks)"


def batch_norm(c):
    return {
        "gamma": torch.rand(c) + 0.5,
        "beta": torch.rand(c) - 0.5,
        "mean": torch.rand(c) - 0.5,
        "var": torch.rand(c) + 0.5,
        "eps": 1e-5,
    }


def conv_bn(cout, cin, k):
    return torch.rand(cout, cin, k, k) - 0.5, batch_norm(cout)


def repvgg_blocks(widths, counts):
    out, cin = [], 3
    for width, count in zip(widths, counts):
        for b in range(count):
            stride = 2 if b == 0 else 1
            out.append({
                "dense": conv_bn(width, cin, 3),
                "pointwise": conv_bn(width, cin, 1),
                "identity": batch_norm(width) if cin == width and stride == 1 else None,
            })
            cin = width
    return out


def dbb_blocks():
    out, cin = [], 64
    for width in (64, 128, 256, 512):
        for _ in range(4):
            out.append({
                "origin": conv_bn(width, cin, 3),
                "pointwise": conv_bn(width, cin, 1),
                "avg_conv": conv_bn(width, cin, 1),
                "avg_bn": batch_norm(width),
                "kxk_first": conv_bn(cin, cin, 1),
                "kxk_second": conv_bn(width, cin, 3),
            })
            cin = width
    return out


def fold(weight, bn):
    """Transform I: batch-norm folded into the preceding conv."""
    t = bn["gamma"] / torch.sqrt(bn["var"] + bn["eps"])
    return weight * t.reshape(-1, 1, 1, 1), bn["beta"] - bn["mean"] * t


def compose(k1, b1, k2, b2):
    """Transform III: a 1x1 conv then a KxK conv, the KxK kernel convolved by the transposed 1x1."""
    k = F.conv2d(k2, k1.permute(1, 0, 2, 3))
    return k, (k2 * b1.reshape(1, -1, 1, 1)).sum((1, 2, 3)) + b2


def avg_kernel(channels, k):
    """Transform V: a KxK average pool as a (dense) KxK conv kernel."""
    kernel = torch.zeros(channels, channels, k, k)
    kernel[torch.arange(channels), torch.arange(channels)] = 1.0 / (k * k)
    return kernel


def repvgg_convert(block):
    kernel, bias = fold(*block["dense"])
    k1, b1 = fold(*block["pointwise"])
    kernel = kernel + F.pad(k1, [1, 1, 1, 1])
    bias = bias + b1
    if block["identity"] is not None:
        c = kernel.shape[0]
        eye = torch.zeros(c, c, 3, 3)
        eye[torch.arange(c), torch.arange(c), 1, 1] = 1
        ki, bi = fold(eye, block["identity"])
        kernel, bias = kernel + ki, bias + bi
    return kernel.contiguous(), bias


def dbb_convert(block):
    k_origin, b_origin = fold(*block["origin"])
    k_1x1, b_1x1 = fold(*block["pointwise"])
    first, first_bn = block["kxk_first"]
    cin = first.shape[0]
    eye = torch.zeros(cin, cin, 1, 1)
    eye[torch.arange(cin), torch.arange(cin)] = 1
    k_kxk, b_kxk = compose(*fold(first + eye, first_bn), *fold(*block["kxk_second"]))
    width = k_origin.shape[0]
    k_avg, b_avg = compose(*fold(*block["avg_conv"]), *fold(avg_kernel(width, 3), block["avg_bn"]))
    kernel = k_origin + F.pad(k_1x1, [1, 1, 1, 1]) + k_kxk + k_avg
    return kernel, b_origin + b_1x1 + b_kxk + b_avg


def median_ms(blocks, convert, runs):
    times = []
    for r in range(runs + 1):
        start = time.perf_counter()
        for block in blocks:
            convert(block)
        if r > 0:
            times.append((time.perf_counter() - start) * 1000)
    return sorted(times)[len(times) // 2]


if __name__ == "__main__":
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 7
    torch.set_num_threads(1)
    result = {name: median_ms(repvgg_blocks(*spec), repvgg_convert, runs) for name, spec in REPVGG.items()}
    result[DBB_RESNET18] = median_ms(dbb_blocks(), dbb_convert, runs)
    print(json.dumps(result))
