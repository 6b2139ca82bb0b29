import type { KernelBackend, KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import { ShapeError } from '@reparam/core';
import { floatMemory } from './_internal/float-memory.js';

/** Name of the kernel that builds an online block's KxK kernel from its branches. */
export const ONLINE_KERNEL = 'ReparamOnlineKernel';
/** Name of its gradient kernel. */
export const ONLINE_KERNEL_GRAD = 'ReparamOnlineKernelGrad';

/**
 * How a branch's weight enters the KxK kernel: `embed` (a `[kh, kw, c, m]` weight at the centre
 * of the window), `average` (a `[1, 1, c, m]` weight on every tap, over K^2: a 1x1 then an
 * average pool) or `identity` (no weight: the identity on the channels at the centre).
 */
export type OnlineBranchKind = 'embed' | 'average' | 'identity';

/** Attributes of both kernels. */
export interface OnlineKernelAttrs {
  kinds: OnlineBranchKind[];
  /** Window size K. */
  k: number;
  /** `[K, K, c, m]` depthwise kernel (output channel `c m + j`) rather than dense `[K, K, c, o]`. */
  depthwise: boolean;
}

interface Branch {
  kind: OnlineBranchKind;
  /** Index of its weight among the inputs, -1 for the identity. */
  input: number;
  kh: number;
  kw: number;
}

/** The branches and the kernel shape `[K, K, c, m]`; checks every weight's shape. */
function layout(
  fn: string,
  a: OnlineKernelAttrs,
  ws: TensorInfo[],
  scales: TensorInfo,
): { branches: Branch[]; c: number; m: number } {
  const [b, o] = scales.shape;
  if (b !== a.kinds.length)
    throw new ShapeError(`${fn}: ${a.kinds.length} branches, scales has ${b} rows`);
  let next = 0;
  let cm: [number, number] | undefined;
  const branches = a.kinds.map((kind): Branch => {
    if (kind === 'identity') return { kind, input: -1, kh: 1, kw: 1 };
    const w = ws[next];
    if (w === undefined) throw new ShapeError(`${fn}: missing weight w${next} of a ${kind} branch`);
    const [kh, kw, c, m] = w.shape;
    if (kind === 'average' && (kh !== 1 || kw !== 1))
      throw new ShapeError(`${fn}: an average branch takes a 1x1 weight, got ${kh}x${kw}`);
    if (kh > a.k || kw > a.k || (a.k - kh) % 2 !== 0 || (a.k - kw) % 2 !== 0)
      throw new ShapeError(`${fn}: a ${kh}x${kw} weight does not centre in a ${a.k}x${a.k} window`);
    if (cm !== undefined && (cm[0] !== c || cm[1] !== m))
      throw new ShapeError(
        `${fn}: weights disagree on channels: [${c}, ${m}] after [${cm.join(', ')}]`,
      );
    cm = [c, m];
    return { kind, input: next++, kh, kw };
  });
  if (cm === undefined) throw new ShapeError(`${fn}: needs at least one weighted branch`);
  const [c, m] = cm;
  if (o !== (a.depthwise ? c * m : m))
    throw new ShapeError(
      `${fn}: scales have ${o} channels, the kernel [${c}, ${m}] outputs ${a.depthwise ? c * m : m}`,
    );
  return { branches, c, m };
}

function weights(inputs: Record<string, TensorInfo | undefined>): TensorInfo[] {
  const ws: TensorInfo[] = [];
  for (let i = 0; inputs[`w${i}`] !== undefined; i++) ws.push(inputs[`w${i}`] as TensorInfo);
  return ws;
}

/** Shapes the loops need: window K, channels c, kernel last axis m, scales per branch o. */
interface Dims {
  k: number;
  c: number;
  m: number;
  o: number;
  depthwise: boolean;
}

/**
 * A branch's scales spread over one tap's `c m` kernel elements: element `i m + j` outputs to
 * channel j (dense) or `i m + j` (depthwise).
 */
function perElement(d: Dims, sc: Float32Array): Float32Array {
  if (d.depthwise) return sc;
  const out = new Float32Array(d.c * d.m);
  for (let i = 0; i < d.c; i++) out.set(sc, i * d.m);
  return out;
}

/** Adds per-element sums into per-output-channel ones (dense: over the input channels). */
function toChannels(d: Dims, perEl: Float64Array, ds: Float64Array): void {
  if (d.depthwise) {
    for (let e = 0; e < perEl.length; e++) ds[e] += perEl[e];
    return;
  }
  for (let i = 0; i < d.c; i++) for (let j = 0; j < d.m; j++) ds[j] += perEl[i * d.m + j];
}

/** `W += s E(w)` for one branch (`x` its weight, `sc` its row of scales). */
function addBranch(
  d: Dims,
  br: Branch,
  x: Float32Array | undefined,
  sc: Float32Array,
  w: Float32Array,
): void {
  const { k, c, m } = d;
  const cm = c * m;
  if (br.kind === 'identity') {
    const centre = ((k >> 1) * k + (k >> 1)) * cm;
    // Dense: kernel[h, h, i, i]; depthwise (multiplier 1): kernel[h, h, i, 0].
    for (let i = 0; i < c; i++) w[centre + i * m + (d.depthwise ? 0 : i)] += sc[i];
    return;
  }
  if (x === undefined) return;
  const s = perElement(d, sc);
  if (br.kind === 'average') {
    const f = 1 / (k * k);
    for (let e = 0; e < cm; e++) {
      const val = f * s[e] * x[e];
      for (let t = 0; t < k * k; t++) w[t * cm + e] += val;
    }
    return;
  }
  const [dh, dw] = [(k - br.kh) / 2, (k - br.kw) / 2];
  for (let u = 0; u < br.kh; u++)
    for (let v = 0; v < br.kw; v++) {
      const base = ((u + dh) * k + (v + dw)) * cm;
      const from = (u * br.kw + v) * cm;
      for (let e = 0; e < cm; e++) w[base + e] += s[e] * x[from + e];
    }
}

/** `dx = s E^T(g)` and `ds += sum g E(x)` for one branch. */
function branchGrad(
  d: Dims,
  br: Branch,
  x: Float32Array | undefined,
  sc: Float32Array,
  g: Float32Array,
  dx: Float32Array | undefined,
  ds: Float64Array,
): void {
  const { k, c, m } = d;
  const cm = c * m;
  if (br.kind === 'identity') {
    const centre = ((k >> 1) * k + (k >> 1)) * cm;
    for (let i = 0; i < c; i++) ds[i] += g[centre + i * m + (d.depthwise ? 0 : i)];
    return;
  }
  if (x === undefined || dx === undefined) return;
  const s = perElement(d, sc);
  const perEl = new Float64Array(cm);
  if (br.kind === 'average') {
    const f = 1 / (k * k);
    for (let e = 0; e < cm; e++) {
      let sum = 0;
      for (let t = 0; t < k * k; t++) sum += g[t * cm + e];
      dx[e] = f * s[e] * sum;
      perEl[e] = f * sum * x[e];
    }
  } else {
    const [dh, dw] = [(k - br.kh) / 2, (k - br.kw) / 2];
    for (let u = 0; u < br.kh; u++)
      for (let v = 0; v < br.kw; v++) {
        const base = ((u + dh) * k + (v + dw)) * cm;
        const from = (u * br.kw + v) * cm;
        for (let e = 0; e < cm; e++) {
          const gv = g[base + e];
          dx[from + e] = s[e] * gv;
          perEl[e] += gv * x[from + e];
        }
      }
  }
  toChannels(d, perEl, ds);
}

/**
 * Forward kernel (cpu and wasm): `W = sum_b s_b * E_b(w_b)` over the branches, `E_b` the
 * branch's place in the KxK window (`kinds`), scales `[B, o]` per output channel. Inputs
 * `w0, w1, ...` (the weighted branches in order) and `scales`; output W `[K, K, c, m]`.
 */
export const onlineKernel: KernelFunc = ({ inputs, backend, attrs }) => {
  const fn = ONLINE_KERNEL;
  const a = attrs as unknown as OnlineKernelAttrs;
  const ws = weights(inputs);
  const scales = (inputs as Record<string, TensorInfo>).scales;
  const { branches, c, m } = layout(fn, a, ws, scales);
  const mem = floatMemory(backend as KernelBackend);
  const [out] = mem.alloc([[a.k, a.k, c, m]]);
  const [w, s, ...wv] = mem.views(fn, [out, scales, ...ws]);
  const d: Dims = { k: a.k, c, m, o: s.length / branches.length, depthwise: a.depthwise };
  w.fill(0);
  branches.forEach((br, b) => {
    const x = br.input >= 0 ? wv[br.input] : undefined;
    addBranch(d, br, x, s.subarray(b * d.o, (b + 1) * d.o), w);
  });
  return out;
};

/**
 * Gradient kernel: inputs `dy` (the gradient of W), the weights and `scales`; outputs
 * `[dw0, dw1, ..., dscales]`: `dw_b = s_b E_b^T(dy)`, `ds_b[o] = sum dy E_b(w_b)` over the taps
 * and input channels of output channel o.
 */
export const onlineKernelGrad: KernelFunc = ({ inputs, backend, attrs }) => {
  const fn = ONLINE_KERNEL_GRAD;
  const a = attrs as unknown as OnlineKernelAttrs;
  const ws = weights(inputs);
  const { dy, scales } = inputs as Record<string, TensorInfo>;
  const { branches, c, m } = layout(fn, a, ws, scales);
  const mem = floatMemory(backend as KernelBackend);
  const outs = mem.alloc([...ws.map((w) => w.shape), scales.shape]);
  const views = mem.views(fn, [dy, scales, ...ws, ...outs]);
  const [g, s] = views;
  const wv = views.slice(2, 2 + ws.length);
  const dws = views.slice(2 + ws.length, 2 + 2 * ws.length);
  const d: Dims = { k: a.k, c, m, o: s.length / branches.length, depthwise: a.depthwise };
  const ds = new Float64Array(s.length);
  branches.forEach((br, b) => {
    const [x, dx] = br.input >= 0 ? [wv[br.input], dws[br.input]] : [undefined, undefined];
    const rows = [b * d.o, (b + 1) * d.o];
    branchGrad(d, br, x, s.subarray(rows[0], rows[1]), g, dx, ds.subarray(rows[0], rows[1]));
  });
  views[views.length - 1].set(ds);
  return outs;
};

/** Registration records of both kernels for one backend. */
export function onlineKernelConfigs(backendName: string): KernelConfig[] {
  return [
    { kernelName: ONLINE_KERNEL, backendName, kernelFunc: onlineKernel },
    { kernelName: ONLINE_KERNEL_GRAD, backendName, kernelFunc: onlineKernelGrad },
  ];
}
