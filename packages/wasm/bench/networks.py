#!/usr/bin/env python3
"""Writes deploy-form whole networks (224x224, batch 1) as ONNX for `pnpm bench` and `reparam bench`.

    /usr/bin/python3 packages/wasm/bench/networks.py [OUT_DIR] [--only NAME,...]

Needs Debian's PyTorch 1.13 and onnx (apt-get install python3-torch python3-onnx); CI has neither,
so nothing in the tests depends on this script. Every model is written here, following the
architecture tables of the papers and the layer lists of the official implementations:

- RepVGG-A0 (Ding et al., CVPR 2021, Table 2): deploy form, 22 plain 3x3 convs + ReLU.
- MobileOne-S0 (Vasu et al., CVPR 2023; apple/ml-mobileone): deploy form, a 3x3 stem, then
  depthwise 3x3 + ReLU and pointwise 1x1 + ReLU pairs, [2, 8, 10, 1] per stage.
- ResNet-18 (He et al., CVPR 2016): BasicBlocks with BN, exported in eval mode (PyTorch folds
  every BN into its conv), residual Adds, a max pool.
- MobileNetV2 (Sandler et al., CVPR 2018): inverted residuals with ReLU6 (exported as Clip),
  BN folded, residual Adds.

Weights are He-normal, biases and BN statistics random (the BN statistics are first measured on
random inputs so activations keep unit scale through the depth, then perturbed). For each
network NAME the folder gets NAME.onnx, NAME.input.npy (seeded N(0, 1) input) and NAME.torch.npy
(PyTorch's own output, an independent reference).
"""
import os
import sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_OUT = os.path.join(HERE, '..', '.cache', 'networks')


def conv(cin, cout, k, stride=1, groups=1, bias=True):
    return nn.Conv2d(cin, cout, k, stride, k // 2, groups=groups, bias=bias)


def conv_bn(cin, cout, k, stride=1, groups=1):
    return nn.Sequential(conv(cin, cout, k, stride, groups, bias=False), nn.BatchNorm2d(cout))


class RepVGGA0(nn.Module):
    """Deploy form: widths [48, 48, 96, 192, 1280] (a = 0.75, b = 2.5), depths [1, 2, 4, 14, 1]."""

    def __init__(self):
        super().__init__()
        layers, cin = [], 3
        for width, depth in zip([48, 48, 96, 192, 1280], [1, 2, 4, 14, 1]):
            for i in range(depth):
                layers += [conv(cin, width, 3, 2 if i == 0 else 1), nn.ReLU()]
                cin = width
        self.features = nn.Sequential(*layers)
        self.fc = nn.Linear(1280, 1000)

    def forward(self, x):
        return self.fc(torch.flatten(F.adaptive_avg_pool2d(self.features(x), 1), 1))


class MobileOneS0(nn.Module):
    """Deploy form: width multipliers (0.75, 1, 1, 2), blocks [2, 8, 10, 1], no SE."""

    def __init__(self):
        super().__init__()
        layers = [conv(3, 48, 3, 2), nn.ReLU()]
        cin = 48
        for planes, blocks in zip([48, 128, 256, 1024], [2, 8, 10, 1]):
            for i in range(blocks):
                stride = 2 if i == 0 else 1
                layers += [conv(cin, cin, 3, stride, groups=cin), nn.ReLU()]
                layers += [conv(cin, planes, 1), nn.ReLU()]
                cin = planes
        self.features = nn.Sequential(*layers)
        self.linear = nn.Linear(1024, 1000)

    def forward(self, x):
        return self.linear(torch.flatten(F.adaptive_avg_pool2d(self.features(x), 1), 1))


class BasicBlock(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.a = conv_bn(cin, cout, 3, stride)
        self.b = conv_bn(cout, cout, 3)
        self.down = conv_bn(cin, cout, 1, stride) if stride != 1 or cin != cout else None

    def forward(self, x):
        skip = x if self.down is None else self.down(x)
        return F.relu(self.b(F.relu(self.a(x))) + skip)


class ResNet18(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = nn.Sequential(conv_bn(3, 64, 7, 2), nn.ReLU(), nn.MaxPool2d(3, 2, 1))
        blocks, cin = [], 64
        for width, stride in [(64, 1), (128, 2), (256, 2), (512, 2)]:
            blocks += [BasicBlock(cin, width, stride), BasicBlock(width, width, 1)]
            cin = width
        self.blocks = nn.Sequential(*blocks)
        self.fc = nn.Linear(512, 1000)

    def forward(self, x):
        return self.fc(torch.flatten(F.adaptive_avg_pool2d(self.blocks(self.stem(x)), 1), 1))


class InvertedResidual(nn.Module):
    def __init__(self, cin, cout, stride, expand):
        super().__init__()
        hidden = cin * expand
        layers = [] if expand == 1 else [conv_bn(cin, hidden, 1), nn.ReLU6()]
        layers += [conv_bn(hidden, hidden, 3, stride, groups=hidden), nn.ReLU6()]
        layers += [conv_bn(hidden, cout, 1)]
        self.body = nn.Sequential(*layers)
        self.residual = stride == 1 and cin == cout

    def forward(self, x):
        return x + self.body(x) if self.residual else self.body(x)


class MobileNetV2(nn.Module):
    """Width 1.0: (expansion, channels, repeats, stride) as in the paper's Table 2."""

    SETTINGS = [(1, 16, 1, 1), (6, 24, 2, 2), (6, 32, 3, 2), (6, 64, 4, 2),
                (6, 96, 3, 1), (6, 160, 3, 2), (6, 320, 1, 1)]

    def __init__(self):
        super().__init__()
        layers, cin = [conv_bn(3, 32, 3, 2), nn.ReLU6()], 32
        for t, c, n, s in self.SETTINGS:
            for i in range(n):
                layers.append(InvertedResidual(cin, c, s if i == 0 else 1, t))
                cin = c
        layers += [conv_bn(cin, 1280, 1), nn.ReLU6()]
        self.features = nn.Sequential(*layers)
        self.classifier = nn.Sequential(nn.Dropout(0.2), nn.Linear(1280, 1000))

    def forward(self, x):
        return self.classifier(torch.flatten(F.adaptive_avg_pool2d(self.features(x), 1), 1))


NETWORKS = {
    'repvgg-a0': RepVGGA0,
    'mobileone-s0': MobileOneS0,
    'resnet-18': ResNet18,
    'mobilenet-v2': MobileNetV2,
}


def initialize(model, seed):
    torch.manual_seed(seed)
    for m in model.modules():
        if isinstance(m, (nn.Conv2d, nn.Linear)):
            nn.init.kaiming_normal_(m.weight, nonlinearity='relu')
            if m.bias is not None:
                nn.init.uniform_(m.bias, -0.1, 0.1)
        if isinstance(m, nn.BatchNorm2d):
            m.momentum = None  # cumulative average over the calibration batches
    # Measure BN statistics on random inputs, then perturb the affine parameters.
    model.train()
    with torch.no_grad():
        for _ in range(2):
            model(torch.randn(4, 3, 224, 224))
        for m in model.modules():
            if isinstance(m, nn.BatchNorm2d):
                m.weight.uniform_(0.5, 1.5)
                m.bias.uniform_(-0.3, 0.3)
    return model.eval()


def write(name, out, seed):
    model = initialize(NETWORKS[name](), seed)
    x = torch.from_numpy(np.random.default_rng(seed).standard_normal((1, 3, 224, 224), dtype=np.float32))
    with torch.no_grad():
        y = model(x)
    path = os.path.join(out, f'{name}.onnx')
    torch.onnx.export(model, x, path, opset_version=13, input_names=['input'],
                      output_names=['output'], do_constant_folding=True)
    np.save(os.path.join(out, f'{name}.input.npy'), x.numpy())
    np.save(os.path.join(out, f'{name}.torch.npy'), y.numpy())
    print(f'networks.py: wrote {path}')


def main(argv):
    only = None
    if '--only' in argv:
        i = argv.index('--only')
        only = argv[i + 1].split(',')
        argv = argv[:i] + argv[i + 2:]
    out = os.path.abspath(argv[0] if argv else DEFAULT_OUT)
    os.makedirs(out, exist_ok=True)
    for seed, name in enumerate(NETWORKS, start=1):
        if only is None or name in only:
            write(name, out, seed)


if __name__ == '__main__':
    main(sys.argv[1:])
