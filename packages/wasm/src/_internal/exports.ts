/**
 * Raw exports of build/reparam*.wasm (assembly/index.ts). Pointers are byte offsets in memory.
 * Every kernel ends with a range `[lo, hi)` of independent work items, so that a thread pool can
 * split one call between threads (see executor.ts).
 */
export interface KernelExports {
  heapBase: () => number;
  gemm: (...args: [...GemmArgs, p0: number, p1: number]) => void;
  gemmBatched: (...args: [...GemmBatchedArgs, x0: number, x1: number]) => void;
  gemmRows: (...args: [...GemmRowsArgs, p0: number, p1: number]) => void;
  gemmRowsByRows: (...args: [...GemmRowsArgs, r0: number, r1: number]) => void;
  depthwise3x3: (...args: [...Depthwise3x3Args, q0: number, q1: number]) => void;
  im2col: (...args: [...Im2colArgs, p0: number, p1: number]) => void;
  padPlanes: (...args: [...PadArgs, c0: number, c1: number]) => void;
  winograd2Input: (...args: [...WinogradInputArgs, c0: number, c1: number]) => void;
  winograd2Output: (...args: [...WinogradOutputArgs, o0: number, o1: number]) => void;
  winograd4Input: (...args: [...WinogradInputArgs, c0: number, c1: number]) => void;
  winograd4Output: (...args: [...WinogradOutputArgs, o0: number, o1: number]) => void;
  packGradRows: (...args: [...PackGradRowsArgs, r0: number, r1: number]) => void;
  im2colT: (...args: [...Im2colTArgs, q0: number, q1: number]) => void;
  col2im: (...args: [...Col2imArgs, c0: number, c1: number]) => void;
  weightGradDirect: (...args: [...WeightGradDirectArgs, c0: number, c1: number]) => void;
  transposeBatch: (...args: [...TransposeArgs, b0: number, b1: number]) => void;
  depthwiseConv: (...args: [...DepthwiseArgs, q0: number, q1: number]) => void;
  addVectors: (...args: [...AddArgs, v0: number, v1: number]) => void;
  mulVectors: (...args: [...MulArgs, v0: number, v1: number]) => void;
  activateVectors: (...args: [...ActivateArgs, v0: number, v1: number]) => void;
  broadcastPlanes: (...args: [...BroadcastArgs, q0: number, q1: number]) => void;
  channelAffine: (...args: [...AffineArgs, q0: number, q1: number]) => void;
  pool2d: (...args: [...PoolArgs, q0: number, q1: number]) => void;
  globalPool: (...args: [...GlobalPoolArgs, q0: number, q1: number]) => void;
  dense: (...args: [...DenseArgs, o0: number, o1: number]) => void;
}

type AddArgs = [a: number, b: number, y: number, epi: number];
type MulArgs = [a: number, b: number, y: number];
type ActivateArgs = [x: number, y: number, epi: number];
type BroadcastArgs = [
  x: number,
  s: number,
  y: number,
  plane: number,
  c: number,
  /** Values of s per image (0: the same for every image). */
  sImage: number,
  /** 0 add, 1 multiply. */
  op: number,
  epi: number,
];
type AffineArgs = [
  x: number,
  y: number,
  scale: number,
  scaleCount: number,
  shift: number,
  shiftCount: number,
  plane: number,
  c: number,
];
type PoolArgs = [
  x: number,
  h: number,
  w: number,
  kh: number,
  kw: number,
  sh: number,
  sw: number,
  pt: number,
  pl: number,
  y: number,
  ho: number,
  wo: number,
  isMax: number,
  includePad: number,
];
type GlobalPoolArgs = [x: number, plane: number, y: number, isMax: number];
type DenseArgs = [w: number, x: number, rows: number, k: number, o: number, y: number, epi: number];

type DepthwiseArgs = [
  xp: number,
  hp: number,
  wp: number,
  c: number,
  m: number,
  kh: number,
  kw: number,
  sh: number,
  sw: number,
  dh: number,
  dw: number,
  w: number,
  /** Epilogue descriptor (epilogue.ts), 0 for none. */
  epi: number,
  y: number,
  ho: number,
  wo: number,
];

type TransposeArgs = [src: number, rows: number, cols: number, dst: number];

type WeightGradDirectArgs = [
  xp: number,
  hp: number,
  wp: number,
  dy: number,
  og: number,
  ho: number,
  wd: number,
  cg: number,
  kh: number,
  kw: number,
  dh: number,
  dw: number,
  dW: number,
  /** Images, each cg xp planes and og dy planes after the previous one's. */
  n: number,
];

type PackGradRowsArgs = [
  dy: number,
  n: number,
  o: number,
  p: number,
  o0: number,
  og: number,
  dst: number,
];
type Geometry8 = [
  kh: number,
  kw: number,
  sh: number,
  sw: number,
  dh: number,
  dw: number,
  pt: number,
  pl: number,
];
type Im2colTArgs = [
  x: number,
  n: number,
  c: number,
  h: number,
  w: number,
  c0: number,
  cg: number,
  ...Geometry8,
  ho: number,
  wo: number,
  dst: number,
];
type Col2imArgs = [
  dcol: number,
  h: number,
  w: number,
  ...Geometry8,
  ho: number,
  wo: number,
  dx: number,
];

type GemmArgs = [
  ap: number,
  bp: number,
  m: number,
  k: number,
  n: number,
  y: number,
  ldy: number,
  /** Epilogue descriptor (epilogue.ts), 0 for none. */
  epi: number,
];
type Depthwise3x3Args = [
  x: number,
  h: number,
  w: number,
  c: number,
  m: number,
  stride: number,
  pt: number,
  pl: number,
  weights: number,
  epi: number,
  y: number,
  ho: number,
  wo: number,
  /** 0, or room for a padded copy of every output plane's input (small planes). */
  scratch: number,
];
type GemmRowsArgs = [
  ap: number,
  /** Row-major K x N B, read in place. */
  x: number,
  m: number,
  k: number,
  n: number,
  y: number,
  ldy: number,
  epi: number,
];
type GemmBatchedArgs = [
  ap: number,
  aStride: number,
  bp: number,
  bStride: number,
  m: number,
  k: number,
  n: number,
  y: number,
  yStride: number,
  ldy: number,
];
type Im2colArgs = [
  x: number,
  c: number,
  h: number,
  w: number,
  kh: number,
  kw: number,
  sh: number,
  sw: number,
  dh: number,
  dw: number,
  pt: number,
  pl: number,
  ho: number,
  wo: number,
  dst: number,
];
type PadArgs = [
  src: number,
  h: number,
  w: number,
  pt: number,
  pl: number,
  dst: number,
  hp: number,
  wp: number,
  /** Channels per image in the source (plane q = channel q % cg of image q / cg). */
  cg: number,
  /** Floats between images in the source. */
  imageStride: number,
];
type WinogradInputArgs = [
  xp: number,
  hp: number,
  wp: number,
  c: number,
  th: number,
  tw: number,
  v: number,
  xiStride: number,
];
type WinogradOutputArgs = [
  m: number,
  ldm: number,
  xiStride: number,
  th: number,
  tw: number,
  y: number,
  ho: number,
  wo: number,
  /** Epilogue descriptor (epilogue.ts), 0 for none. */
  epi: number,
  /** Output channels of the group (plane q = channel q % og of image q / og). */
  og: number,
  /** Floats between images in y. */
  yImage: number,
];

/** Arguments before the range, per kernel. */
export interface KernelArgs {
  gemm: GemmArgs;
  gemmBatched: GemmBatchedArgs;
  gemmRows: GemmRowsArgs;
  gemmRowsByRows: GemmRowsArgs;
  im2col: Im2colArgs;
  padPlanes: PadArgs;
  winograd2Input: WinogradInputArgs;
  winograd2Output: WinogradOutputArgs;
  winograd4Input: WinogradInputArgs;
  winograd4Output: WinogradOutputArgs;
  packGradRows: PackGradRowsArgs;
  im2colT: Im2colTArgs;
  col2im: Col2imArgs;
  weightGradDirect: WeightGradDirectArgs;
  transposeBatch: TransposeArgs;
  depthwiseConv: DepthwiseArgs;
  addVectors: AddArgs;
  mulVectors: MulArgs;
  activateVectors: ActivateArgs;
  broadcastPlanes: BroadcastArgs;
  channelAffine: AffineArgs;
  pool2d: PoolArgs;
  globalPool: GlobalPoolArgs;
  dense: DenseArgs;
  depthwise3x3: Depthwise3x3Args;
}

/** Names of the range-split kernels. */
export type KernelName = keyof KernelArgs;

/** All kernel names, in a fixed order (their index is the job code of the thread pool). */
export const KERNEL_NAMES: readonly KernelName[] = [
  'gemm',
  'gemmBatched',
  'im2col',
  'padPlanes',
  'winograd2Input',
  'winograd2Output',
  'packGradRows',
  'im2colT',
  'col2im',
  'weightGradDirect',
  'winograd4Input',
  'winograd4Output',
  'transposeBatch',
  'depthwiseConv',
  'addVectors',
  'mulVectors',
  'activateVectors',
  'broadcastPlanes',
  'channelAffine',
  'pool2d',
  'globalPool',
  'dense',
  'gemmRows',
  'gemmRowsByRows',
  'depthwise3x3',
];
