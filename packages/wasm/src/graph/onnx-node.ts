import type { OnnxAttributeLike, OnnxNodeLike } from './onnx-model.js';

/** Refuses a node: the reason goes into the load error's list of unsupported nodes. */
export class Refusal extends Error {
  override readonly name = 'Refusal';
}

/** A node being translated: its attributes and constant inputs, refusing what does not fit. */
export class OnnxNodeReader {
  constructor(
    readonly node: OnnxNodeLike,
    readonly opset: number,
    private readonly constants: ReadonlyMap<string, { dims: number[]; values: Float64Array }>,
  ) {}

  attr(name: string): OnnxAttributeLike | undefined {
    return this.node.attribute.find((a) => a.name === name);
  }
  int(name: string, fallback: number): number {
    return this.attr(name)?.i ?? fallback;
  }
  float(name: string, fallback: number): number {
    return this.attr(name)?.f ?? fallback;
  }
  ints(name: string, fallback: readonly number[]): readonly number[] {
    const a = this.attr(name);
    return a === undefined ? fallback : a.ints;
  }
  string(name: string, fallback: string): string {
    const s = this.attr(name)?.s;
    return s === undefined ? fallback : new TextDecoder().decode(s);
  }

  /** Name of input `i`, or '' when absent (ONNX's optional inputs). */
  input(i: number): string {
    return this.node.input[i] ?? '';
  }
  isConstant(i: number): boolean {
    return this.constants.has(this.input(i));
  }
  /** The constant input `i`, refusing the node when it is computed at run time. */
  constant(i: number, what: string): { dims: number[]; values: Float64Array } {
    const c = this.constants.get(this.input(i));
    if (c === undefined) {
      throw new Refusal(
        `${what} (input ${i}, '${this.input(i)}') must be a constant (an initializer or Constant node)`,
      );
    }
    return c;
  }
  /** The constant input `i` when present, else undefined. */
  optionalConstant(i: number, what: string): { dims: number[]; values: Float64Array } | undefined {
    return this.input(i) === '' ? undefined : this.constant(i, what);
  }

  /** Refuses `auto_pad` other than NOTSET / VALID (the pads would depend on the input size). */
  explicitPads(): void {
    const autoPad = this.string('auto_pad', 'NOTSET');
    if (autoPad !== 'NOTSET' && autoPad !== 'VALID') {
      throw new Refusal(`auto_pad ${autoPad} is not supported; export with explicit pads`);
    }
  }

  /** 2-D [top, left, bottom, right] from ONNX pads [t, l, b, r]. */
  pads2d(): [number, number, number, number] {
    this.explicitPads();
    const p = this.ints('pads', [0, 0, 0, 0]);
    if (p.length !== 4) throw new Refusal(`pads [${p.join(', ')}] are not 2-D`);
    return [p[0], p[1], p[2], p[3]];
  }

  /** A 2-D pair attribute (strides, dilations, kernel_shape). */
  pair(name: string, fallback: number): [number, number] {
    const v = this.ints(name, [fallback, fallback]);
    if (v.length !== 2) throw new Refusal(`${name} [${v.join(', ')}] is not 2-D`);
    return [v[0], v[1]];
  }
}
