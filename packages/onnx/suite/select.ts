import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  decodeTensor,
  denseTensor,
  readModel,
  type DenseTensor,
  type ModelProto,
} from '../src/index.js';

/** Where Debian's `libonnx-testdata` puts ONNX's backend test models (override: ONNX_TESTDATA). */
export const TESTDATA = process.env.ONNX_TESTDATA ?? '/usr/share/libonnx-testdata/data';

/** The folders of the test data that hold operator and small-model tests with their data. */
const CATEGORIES = ['node', 'pytorch-converted', 'pytorch-operator', 'simple'];

/**
 * Op types that make a test relevant to the converter: convolutions, normalisation, padding,
 * pooling, arithmetic, concatenation, reshaping, activations, and the ops that are identity or
 * random at inference. A model is selected when any of its nodes is one of them.
 */
export const RELEVANT_OPS = new Set(
  [
    'Conv ConvTranspose',
    'BatchNormalization InstanceNormalization LayerNormalization GroupNormalization',
    'LpNormalization MeanVarianceNormalization',
    'Pad AveragePool MaxPool GlobalAveragePool GlobalMaxPool LpPool',
    'Add Sub Mul Div Sum Mean Max Min',
    'Concat Reshape Flatten Squeeze Unsqueeze Transpose Slice Split Upsample Resize',
    'DepthToSpace SpaceToDepth Expand Tile',
    'Relu LeakyRelu PRelu Sigmoid Tanh Elu Selu Celu HardSigmoid HardSwish Softplus Softsign',
    'Clip Gelu Mish ThresholdedRelu Softmax LogSoftmax',
    'Dropout Identity Bernoulli RandomNormal RandomUniform RandomNormalLike RandomUniformLike',
    'Multinomial',
  ]
    .join(' ')
    .split(' '),
);

/** One test of the suite: the model, its first data set's inputs and expected outputs by name. */
export interface SuiteModel {
  /** `category/test_name`. */
  readonly id: string;
  readonly model: ModelProto;
  readonly inputs: Record<string, DenseTensor>;
  readonly expected: Record<string, DenseTensor>;
  /** Set when the test cannot be fed through onnxruntime's JavaScript API (sequence or optional inputs...). */
  readonly unusable?: string;
}

/** The ids (`category/test_name`) of the relevant tests with a model and a data set, sorted. */
export function suiteIds(root = TESTDATA): string[] {
  if (!existsSync(join(root, 'node')))
    throw new Error(
      `ONNX's backend test data is not in ${root}: apt-get install libonnx-testdata (or set ONNX_TESTDATA)`,
    );
  const ids: string[] = [];
  for (const category of CATEGORIES) {
    for (const name of readdirSync(join(root, category)).sort()) {
      const dir = join(root, category, name);
      if (!existsSync(join(dir, 'model.onnx')) || !existsSync(join(dir, 'test_data_set_0')))
        continue;
      ids.push(`${category}/${name}`);
    }
  }
  return ids.filter((id) => {
    const model = readModel(join(root, id, 'model.onnx'));
    return model.graph!.node.some(
      (n) => (n.domain ?? '') === '' && RELEVANT_OPS.has(n.opType ?? ''),
    );
  });
}

/** Reads a test: its model and the tensors of `test_data_set_0`. */
export function loadSuiteModel(id: string, root = TESTDATA): SuiteModel {
  const dir = join(root, id);
  const model = readModel(join(dir, 'model.onnx'));
  const graph = model.graph!;
  const inits = new Set(graph.initializer.map((t) => t.name));
  const inputs = graph.input.filter((v) => !inits.has(v.name));
  const outputs = graph.output;
  const notTensor = [...inputs, ...outputs].find((v) => v.type?.tensorType === undefined);
  const base = { id, model, inputs: {}, expected: {} };
  if (notTensor !== undefined)
    return {
      ...base,
      unusable: `'${notTensor.name ?? ''}' is not a tensor (sequence, map or optional)`,
    };
  const read = (kind: 'input' | 'output', names: readonly string[]) => {
    const out: Record<string, DenseTensor> = {};
    names.forEach((name, k) => {
      const file = join(dir, 'test_data_set_0', `${kind}_${k}.pb`);
      if (existsSync(file)) out[name] = denseTensor(decodeTensor(readFileSync(file)));
    });
    return out;
  };
  try {
    return {
      ...base,
      inputs: read(
        'input',
        inputs.map((v) => v.name ?? ''),
      ),
      expected: read(
        'output',
        outputs.map((v) => v.name ?? ''),
      ),
    };
  } catch (e) {
    return { ...base, unusable: `its data cannot be read (${(e as Error).message})` };
  }
}
