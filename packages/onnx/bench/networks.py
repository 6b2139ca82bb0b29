#!/usr/bin/env python3
"""Whole training-form networks for the conversion benchmark, exported to ONNX with every block's
structure kept (each Conv, BatchNormalization, Add, DBB's pad-with-bias slice writes), as the
official PyTorch code of each paper builds them:

- RepVGG-A0 (Ding et al., CVPR 2021, Table 2): widths 48/48/96/192/1280, blocks 1/2/4/14/1;
  each block a 3x3 conv+BN, a 1x1 conv+BN and (same shape, stride 1) a BN identity, summed, ReLU.
- MobileOne-S0 (Vasu et al., CVPR 2023): width multipliers 0.75/1/1/2, blocks 2/8/10/1, four
  over-parameterized conv+BN branches; each stage step a depthwise 3x3 block (4 3x3 branches, a
  1x1 scale branch, a BN skip) then a pointwise 1x1 block (4 1x1 branches, a BN skip).
- ResNet-18 with Diverse Branch Blocks (Ding et al., CVPR 2021): every 3x3 conv+BN of the basic
  blocks a DBB (KxK, 1x1, 1x1 -> BN-and-pad -> avg pool -> BN, identity-based 1x1 -> BN-and-pad
  -> KxK -> BN); the 7x7 stem and the 1x1 shortcuts stay conv+BN.

The modules are written from the papers' block definitions (the official repositories were
read for the architectures, not copied); conv+BN, RepVGG's block and DBB's pad-with-bias are the
test fixtures' own (../fixtures/generate.py). Weights and batch-norm statistics are random and
non-trivial. Usage: networks.py OUT_DIR [name ...]; prints one line per file written.
"""
import os
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F

# conv+BN, RepVGG's block and DBB's pad-with-bias, as the test fixtures define them
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'fixtures'))
from generate import BNAndPad, RepVGGBlock, conv_bn  # noqa: E402


class Classifier(nn.Module):
    def __init__(self, body, channels, classes=1000):
        super().__init__()
        self.body = body
        self.fc = nn.Linear(channels, classes)

    def forward(self, x):
        return self.fc(torch.flatten(F.adaptive_avg_pool2d(self.body(x), 1), 1))


def repvgg_a0():
    blocks, cin = [], 3
    for width, count in zip([48, 48, 96, 192, 1280], [1, 2, 4, 14, 1]):
        for b in range(count):
            blocks.append(RepVGGBlock(cin, width, 2 if b == 0 else 1))
            cin = width
    return Classifier(nn.Sequential(*blocks), cin)


class MobileOneBlock(nn.Module):
    def __init__(self, cin, cout, k, stride, groups, branches):
        super().__init__()
        self.convs = nn.ModuleList(conv_bn(cin, cout, k, stride, k // 2, groups) for _ in range(branches))
        self.scale = conv_bn(cin, cout, 1, stride, 0, groups) if k > 1 else None
        self.skip = nn.BatchNorm2d(cin) if cin == cout and stride == 1 else None

    def forward(self, x):
        y = 0
        if self.scale is not None:
            y = self.scale(x)
        if self.skip is not None:
            y = y + self.skip(x)
        for conv in self.convs:
            y = y + conv(x)
        return F.relu(y)


def mobileone_s0():
    widths = [int(64 * 0.75), 128, 256, int(512 * 2)]
    cin = min(64, int(64 * 0.75))
    blocks = [MobileOneBlock(3, cin, 3, 2, 1, 4)]
    for width, count in zip(widths, [2, 8, 10, 1]):
        for b in range(count):
            stride = 2 if b == 0 else 1
            blocks.append(MobileOneBlock(cin, cin, 3, stride, cin, 4))
            blocks.append(MobileOneBlock(cin, width, 1, 1, 1, 4))
            cin = width
    return Classifier(nn.Sequential(*blocks), cin)


class IdentityPlus1x1(nn.Conv2d):
    """A 1x1 conv whose kernel is the identity plus a learned part (DBB's internal 1x1)."""

    def __init__(self, c):
        super().__init__(c, c, 1, bias=False)
        eye = torch.zeros(c, c, 1, 1)
        eye[torch.arange(c), torch.arange(c)] = 1
        self.register_buffer('eye', eye)

    def forward(self, x):
        return F.conv2d(x, self.weight + self.eye)


class DBB(nn.Module):
    def __init__(self, cin, cout, stride, relu):
        super().__init__()
        k, p = 3, 1
        self.origin = conv_bn(cin, cout, k, stride, p)
        self.one = conv_bn(cin, cout, 1, stride, 0)
        self.avg = nn.Sequential(nn.Conv2d(cin, cout, 1, bias=False), BNAndPad(cout, p), nn.AvgPool2d(k, stride, 0), nn.BatchNorm2d(cout))
        self.kxk = nn.Sequential(IdentityPlus1x1(cin), BNAndPad(cin, p), nn.Conv2d(cin, cout, k, stride, 0, bias=False), nn.BatchNorm2d(cout))
        self.relu = relu

    def forward(self, x):
        y = self.origin(x) + self.one(x) + self.avg(x) + self.kxk(x)
        return F.relu(y) if self.relu else y


class BasicBlock(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.first = DBB(cin, cout, stride, True)
        self.second = DBB(cout, cout, 1, False)
        self.shortcut = conv_bn(cin, cout, 1, stride) if stride != 1 or cin != cout else nn.Identity()

    def forward(self, x):
        return F.relu(self.second(self.first(x)) + self.shortcut(x))


def dbb_resnet18():
    layers, cin = [conv_bn(3, 64, 7, 2, 3), nn.ReLU(), nn.MaxPool2d(3, 2, 1)], 64
    for stage, width in enumerate([64, 128, 256, 512]):
        for b in range(2):
            layers.append(BasicBlock(cin, width, 2 if stage > 0 and b == 0 else 1))
            cin = width
    return Classifier(nn.Sequential(*layers), cin)


NETWORKS = {
    'repvgg_a0': (repvgg_a0, 224),
    'mobileone_s0': (mobileone_s0, 224),
    'dbb_resnet18': (dbb_resnet18, 112),
}


def randomize(model):
    g = torch.Generator().manual_seed(11)
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, nn.BatchNorm2d):
                m.weight.copy_(torch.rand(m.weight.shape, generator=g) + 0.5)
                m.bias.copy_(torch.rand(m.bias.shape, generator=g) - 0.5)
                m.running_mean.copy_(torch.rand(m.running_mean.shape, generator=g) * 0.2 - 0.1)
                m.running_var.copy_(torch.rand(m.running_var.shape, generator=g) + 0.5)
            elif isinstance(m, IdentityPlus1x1):
                m.weight.copy_((torch.rand(m.weight.shape, generator=g) - 0.5) * 0.1)
    return model.eval()


def export(name, out_dir):
    build, size = NETWORKS[name]
    torch.manual_seed(3)
    model = randomize(build())
    path = os.path.join(out_dir, f'{name}_train.onnx')
    tmp = path + '.tmp'
    torch.onnx.export(model, torch.randn(1, 3, size, size), tmp, input_names=['input'], output_names=['logits'],
                      opset_version=13, training=torch.onnx.TrainingMode.PRESERVE, do_constant_folding=False)
    os.replace(tmp, path)
    print(f'{path} {os.path.getsize(path)}')


if __name__ == '__main__':
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    for name in sys.argv[2:] or NETWORKS:
        export(name, out)
