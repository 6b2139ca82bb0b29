import { getKernel, type TensorInfo } from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { ConvDims } from './conv-info.js';

/** One output phase along one axis of a transposed conv (see {@link inputGradientByPhases}). */
interface AxisPhase {
  /** Taps of the kernel in this phase: `r, r + s, ...`. */
  taps: number;
  /** First input position written, and how many (every s-th). */
  start: number;
  count: number;
  /** Padding of dy before and after, for a stride-1 conv with the phase's flipped taps. */
  before: number;
  after: number;
  r: number;
}

/**
 * Input position `i` of a conv reads dy at `q - a` through tap `r + s a` where `i + pad = r + s q`:
 * for each phase `r`, dx at `i = r - pad + s q` is a stride-1 correlation of dy with that phase's
 * taps, flipped. Undefined when a phase would need to crop dy (unusual paddings).
 */
function axisPhases(
  n: number,
  no: number,
  k: number,
  s: number,
  pad: number,
): AxisPhase[] | undefined {
  const phases: AxisPhase[] = [];
  for (let r = 0; r < s; r++) {
    const taps = r < k ? Math.ceil((k - r) / s) : 0;
    const q0 = Math.ceil((pad - r) / s);
    const q1 = Math.floor((n - 1 + pad - r) / s);
    const count = Math.max(0, q1 - q0 + 1);
    const before = taps - 1 - q0;
    const after = count - 1 + taps - no - before;
    if (taps > 0 && count > 0 && (before < 0 || after < 0)) return undefined;
    phases.push({ taps, start: r - pad + s * q0, count, before, after, r });
  }
  return phases;
}

/**
 * The input gradient of an undilated conv (dense HWIO `[kh, kw, ci, co]`, or depthwise
 * `[kh, kw, c, m]`) as `sh sw` stride-1 forward convs of dy on the wasm backend's own (XNNPACK)
 * Conv2D / DepthwiseConv2dNative, one per output phase: each phase's kernel holds every s-th tap,
 * flipped, in/out swapped, so together the convs do the forward conv's multiply-adds once (a
 * zero-spread dy would do s^2 times as many). Results are scattered into dx; a depthwise kernel
 * with multiplier m sums its m outputs per channel. Undefined when the geometry needs a crop.
 */
export function inputGradientByPhases(
  b: BackendWasm,
  dy: TensorInfo,
  weights: Float32Array,
  d: ConvDims,
  pads: { top: number; left: number },
  depthwise: boolean,
): TensorInfo | undefined {
  const { n, h, w, ci, ho, wo, co, kh, kw, sh, sw } = d;
  const ys = axisPhases(h, ho, kh, sh, pads.top);
  const xs = axisPhases(w, wo, kw, sw, pads.left);
  const conv = getKernel(depthwise ? 'DepthwiseConv2dNative' : 'Conv2D', 'wasm');
  if (ys === undefined || xs === undefined || conv === undefined) return undefined;
  const m = depthwise ? co / ci : 1;
  // Channels of dy the phase convs read, and of their outputs.
  const [cin, cout] = depthwise ? [co, co] : [co, ci];
  const dx = b.makeOutput([n, h, w, ci], 'float32');
  const single = sh === 1 && sw === 1 && m === 1;
  // Positions no phase writes (a kernel narrower than the stride) get no gradient.
  if (!single) (b.typedArrayFromHeap(dx) as Float32Array).fill(0);
  let result: TensorInfo | undefined;
  for (const py of ys) {
    for (const px of xs) {
      if (py.taps === 0 || px.taps === 0 || py.count === 0 || px.count === 0) continue;
      const f = new Float32Array(py.taps * px.taps * cin * (depthwise ? 1 : cout));
      for (let by = 0; by < py.taps; by++)
        for (let bx = 0; bx < px.taps; bx++) {
          const u = py.r + sh * (py.taps - 1 - by);
          const v = px.r + sw * (px.taps - 1 - bx);
          const to = ((by * px.taps + bx) * f.length) / (py.taps * px.taps);
          const from = (u * kw + v) * ci * (depthwise ? m : co);
          if (depthwise) f.set(weights.subarray(from, from + co), to);
          else
            for (let i = 0; i < ci; i++)
              for (let o = 0; o < co; o++) f[to + o * ci + i] = weights[from + i * co + o];
        }
      const filter = b.makeOutput(
        depthwise ? [py.taps, px.taps, cin, 1] : [py.taps, px.taps, cin, cout],
        'float32',
        undefined,
        f,
      );
      const z = conv.kernelFunc({
        inputs: { x: dy, filter },
        backend: b,
        attrs: {
          strides: 1,
          pad: [
            [0, 0],
            [py.before, py.after],
            [px.before, px.after],
            [0, 0],
          ],
          dataFormat: 'NHWC',
          dilations: 1,
        },
      }) as TensorInfo;
      b.disposeData(filter.dataId);
      if (single) {
        result = z;
        continue;
      }
      const zs = b.typedArrayFromHeap(z) as Float32Array;
      const out = b.typedArrayFromHeap(dx) as Float32Array;
      for (let bi = 0; bi < n; bi++)
        for (let ty = 0; ty < py.count; ty++)
          for (let tx = 0; tx < px.count; tx++) {
            const src = ((bi * py.count + ty) * px.count + tx) * cout;
            const dst = ((bi * h + py.start + sh * ty) * w + px.start + sw * tx) * ci;
            if (m === 1) out.set(zs.subarray(src, src + ci), dst);
            else
              for (let c = 0; c < ci; c++) {
                let sum = 0;
                for (let j = 0; j < m; j++) sum += zs[src + c * m + j];
                out[dst + c] = sum;
              }
          }
      b.disposeData(z.dataId);
    }
  }
  if (result !== undefined) {
    b.disposeData(dx.dataId);
    return result;
  }
  return dx;
}

/** Largest column matrix of {@link inputGradientByGemm}, in floats (16 MB), per batch chunk. */
const CHUNK_FLOATS = 1 << 22;

/**
 * The input gradient of a dense conv (HWIO `[kh, kw, ci, co]`, any stride and dilation) as one
 * product per batch chunk on the wasm backend's matrix product, `cols = dy W^T`
 * (`[n oh ow, co] x [co, kh kw ci]`), then a JS col2im that adds each column's taps into dx.
 * Faster than per-phase convs at stride > 1 when channels are few (each XNNPACK conv call packs
 * its weights, and a phase conv may have one output channel).
 */
export function inputGradientByGemm(
  b: BackendWasm,
  dy: TensorInfo,
  weights: Float32Array,
  d: ConvDims,
): TensorInfo | undefined {
  const { n, h, w, ci, ho, wo, co, kh, kw, sh, sw, dh, dw, top, left } = d;
  const matMul = getKernel('BatchMatMul', 'wasm');
  if (matMul === undefined) return undefined;
  const k = kh * kw * ci;
  // W^T: [co, (u, v, i)].
  const wt = new Float32Array(co * k);
  for (let t = 0; t < k; t++) for (let o = 0; o < co; o++) wt[o * k + t] = weights[t * co + o];
  const wtInfo = b.makeOutput([1, co, k], 'float32', undefined, wt);
  const dx = b.makeOutput([n, h, w, ci], 'float32');
  (b.typedArrayFromHeap(dx) as Float32Array).fill(0);
  const per = ho * wo;
  const nb = Math.max(1, Math.min(n, Math.floor(CHUNK_FLOATS / Math.max(1, k * per))));
  for (let n0 = 0; n0 < n; n0 += nb) {
    const nc = Math.min(nb, n - n0);
    const part = b.makeOutput([1, nc * per, co], 'float32');
    const src = b.typedArrayFromHeap(dy) as Float32Array;
    (b.typedArrayFromHeap(part) as Float32Array).set(
      src.subarray(n0 * per * co, (n0 + nc) * per * co),
    );
    const cols = matMul.kernelFunc({
      inputs: { a: part, b: wtInfo },
      backend: b,
      attrs: { transposeA: false, transposeB: false },
    }) as TensorInfo;
    b.disposeData(part.dataId);
    const cv = b.typedArrayFromHeap(cols) as Float32Array;
    const out = b.typedArrayFromHeap(dx) as Float32Array;
    for (let bi = 0; bi < nc; bi++) {
      const xb = (n0 + bi) * h * w * ci;
      for (let oy = 0; oy < ho; oy++)
        for (let ox = 0; ox < wo; ox++) {
          const row = ((bi * ho + oy) * wo + ox) * k;
          for (let u = 0; u < kh; u++) {
            const iy = oy * sh + u * dh - top;
            if (iy < 0 || iy >= h) continue;
            for (let v = 0; v < kw; v++) {
              const ix = ox * sw + v * dw - left;
              if (ix < 0 || ix >= w) continue;
              const at = xb + (iy * w + ix) * ci;
              const from = row + (u * kw + v) * ci;
              for (let i = 0; i < ci; i++) out[at + i] += cv[from + i];
            }
          }
        }
    }
    b.disposeData(cols.dataId);
  }
  b.disposeData(wtInfo.dataId);
  return dx;
}
