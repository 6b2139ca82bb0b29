// Times each tfjs gradient kernel of the two implementations on the same inputs, alternately:
// js = @reparam/tfjs's registerWasmTrainingKernels (JS loops + tfjs-wasm matmul / forward conv),
// simd = this package's registerWasmTrainingKernels (AssemblyScript SIMD).
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { registerWasmTrainingKernels as registerJs } from '@reparam/tfjs';
import { registerWasmTrainingKernels } from '../src/index.js';

const require = createRequire(import.meta.url);
setWasmPaths(
  `${dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'))}/`,
);
await tf.setBackend('wasm');
registerJs();
const names = [
  'Conv2DBackpropFilter',
  'Conv2DBackpropInput',
  'DepthwiseConv2dNativeBackpropFilter',
  'DepthwiseConv2dNativeBackpropInput',
];
const js = Object.fromEntries(names.map((n) => [n, tf.getKernel(n, 'wasm').kernelFunc]));
const reg = await registerWasmTrainingKernels(tf, { threads: 1 });
const simd = Object.fromEntries(names.map((n) => [n, tf.getKernel(n, 'wasm').kernelFunc]));
reg.unregister();
const backend = tf.backend();

type C = [string, number, number, number, number, number, number, boolean];
// label, n, hw, ci, co, k, stride, depthwise
const cases: C[] = [
  ['demo s0 3x3 1->16 s2', 64, 28, 1, 16, 3, 2, false],
  ['demo s1 3x3 16->32 s2', 64, 14, 16, 32, 3, 2, false],
  ['demo s1 3x3 32->32', 64, 7, 32, 32, 3, 1, false],
  ['demo s2 3x3 32->64 s2', 64, 7, 32, 64, 3, 2, false],
  ['demo s2 3x3 64->64', 64, 4, 64, 64, 3, 1, false],
  ['demo 1x1 32->32', 64, 7, 32, 32, 1, 1, false],
  ['r18 stem 7x7 3->16 s2', 16, 32, 3, 16, 7, 2, false],
  ['r18 3x3 16 8x8', 16, 8, 16, 16, 3, 1, false],
  ['r18 3x3 32 4x4', 16, 4, 32, 32, 3, 1, false],
  ['r18 3x3 64 2x2', 16, 2, 64, 64, 3, 1, false],
  ['r18 3x3 128 1x1', 16, 1, 128, 128, 3, 1, false],
  ['dw 3x3 96 14x14', 16, 14, 96, 96, 3, 1, true],
  ['dw 3x3 144 14x14 s2', 16, 14, 144, 144, 3, 2, true],
  ['dw 3x3 32 28x28', 64, 28, 32, 32, 3, 1, true],
];
const median = (v: number[]) => v.sort((a, b) => a - b)[v.length >> 1];
console.log('| case | kernel | js ms | simd ms | simd/js |');
console.log('|---|---|---|---|---|');
for (const [label, n, hw, ci, co, k, s, dw] of cases) {
  const x = tf.randomUniform([n, hw, hw, ci]);
  const fshape: [number, number, number, number] = dw ? [k, k, ci, 1] : [k, k, ci, co];
  const f = tf.randomUniform(fshape);
  const y = dw
    ? tf.depthwiseConv2d(x as tf.Tensor4D, f as tf.Tensor4D, s, 'same')
    : tf.conv2d(x as tf.Tensor4D, f as tf.Tensor4D, s, 'same');
  const dy = tf.randomUniform(y.shape);
  const pre = dw ? 'DepthwiseConv2dNative' : 'Conv2D';
  const attrs = { strides: s, pad: 'same', dataFormat: 'NHWC', dilations: 1 };
  for (const kind of ['BackpropFilter', 'BackpropInput']) {
    const name = pre + kind;
    const inputs = kind === 'BackpropFilter' ? { x, dy } : { dy, filter: f };
    const a =
      kind === 'BackpropFilter'
        ? { ...attrs, filterShape: fshape }
        : { ...attrs, inputShape: x.shape };
    // CPU time of the process (both kernels are single-threaded), robust to load from other jobs.
    const run = (fn: tf.KernelFunc) => {
      const t = process.cpuUsage();
      for (let r = 0; r < 5; r++) {
        const out = fn({ inputs, backend, attrs: a }) as tf.TensorInfo;
        backend.readSync(out.dataId);
        backend.disposeData(out.dataId);
      }
      const u = process.cpuUsage(t);
      return (u.user + u.system) / 5000;
    };
    const tj: number[] = [],
      ts: number[] = [];
    for (let i = 0; i < 3; i++) {
      run(js[name]);
      run(simd[name]);
    }
    for (let i = 0; i < 7; i++) {
      tj.push(run(js[name]));
      ts.push(run(simd[name]));
    }
    const a1 = median(tj),
      b1 = median(ts);
    console.log(
      `| ${label} | ${kind} | ${a1.toFixed(3)} | ${b1.toFixed(3)} | ${(b1 / a1).toFixed(2)} |`,
    );
  }
  tf.dispose([x, f, y, dy]);
}
reg.runtime.dispose();
process.exit(0);
