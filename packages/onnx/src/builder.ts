import type {
  AttributeProto,
  Dimension,
  ModelProto,
  NodeProto,
  TensorProto,
  ValueInfoProto,
} from './proto.js';
import { DataType, floatTensor, int64Tensor } from './tensor.js';

/** An attribute value: number (int when integral, unless wrapped with {@link float}), list, string or tensor. */
export type AttributeValue =
  | number
  | readonly number[]
  | string
  | TensorProto
  | { readonly float: number }
  | { readonly floats: readonly number[] };

/** Marks a number (or list) as a float attribute even when it is integral. */
export const float = (v: number): { readonly float: number } => ({ float: v });
/** Marks a list as a float-list attribute even when its entries are integral. */
export const floats = (v: readonly number[]): { readonly floats: readonly number[] } => ({
  floats: v,
});

/** Builds an `AttributeProto` from a plain value. */
export function attribute(name: string, value: AttributeValue): AttributeProto {
  const a: AttributeProto = { name, floats: [], ints: [], strings: [], tensors: [], graphs: [] };
  if (typeof value === 'number') {
    if (Number.isInteger(value)) Object.assign(a, { type: 2, i: value });
    else Object.assign(a, { type: 1, f: value });
  } else if (typeof value === 'string')
    Object.assign(a, { type: 3, s: new TextEncoder().encode(value) });
  else if (Array.isArray(value)) Object.assign(a, { type: 7, ints: [...(value as number[])] });
  else if ('float' in value) Object.assign(a, { type: 1, f: value.float });
  else if ('floats' in value) Object.assign(a, { type: 6, floats: [...value.floats] });
  else Object.assign(a, { type: 4, t: value });
  return a;
}

/** A float tensor `ValueInfoProto`; string dims are symbolic. */
export function valueInfo(
  name: string,
  dims: readonly (number | string)[],
  elemType: number = DataType.FLOAT,
): ValueInfoProto {
  const dim: Dimension[] = dims.map((d) =>
    typeof d === 'number' ? { dimValue: d } : { dimParam: d },
  );
  return { name, type: { tensorType: { elemType, shape: { dim } } } };
}

/**
 * Builds small ONNX models in code (tests, fixtures, exporters). Tensor names are unique; nodes
 * are appended in the order they are added.
 */
export class ModelBuilder {
  readonly nodes: NodeProto[] = [];
  readonly initializers: TensorProto[] = [];
  readonly inputs: ValueInfoProto[] = [];
  readonly outputs: ValueInfoProto[] = [];
  private counter = 0;

  constructor(
    readonly opset = 17,
    readonly graphName = 'graph',
  ) {}

  /** A fresh tensor name with the given prefix. */
  fresh(prefix: string): string {
    return `${prefix}_${this.counter++}`;
  }

  /** Declares a float graph input. */
  input(name: string, dims: readonly (number | string)[]): string {
    this.inputs.push(valueInfo(name, dims));
    return name;
  }

  /** Declares a graph output (float unless `elemType` says otherwise). */
  output(
    name: string,
    dims: readonly (number | string)[] = [],
    elemType: number = DataType.FLOAT,
  ): void {
    const info = valueInfo(name, dims, elemType);
    if (dims.length === 0) delete info.type?.tensorType?.shape;
    this.outputs.push(info);
  }

  /** A float32 initializer. */
  floats(dims: readonly number[], values: ArrayLike<number>, prefix = 'w'): string {
    const name = this.fresh(prefix);
    this.initializers.push(floatTensor(name, dims, values));
    return name;
  }

  /** An int64 initializer. */
  ints(dims: readonly number[], values: ArrayLike<number>, prefix = 'i'): string {
    const name = this.fresh(prefix);
    this.initializers.push(int64Tensor(name, dims, values));
    return name;
  }

  /** Appends a node with one output (or `outputs` of them) and returns the output names. */
  node(
    opType: string,
    inputs: readonly string[],
    attrs: Record<string, AttributeValue> = {},
    outputs = 1,
  ): string[] {
    const name = this.fresh(opType.toLowerCase());
    const out = Array.from({ length: outputs }, (_, k) =>
      outputs === 1 ? `${name}_out` : `${name}_out${k}`,
    );
    this.nodes.push({
      name,
      opType,
      input: [...inputs],
      output: out,
      domain: '',
      attribute: Object.entries(attrs).map(([k, v]) => attribute(k, v)),
    });
    return out;
  }

  /** Appends a node with one output and returns it. */
  op(
    opType: string,
    inputs: readonly string[],
    attrs: Record<string, AttributeValue> = {},
  ): string {
    return this.node(opType, inputs, attrs)[0];
  }

  /** The model built so far. */
  build(metadata: Record<string, string> = {}): ModelProto {
    return {
      irVersion: 8,
      producerName: '@reparam/onnx',
      opsetImport: [{ domain: '', version: this.opset }],
      metadataProps: Object.entries(metadata).map(([key, value]) => ({ key, value })),
      graph: {
        name: this.graphName,
        node: this.nodes,
        initializer: this.initializers,
        input: this.inputs,
        output: this.outputs,
        valueInfo: [],
      },
    };
  }
}
