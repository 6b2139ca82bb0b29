import { ShapeError } from './errors.js';
import type { Floats } from './types.js';

/**
 * A strided view of a dense matrix: element `(r, c)` is `data[offset + r * rowStride + c *
 * colStride]`. Views let a product read one tap of an OIHW kernel (stride `kh * kw` between input
 * channels) without copying it first.
 */
export interface MatrixView<T extends Floats = Floats> {
  readonly data: T;
  readonly offset: number;
  readonly rows: number;
  readonly cols: number;
  readonly rowStride: number;
  readonly colStride: number;
}

/**
 * The matrix product that sequential composition (III) spends its time in: `c += a · b`
 * (`a` rows x k, `b` k x cols). `collapse` and `composeConvs` take one through their `product`
 * option, so a faster implementation (WebAssembly SIMD, `@reparam/wasm`'s
 * `wasmMatrixProduct`) can be injected; {@link jsMatrixProduct} is the default.
 */
export interface MatrixProduct {
  /**
   * The arithmetic of the product. A `float32` product (float32 operands and accumulation) is
   * used only where the result is float32 (`collapse`'s default precision); where float64 is
   * asked for, `collapse` uses {@link jsMatrixProduct} instead.
   */
  readonly precision: 'float32' | 'float64';
  /** `c += a · b`; `c` is float64 and does not overlap `a` or `b`. */
  multiplyAdd(a: MatrixView, b: MatrixView, c: MatrixView<Float64Array>): void;
}

/** Throws a {@link ShapeError} naming `fn` unless `a`, `b` and `c` fit a product and their arrays. */
export function checkProduct(
  a: MatrixView,
  b: MatrixView,
  c: MatrixView<Float64Array>,
  fn: string,
): void {
  if (a.cols !== b.rows || c.rows !== a.rows || c.cols !== b.cols) {
    throw new ShapeError(
      `${fn}: cannot add a ${a.rows}x${a.cols} times ${b.rows}x${b.cols} product into ${c.rows}x${c.cols}`,
    );
  }
  for (const [name, v] of [
    ['a', a],
    ['b', b],
    ['c', c],
  ] as const) {
    const last = v.offset + (v.rows - 1) * v.rowStride + (v.cols - 1) * v.colStride;
    if (v.rows > 0 && v.cols > 0 && (v.offset < 0 || last >= v.data.length)) {
      throw new ShapeError(
        `${fn}: view ${name} (${v.rows}x${v.cols} from ${v.offset}, strides ${v.rowStride}/${v.colStride}) reaches past its ${v.data.length} values`,
      );
    }
  }
}

const MR = 4;
const NR = 4;
/** Depth of one packed block: an A and a B panel (2 x 4 x KC doubles, 16 KiB) stay in L1. */
const KC = 256;

/**
 * `c += a · b` in float64 on the JavaScript engine: operands packed into 4-row and 4-column
 * panels, a 4x4 block of `c` accumulated in 16 locals per step (no allocation inside loops).
 * The default {@link MatrixProduct}; exact to float64 rounding.
 */
export const jsMatrixProduct: MatrixProduct = {
  precision: 'float64',
  multiplyAdd(a, b, c) {
    checkProduct(a, b, c, 'jsMatrixProduct');
    const m = a.rows;
    const n = b.cols;
    if (m === 0 || n === 0) return;
    const mPanels = Math.ceil(m / MR);
    const nPanels = Math.ceil(n / NR);
    const kc = Math.min(KC, a.cols);
    const packedA = packing(0, mPanels * MR * kc);
    const packedB = packing(1, nPanels * NR * kc);
    const block = packing(2, MR * NR);
    for (let k0 = 0; k0 < a.cols; k0 += KC) {
      const depth = Math.min(KC, a.cols - k0);
      packPanels(a, k0, depth, packedA, true);
      packPanels(b, k0, depth, packedB, false);
      for (let q = 0; q < nPanels; q++) {
        for (let t = 0; t < mPanels; t++) {
          microKernel(packedA, t * MR * depth, packedB, q * NR * depth, depth, block);
          addBlock(block, c, t * MR, q * NR, Math.min(MR, m - t * MR), Math.min(NR, n - q * NR));
        }
      }
    }
  },
};

/** Packing buffers, reused between calls (they never leave `multiplyAdd`), held weakly. */
const buffers: (WeakRef<Float64Array> | undefined)[] = [];

function packing(slot: number, length: number): Float64Array {
  let b = buffers[slot]?.deref();
  if (b === undefined || b.length < length) {
    b = new Float64Array(Math.max(length, 2 * (b?.length ?? 0)));
    buffers[slot] = new WeakRef(b);
  }
  return b;
}

/**
 * Packs `depth` steps of k from `k0` into panels of 4 interleaved rows of `a` (`rowsOfA`) or 4
 * interleaved columns of `b`, zero past the edge: `[panel][k][4]`.
 */
function packPanels(
  v: MatrixView,
  k0: number,
  depth: number,
  out: Float64Array,
  rowsOfA: boolean,
): void {
  const lines = rowsOfA ? v.rows : v.cols;
  const lineStride = rowsOfA ? v.rowStride : v.colStride;
  const kStride = rowsOfA ? v.colStride : v.rowStride;
  const data = v.data;
  const panels = Math.ceil(lines / 4);
  for (let p = 0; p < panels; p++) {
    const base = p * 4 * depth;
    for (let r = 0; r < 4; r++) {
      const line = p * 4 + r;
      if (line >= lines) {
        for (let k = 0; k < depth; k++) out[base + k * 4 + r] = 0;
        continue;
      }
      let at = v.offset + line * lineStride + k0 * kStride;
      for (let k = 0; k < depth; k++, at += kStride) out[base + k * 4 + r] = data[at];
    }
  }
}

/** `block` (4x4, row-major) = packed A panel x packed B panel over `depth` steps. */
// prettier-ignore
function microKernel(
  pa: Float64Array,
  a: number,
  pb: Float64Array,
  b: number,
  depth: number,
  block: Float64Array,
): void {
  let c00 = 0, c01 = 0, c02 = 0, c03 = 0;
  let c10 = 0, c11 = 0, c12 = 0, c13 = 0;
  let c20 = 0, c21 = 0, c22 = 0, c23 = 0;
  let c30 = 0, c31 = 0, c32 = 0, c33 = 0;
  for (let k = 0; k < depth; k++, a += 4, b += 4) {
    const a0 = pa[a], a1 = pa[a + 1], a2 = pa[a + 2], a3 = pa[a + 3];
    const b0 = pb[b], b1 = pb[b + 1], b2 = pb[b + 2], b3 = pb[b + 3];
    c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3;
    c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3;
    c20 += a2 * b0; c21 += a2 * b1; c22 += a2 * b2; c23 += a2 * b3;
    c30 += a3 * b0; c31 += a3 * b1; c32 += a3 * b2; c33 += a3 * b3;
  }
  block[0] = c00; block[1] = c01; block[2] = c02; block[3] = c03;
  block[4] = c10; block[5] = c11; block[6] = c12; block[7] = c13;
  block[8] = c20; block[9] = c21; block[10] = c22; block[11] = c23;
  block[12] = c30; block[13] = c31; block[14] = c32; block[15] = c33;
}

function addBlock(
  block: Float64Array,
  c: MatrixView<Float64Array>,
  r0: number,
  c0: number,
  rows: number,
  cols: number,
): void {
  for (let r = 0; r < rows; r++) {
    const at = c.offset + (r0 + r) * c.rowStride + c0 * c.colStride;
    for (let j = 0; j < cols; j++) c.data[at + j * c.colStride] += block[r * 4 + j];
  }
}
