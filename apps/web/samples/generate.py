#!/usr/bin/env python3
"""Generates the web app's bundled training-form ONNX samples (apps/web/public/samples).

Run with Debian's PyTorch and onnx (not needed by tests or CI; the outputs are committed):
    /usr/bin/python3 apps/web/samples/generate.py

The RepVGG, ACB, DBB and RefConv blocks are those of @reparam/onnx's fixture generator
(packages/onnx/fixtures/generate.py, imported, not copied); MobileOne (Vasu et al., CVPR 2023) is
written here. Each sample is a small classifier on 3x64x64 inputs: a stride-2 stem, four blocks
(or two for DBB and RefConv, whose files are larger; stride-2 convs between them), global average pool and a linear head, with
random batch-norm statistics as in the papers' equivalence checks, exported in eval mode with
every BatchNormalization kept (the training form that `reparam convert` collapses).
"""
import importlib.util
import os

import torch
import torch.nn as nn
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, '..', 'public', 'samples')
spec = importlib.util.spec_from_file_location(
    'fixtures', os.path.join(HERE, '..', '..', '..', 'packages', 'onnx', 'fixtures', 'generate.py'))
fx = importlib.util.module_from_spec(spec)
spec.loader.exec_module(fx)


class MobileOneBlock(nn.Module):
    """k over-parameterized KxK conv+BN branches, a 1x1 conv+BN branch (KxK only) and a BN skip
    (when shapes allow), summed, then ReLU. Depthwise when groups == channels."""

    def __init__(self, cin, cout, k=3, stride=1, groups=1, branches=2):
        super().__init__()
        self.convs = nn.ModuleList(fx.conv_bn(cin, cout, k, stride, k // 2, groups) for _ in range(branches))
        self.scale = fx.conv_bn(cin, cout, 1, stride, 0, groups) if k > 1 else None
        self.skip = nn.BatchNorm2d(cin) if cin == cout and stride == 1 else None

    def forward(self, x):
        y = sum(c(x) for c in self.convs)
        if self.scale is not None:
            y = y + self.scale(x)
        if self.skip is not None:
            y = y + self.skip(x)
        return F.relu(y)


def mobileone(cin, cout, stride=1):
    """MobileOne's unit: a depthwise 3x3 block, then a pointwise 1x1 block."""
    return nn.Sequential(MobileOneBlock(cin, cin, 3, stride, groups=cin), MobileOneBlock(cin, cout, 1))


class Down(nn.Module):
    """A stride-2 3x3 conv+BN+ReLU between blocks that keep their size (ACB, DBB, RefConv)."""

    def __init__(self, cin, cout):
        super().__init__()
        self.body = fx.conv_bn(cin, cout, 3, 2, 1)

    def forward(self, x):
        return F.relu(self.body(x))


class RefConvUnit(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.conv, self.bn = fx.RefConv(c, c), nn.BatchNorm2d(c)

    def forward(self, x):
        return F.relu(self.bn(self.conv(x)))


def stem(c):
    return nn.Sequential(fx.conv_bn(3, c, 3, 2, 1), nn.ReLU())


def samples(c=16):
    w = 2 * c
    return {
        'repvgg': fx.Net(stem(c), fx.RepVGGBlock(c, w, 2), fx.RepVGGBlock(w, w), fx.RepVGGBlock(w, w, 2),
                         fx.RepVGGBlock(w, w), fx.Head(w, 10)),
        'acb': fx.Net(stem(c), Down(c, w), fx.ACBlock(w), fx.ACBlock(w), Down(w, w), fx.ACBlock(w),
                      fx.Head(w, 10)),
        # DBB's pad-with-bias exports as ~1,000 nodes per block: two narrower blocks keep the file small.
        'dbb': fx.Net(stem(c), Down(c, 24), fx.DBBlock(24), Down(24, 24), fx.DBBlock(24), fx.Head(24, 10)),
        'refconv': fx.Net(stem(c), Down(c, w), RefConvUnit(w), Down(w, w), RefConvUnit(w), fx.Head(w, 10)),
        'mobileone': fx.Net(stem(c), mobileone(c, w, 2), mobileone(w, w), mobileone(w, w, 2), mobileone(w, w),
                            fx.Head(w, 10)),
    }


def main():
    torch.manual_seed(0)
    os.makedirs(OUT, exist_ok=True)
    for name, model in samples().items():
        fx.randomize_bn(model).eval()
        path = os.path.join(OUT, f'{name}.onnx')
        torch.onnx.export(model, torch.randn(1, 3, 64, 64), path, input_names=['input'], output_names=['logits'],
                          opset_version=17, training=torch.onnx.TrainingMode.PRESERVE, do_constant_folding=False)
        print(f'{name}.onnx {os.path.getsize(path)} bytes')


if __name__ == '__main__':
    main()
