import { describeRuntime } from '@reparam/conformance';
import type { Conv, Tensor } from '@reparam/core';
import { ModelBuilder } from './builder.js';
import { runModel } from './ort-run.js';
import { serializeModel } from './model-io.js';

/** One Conv node in onnxruntime-web, the way the graph pass writes collapsed convolutions. */
async function runConv(input: Tensor, conv: Conv): Promise<ArrayLike<number>> {
  const b = new ModelBuilder(17);
  const x = b.input('x', input.shape);
  const g = conv.geometry;
  const y = b.op(
    'Conv',
    [x, b.floats(conv.shape, conv.weight), b.floats([conv.shape[0]], conv.bias)],
    {
      kernel_shape: [conv.shape[2], conv.shape[3]],
      strides: [...g.stride],
      pads: [...g.padding],
      dilations: [...g.dilation],
      group: g.groups,
    },
  );
  b.output(y);
  const out = await runModel(serializeModel(b.build()), {
    x: { dims: input.shape, data: Float32Array.from(input.data), type: 'float32' },
  });
  return out.get(y)!.data as Float32Array;
}

describeRuntime({ name: 'onnxruntime-web (wasm, 1 thread)', run: runConv });
