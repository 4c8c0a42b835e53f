/**
 * What a user might write instead of the platform: Fastify + multipart, sharp, and one
 * onnxruntime-node session, one session.run per request. Started as a child process by the
 * benchmark; configured through environment variables.
 */
import Fastify from 'fastify';
import multipart from '@fastify/multipart';
import * as ort from 'onnxruntime-node';
import { decodeToChw, IMAGENET_MEAN, IMAGENET_STD, topK } from './preprocess.js';

const modelPath = process.env.NAIVE_MODEL_PATH ?? '';
const size = Number(process.env.NAIVE_SIZE ?? 224);
const classes = Number(process.env.NAIVE_CLASSES ?? 1000);
const inputName = process.env.NAIVE_INPUT ?? 'input';
const outputName = process.env.NAIVE_OUTPUT ?? 'logits';

const session = await ort.InferenceSession.create(modelPath, {
  intraOpNumThreads: Number(process.env.ORT_INTRA_OP_THREADS ?? 1),
  interOpNumThreads: Number(process.env.ORT_INTER_OP_THREADS ?? 1),
  graphOptimizationLevel: 'all',
});

const app = Fastify({ logger: false, bodyLimit: 32 * 1024 * 1024 });
await app.register(multipart, { limits: { fileSize: 32 * 1024 * 1024, files: 1 } });

app.get('/health', async () => ({ status: 'ok' }));
app.post('/predict', async (request, reply) => {
  const file = await request.file();
  if (!file) return reply.status(400).send({ error: 'send an image' });
  const image = await file.toBuffer();
  const input = new Float32Array(3 * size * size);
  try {
    await decodeToChw(image, size, { mean: IMAGENET_MEAN, std: IMAGENET_STD }, input, 0);
  } catch {
    return reply.status(400).send({ error: 'not an image' });
  }
  const output = await session.run({ [inputName]: new ort.Tensor('float32', input, [1, 3, size, size]) });
  // A dense model (classes 0): the raw map as JSON numbers, as a hand-written server would send it.
  if (classes === 0) return { outputs: { [outputName]: { shape: output[outputName].dims, data: Array.from(output[outputName].data as Float32Array) } } };
  const predictions = topK(output[outputName].data as Float32Array, 0, classes, 5).map(({ index, score }) => ({ label: String(index), score }));
  return { predictions };
});

await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT ?? 0) });
const address = app.server.address();
process.stdout.write(`${JSON.stringify({ listening: typeof address === 'object' && address ? address.port : null })}\n`);
process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
