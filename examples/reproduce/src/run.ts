/** One run: one method on one architecture with one seed, trained and measured. */
import type * as tf from '@tensorflow/tfjs';
import { reparameterize, withSeededMathRandom } from '@reparam/tfjs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { architectures, type ArchId } from './architectures.js';
import { loadWeights, saveWeights } from './checkpoint.js';
import type { Split } from './data.js';
import { checkDeploySignature, deploySignature } from './deploy-signature.js';
import { accuracy, compareForms, predictAll } from './evaluate.js';
import { countParams, forwardMacsPerImage, latencyPair, type ParamCount } from './measure.js';
import { methodById } from './methods.js';
import { protocolId, type Protocol } from './protocol.js';
import { deriveSeed } from './random.js';
import { cpuSecondsSince, trainStage, type OnStep, type StageResult } from './train.js';

/** What to run. */
export interface RunSpec {
  arch: ArchId;
  method: string;
  seed: number;
  protocol: Protocol;
  /** Where baseline checkpoints are kept (for RefConv and its control). */
  cacheDir: string;
  commit: string;
}

/** Everything a run measured: the per-run JSON. */
export interface RunResult {
  schema: 1;
  protocolId: string;
  arch: ArchId;
  method: string;
  seed: number;
  protocol: Protocol;
  architecture: string;
  commit: string;
  startedAt: string;
  wallSeconds: number;
  /** CPU seconds of the worker process for the whole run (training, evaluation, timing). */
  cpuSeconds: number;
  machine: { cpu: string; cores: number; node: string; loadBefore: number[]; loadAfter: number[] };
  /** Training stages run here; a method starting from the baseline also counts its training. */
  stages: Array<{ name: string } & StageResult>;
  /** For methods that start from the trained baseline: its checkpoint was reused or retrained. */
  baseline?: 'checkpoint' | 'retrained';
  accuracy: { training: number; deploy: number };
  forms: {
    maxProbabilityDifference: number;
    differentPredictions: number;
    reparamRelativeDeviation: number;
  };
  params: { training: ParamCount; deploy: ParamCount };
  macsPerImage: { training: number; deploy: number };
  latencyMs: {
    batch1: { training: number; deploy: number };
    throughput: { batch: number; training: number; deploy: number };
  };
}

/** The baseline checkpoint of (protocol, arch, seed). */
export function checkpointPath(spec: RunSpec): string {
  return join(
    spec.cacheDir,
    'checkpoints',
    protocolId(spec.protocol),
    spec.arch,
    `seed-${spec.seed}.bin`,
  );
}

/** Runs one method: builds, trains, re-parameterizes, evaluates both forms, measures. */
export async function runOne(
  spec: RunSpec,
  data: { train: Split; test: Split },
  onStep: (stage: string) => OnStep,
): Promise<RunResult> {
  const started = new Date();
  const cpuStart = process.cpuUsage();
  const loadBefore = loadavg();
  const p = spec.protocol;
  const arch = architectures[spec.arch];
  const method = methodById(spec.method);
  const what = `${method.id} on ${spec.arch} (seed ${spec.seed})`;
  const build = (block: Parameters<typeof arch.build>[0]): tf.LayersModel =>
    withSeededMathRandom(deriveSeed(spec.seed, `init-${spec.arch}`), () => arch.build(block, p));

  // The baseline's deploy architecture, which every method must reproduce.
  const reference = build('conv');
  const referenceDeploy = reparameterize(reference).model;
  const signature = deploySignature(referenceDeploy);
  referenceDeploy.dispose();

  const stages: RunResult['stages'] = [];
  let model: tf.LayersModel;
  let baseline: RunResult['baseline'];
  if (method.start.kind === 'scratch') {
    reference.dispose();
    model = build(method.start.block);
  } else {
    model = reference;
    if (loadWeights(model, checkpointPath(spec))) baseline = 'checkpoint';
    else {
      baseline = 'retrained';
      const s = await trainStage(model, data.train, p, spec.seed, '1', onStep('baseline'));
      stages.push({ name: 'baseline (retrained)', ...s });
      saveWeights(model, checkpointPath(spec));
    }
    const transformed = method.start.transform(model);
    if (transformed !== model) model.dispose();
    model = transformed;
  }

  const macsTraining = await forwardMacsPerImage(model, p.batchSize, true);
  const paramsTraining = countParams(model);
  const stage = method.start.kind === 'scratch' ? '1' : '2';
  const own = await trainStage(model, data.train, p, spec.seed, stage, onStep(method.id));
  stages.push({ name: method.id, ...own });
  if (method.id === 'conv') saveWeights(model, checkpointPath(spec));

  const { model: deploy, report } = reparameterize(model);
  checkDeploySignature(what, deploySignature(deploy), signature);
  const pTraining = predictAll(model, data.test);
  const pDeploy = predictAll(deploy, data.test);
  const [b1Training, b1Deploy] = latencyPair(model, deploy, 1, p.latencyRuns);
  const [bnTraining, bnDeploy] = latencyPair(model, deploy, p.throughputBatch, p.throughputRuns);
  const result: RunResult = {
    schema: 1,
    protocolId: protocolId(p),
    arch: spec.arch,
    method: method.id,
    seed: spec.seed,
    protocol: p,
    architecture: arch.describe(p),
    commit: spec.commit,
    startedAt: started.toISOString(),
    wallSeconds: (Date.now() - started.getTime()) / 1000,
    cpuSeconds: cpuSecondsSince(cpuStart),
    machine: {
      cpu: cpus()[0]?.model ?? 'unknown',
      cores: cpus().length,
      node: process.version,
      loadBefore,
      loadAfter: loadavg(),
    },
    stages,
    baseline,
    accuracy: {
      training: accuracy(pTraining, data.test.labels),
      deploy: accuracy(pDeploy, data.test.labels),
    },
    forms: {
      ...compareForms(pTraining, pDeploy),
      reparamRelativeDeviation: report.output.relativeDeviation,
    },
    params: { training: paramsTraining, deploy: countParams(deploy) },
    macsPerImage: {
      training: macsTraining,
      deploy: await forwardMacsPerImage(deploy, p.batchSize, false),
    },
    latencyMs: {
      batch1: { training: b1Training, deploy: b1Deploy },
      throughput: { batch: p.throughputBatch, training: bnTraining, deploy: bnDeploy },
    },
  };
  model.dispose();
  deploy.dispose();
  return result;
}
