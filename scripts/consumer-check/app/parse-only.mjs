// An app with @reparam/onnx but without onnxruntime-web: parsing and writing work, running a
// model says what to install. Prints one line per check; exits 1 at the first that fails.
import { readFileSync } from 'node:fs';
import { convertModel, parseModel, serializeModel, UsageError } from '@reparam/onnx';

const bytes = readFileSync(new URL('./fixtures/repvgg_bn.onnx', import.meta.url));
const model = parseModel(bytes);
if (serializeModel(model).length === 0) throw new Error('parse-only: FAIL serializeModel');
console.log(
  `parse-only: ok  parsed and serialized ${model.graph.node.length} nodes without onnxruntime-web`,
);
try {
  await convertModel(model);
  throw new Error('parse-only: FAIL convertModel ran without onnxruntime-web');
} catch (e) {
  if (!(e instanceof UsageError) || !/npm install onnxruntime-web/.test(e.message)) throw e;
  console.log(`parse-only: ok  convertModel says: ${e.message}`);
}
