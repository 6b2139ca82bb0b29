import * as tf from '@tensorflow/tfjs';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ACBlock } from './index.js';
import {
  LegacyWeightsError,
  upgradeLegacyArtifacts,
  upgradeLegacyWeights,
} from './legacy-weights.js';
import { useBackend } from './test-helpers/backends.js';
import { saveToMemory } from './test-helpers/layers.js';

/** A model saved by the code before the fused batch-norm change, and what that code computed. */
interface LegacyFixture {
  modelTopology: object;
  weightSpecs: tf.io.WeightsManifestEntry[];
  weightData: string;
  input: { shape: number[]; values: number[] };
  output: { shape: number[]; values: number[] };
}

const fixture = (file: string): LegacyFixture =>
  JSON.parse(
    readFileSync(new URL(`./test-helpers/legacy-models/${file}`, import.meta.url), 'utf8'),
  ) as LegacyFixture;

const artifacts = (f: LegacyFixture): tf.io.ModelArtifacts => {
  const bytes = Buffer.from(f.weightData, 'base64');
  return {
    modelTopology: f.modelTopology,
    weightSpecs: f.weightSpecs,
    weightData: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength),
  };
};

describe('upgradeLegacyWeights', () => {
  for (const file of ['legacy-acb-repvgg.json', 'legacy-dbb-mobileone.json']) {
    it(`loads ${file} (old per-branch names) with the outputs the old code computed`, async () => {
      await useBackend('cpu');
      const f = fixture(file);
      await expect(tf.loadLayersModel(tf.io.fromMemory(artifacts(f)))).rejects.toThrow(
        /no target variable/,
      );
      const model = await tf.loadLayersModel(upgradeLegacyWeights(tf.io.fromMemory(artifacts(f))));
      const y = tf.tidy(() => model.predict(tf.tensor(f.input.values, f.input.shape)) as tf.Tensor);
      expect(y.shape).toEqual(f.output.shape);
      const got = y.dataSync();
      const scale = Math.max(...f.output.values.map(Math.abs));
      const worst = Math.max(...f.output.values.map((v, i) => Math.abs(v - got[i])));
      expect(worst).toBeLessThan(1e-5 * scale);
      y.dispose();
      model.dispose();
    });
  }

  it('refuses an old-named layer with a missing weight, naming the layer', async () => {
    await useBackend('cpu');
    const a = artifacts(fixture('legacy-acb-repvgg.json'));
    const weights = tf.io.decodeWeights(a.weightData!, a.weightSpecs!);
    tf.dispose(weights['acb/vertical_bn_gamma']);
    delete weights['acb/vertical_bn_gamma'];
    const { data, specs } = await tf.io.encodeWeights(weights);
    tf.dispose(Object.values(weights));
    const broken = { ...a, weightSpecs: specs, weightData: data };
    const error = await upgradeLegacyArtifacts(broken).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LegacyWeightsError);
    expect((error as LegacyWeightsError).layer).toBe('acb');
    expect((error as Error).message).toMatch(/'acb' \(ACBlock\).*vertical_bn_gamma/);
  });

  it('returns artifacts in the current naming as they are', async () => {
    await useBackend('cpu');
    const input = tf.input({ shape: [5, 5, 2] });
    const model = tf.model({
      inputs: input,
      outputs: new ACBlock({ filters: 2 }).apply(input) as tf.SymbolicTensor,
    });
    const saved = await saveToMemory(model);
    expect(await upgradeLegacyArtifacts(saved)).toBe(saved);
    model.dispose();
  });
});
