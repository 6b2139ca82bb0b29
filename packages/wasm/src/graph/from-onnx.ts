import { UnsupportedModelError, type UnsupportedNode } from '../errors.js';
import type { DeployGraph, GraphInput, GraphNode } from './ir.js';
import { ONNX_OPS } from './onnx-ops.js';
import { OnnxNodeReader, Refusal } from './onnx-node.js';
import { ONNX_TYPE, tensorNumbers, type OnnxModelLike, type OnnxNodeLike } from './onnx-model.js';
import { inferShapes } from './shapes.js';

type Constant = { dims: number[]; values: Float64Array };

const isDefaultDomain = (domain: string | undefined) =>
  domain === undefined || domain === '' || domain === 'ai.onnx';

/** The value of a Constant node (value, value_float(s), value_int(s)), or a reason. */
function constantOf(node: OnnxNodeLike): Constant | string {
  const a = node.attribute[0];
  if (node.attribute.length !== 1 || a === undefined) return 'expected exactly one attribute';
  if (a.name === 'value' && a.t !== undefined) {
    const values = tensorNumbers(a.t);
    return typeof values === 'string' ? values : { dims: [...a.t.dims], values };
  }
  if (a.name === 'value_float') return { dims: [], values: Float64Array.of(a.f ?? 0) };
  if (a.name === 'value_int') return { dims: [], values: Float64Array.of(a.i ?? 0) };
  if (a.name === 'value_floats' || a.name === 'value_ints') {
    const v = a.name === 'value_floats' ? (a.floats ?? []) : a.ints;
    return { dims: [v.length], values: Float64Array.from(v) };
  }
  return `attribute '${a.name ?? ''}' is not supported`;
}

/**
 * The {@link DeployGraph} of an ONNX model (decoded by `@reparam/onnx`'s `parseModel` or
 * `readModel`): a deploy model as `reparam convert` writes it or as PyTorch exports plain conv
 * nets. Initializers and Constant nodes become weights; every node must be one of the
 * supported operators (see the README) on float32 tensors. Throws
 * {@link UnsupportedModelError} listing *every* node that cannot run, and core's `ShapeError`
 * when the input dims are fixed and a node does not fit them.
 */
export function graphFromOnnx(model: OnnxModelLike): DeployGraph {
  const graph = model.graph;
  if (graph === undefined) throw new UnsupportedModelError('graphFromOnnx: the model has no graph');
  const opset = model.opsetImport?.find((o) => isDefaultDomain(o.domain))?.version ?? 13;
  const unsupported: UnsupportedNode[] = [];
  const constants = new Map<string, Constant>();
  for (const t of graph.initializer) {
    const values = tensorNumbers(t);
    if (typeof values === 'string') {
      unsupported.push({ index: -1, name: t.name ?? '', opType: 'initializer', reason: values });
    } else constants.set(t.name ?? '', { dims: [...t.dims], values });
  }
  const inputs: GraphInput[] = [];
  for (const v of graph.input) {
    const name = v.name ?? '';
    if (constants.has(name)) continue;
    const tensor = v.type?.tensorType;
    if ((tensor?.elemType ?? ONNX_TYPE.float) !== ONNX_TYPE.float) {
      const reason = `graph input of element type ${tensor?.elemType}; only float32 is supported`;
      unsupported.push({ index: -1, name, opType: 'input', reason });
    }
    const dims = tensor?.shape?.dim ?? [];
    inputs.push({
      name,
      shape: dims.map((d) => (d.dimValue !== undefined && d.dimValue > 0 ? d.dimValue : null)),
    });
  }
  const defined = new Set(inputs.map((i) => i.name));
  const nodes: GraphNode[] = [];
  graph.node.forEach((node, index) => {
    const opType = node.opType ?? '';
    const name = node.name !== undefined && node.name !== '' ? node.name : (node.output[0] ?? '');
    const refuse = (reason: string) => {
      unsupported.push({ index, name, opType, reason });
      // Later nodes reading this one are checked for their own support only.
      for (const o of node.output) defined.add(o);
    };
    if (!isDefaultDomain(node.domain)) return refuse(`domain '${node.domain}' is not supported`);
    if (opType === 'Constant') {
      const c = constantOf(node);
      if (typeof c === 'string') return refuse(c);
      constants.set(node.output[0], c);
      return;
    }
    const translate = ONNX_OPS[opType];
    if (translate === undefined) return refuse(`operator ${opType} is not supported`);
    try {
      const t = translate(new OnnxNodeReader(node, opset, constants));
      const missing = t.inputs.find((i) => !defined.has(i));
      if (missing !== undefined) {
        return refuse(
          constants.has(missing)
            ? `input '${missing}' is a constant where a computed tensor is expected`
            : `input '${missing}' is not computed before this node`,
        );
      }
      nodes.push({ ...t, name, output: node.output[0] });
      defined.add(node.output[0]);
    } catch (e) {
      if (!(e instanceof Refusal)) throw e;
      refuse(e.message);
    }
  });
  const outputs = (graph.output ?? []).map((o) => o.name ?? '');
  for (const o of outputs) {
    if (!defined.has(o) && !unsupported.some((u) => u.name === o)) {
      unsupported.push({
        index: -1,
        name: o,
        opType: 'output',
        reason: 'is not computed by the graph',
      });
    }
  }
  if (unsupported.length > 0) throw UnsupportedModelError.of('graphFromOnnx', unsupported);
  const result: DeployGraph = { inputs, outputs, nodes };
  const fixed = inputs.every((i) => i.shape.every((d) => d !== null));
  if (fixed) inferShapes(result, new Map(inputs.map((i) => [i.name, i.shape as number[]])));
  return result;
}
