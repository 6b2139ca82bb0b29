/** Raw exports of build/reparam.wasm (assembly/index.ts). Pointers are byte offsets in memory. */
export interface KernelExports {
  heapBase(): number;
  gemm(
    ap: number,
    bp: number,
    m: number,
    k: number,
    n: number,
    y: number,
    ldy: number,
    bias: number,
    relu: number,
    p0: number,
    p1: number,
  ): void;
  im2col(
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
    p0: number,
    p1: number,
  ): void;
  padPlanes(
    src: number,
    h: number,
    w: number,
    pt: number,
    pl: number,
    dst: number,
    hp: number,
    wp: number,
    c0: number,
    c1: number,
  ): void;
  winograd2Input(
    xp: number,
    hp: number,
    wp: number,
    c: number,
    th: number,
    tw: number,
    v: number,
    xiStride: number,
    c0: number,
    c1: number,
  ): void;
  winograd2Output(
    m: number,
    ldm: number,
    xiStride: number,
    th: number,
    tw: number,
    y: number,
    ho: number,
    wo: number,
    bias: number,
    relu: number,
    o0: number,
    o1: number,
  ): void;
}
