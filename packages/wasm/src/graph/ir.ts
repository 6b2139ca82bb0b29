import type { Conv, Floats } from '@reparam/core';

/** An activation fused into a conv, Gemm or add, or run on its own. */
export type Activation =
  | { readonly kind: 'relu' }
  /** min(max(x, min), max); ReLU6 is min 0, max 6. */
  | { readonly kind: 'clip'; readonly min: number; readonly max: number }
  /** x >= 0 ? x : alpha x. */
  | { readonly kind: 'leakyRelu'; readonly alpha: number }
  /** x * clamp(x / 6 + 1 / 2, 0, 1) (ONNX HardSwish). */
  | { readonly kind: 'hardSwish' }
  | { readonly kind: 'sigmoid' }
  /** clamp(alpha x + beta, 0, 1). */
  | { readonly kind: 'hardSigmoid'; readonly alpha: number; readonly beta: number };

/** A 2-D pooling window: kernel, stride and [top, left, bottom, right] padding. */
export interface PoolWindow {
  readonly kernel: readonly [number, number];
  readonly stride: readonly [number, number];
  readonly padding: readonly [number, number, number, number];
}

interface Base {
  /** The node's name in the source model, for messages. */
  readonly name: string;
  /** Names of the input values (graph inputs or other nodes' outputs). */
  readonly inputs: readonly string[];
  readonly output: string;
}

/**
 * One operator of a deploy graph, NCHW float32. Weights live in the node (constant inputs of the
 * source model are folded in when it is loaded).
 */
export type GraphNode = Base &
  (
    | {
        /** y = act(conv(x) + residual): inputs [x] or [x, residual] (same shape as y). */
        readonly op: 'conv';
        readonly conv: Conv;
        readonly activation?: Activation;
      }
    /** y = act(x1 + x2 + ...): equal shapes, or any input broadcast over planes ([n|1, c, 1, 1]). */
    | { readonly op: 'add'; readonly activation?: Activation }
    /** y = x1 * x2: equal shapes, or one broadcast over planes (squeeze-and-excitation). */
    | { readonly op: 'mul' }
    | { readonly op: 'activation'; readonly activation: Activation }
    /** Concatenation along `axis` (1 is the only one supported: channels). */
    | { readonly op: 'concat'; readonly axis: number }
    | { readonly op: 'maxPool'; readonly window: PoolWindow }
    | { readonly op: 'avgPool'; readonly window: PoolWindow; readonly countIncludePad: boolean }
    | { readonly op: 'globalAvgPool' }
    | { readonly op: 'globalMaxPool' }
    /** Spatial padding with a constant, [top, left, bottom, right]. */
    | {
        readonly op: 'pad';
        readonly padding: readonly [number, number, number, number];
        readonly value: number;
      }
    /**
     * y[n, c, ...] = x[n, c, ...] * scale[c] + shift[c] along axis 1 (an unfused batch-norm, or
     * Mul / Add / Sub / Div by a constant); `scale` and `shift` have 1 or C entries. A constant
     * of rank r broadcast per channel needs inputs of rank `rank` (undefined: any rank).
     */
    | {
        readonly op: 'channelAffine';
        readonly scale: Floats;
        readonly shift: Floats;
        readonly rank?: number;
      }
    /**
     * A reshape that keeps the data (Flatten, Reshape, Squeeze, Unsqueeze, Identity, Dropout):
     * `shape` as ONNX Reshape's (0 copies the input's dim, -1 takes the rest), or Flatten at
     * `flattenAxis`, or Squeeze / Unsqueeze of `squeezeAxes` / `unsqueezeAxes` (squeeze without
     * axes drops every 1); none of them: the identity.
     */
    | {
        readonly op: 'reshape';
        readonly shape?: readonly number[];
        readonly flattenAxis?: number;
        readonly squeezeAxes?: readonly number[] | 'all';
        readonly unsqueezeAxes?: readonly number[];
      }
    /** y = act(x W^T + b) on [n, k] inputs, W [out, k] row-major (Gemm, MatMul). */
    | {
        readonly op: 'dense';
        readonly weight: Floats;
        readonly bias: Floats;
        readonly activation?: Activation;
      }
    /** Softmax along `axis`; with `coerce2d` (ONNX opset < 13) over all dims from `axis` on. */
    | { readonly op: 'softmax'; readonly axis: number; readonly coerce2d: boolean }
    /** Permutes the dims (rank <= 4), e.g. NHWC <-> NCHW at a tfjs model's boundary. */
    | { readonly op: 'transpose'; readonly perm: readonly number[] }
  );

/** A graph input: its name and dims (null where the model leaves a dim free). */
export interface GraphInput {
  readonly name: string;
  readonly shape: readonly (number | null)[];
}

/**
 * A deploy network as a DAG of {@link GraphNode}s in an order where every node comes after its
 * inputs, as {@link graphFromOnnx} and {@link graphFromTfjs} produce it and
 * {@link WasmGraph.compile} runs it.
 */
export interface DeployGraph {
  readonly inputs: readonly GraphInput[];
  readonly outputs: readonly string[];
  readonly nodes: readonly GraphNode[];
}

/** The node type of one operator. */
export type NodeOf<K extends GraphNode['op']> = Extract<GraphNode, { op: K }>;
