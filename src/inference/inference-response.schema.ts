import { z } from 'zod';

/** Response shape of the REST inference routes (OpenAPI only). */
const prediction = z.object({ index: z.number().int(), label: z.string(), score: z.number() });
const detection = prediction.extend({ box: z.object({ x: z.number(), y: z.number(), width: z.number(), height: z.number() }).describe('In the original image\'s pixels') });
const rawTensor = z.object({ shape: z.array(z.number()), dtype: z.string(), data: z.array(z.union([z.number(), z.string(), z.boolean()])) });

export const inferenceResponseSchema = z.object({
  modelId: z.string(),
  version: z.number().int(),
  requestId: z.string(),
  results: z.array(
    z.union([
      z.object({ predictions: z.array(prediction) }),
      z.object({ detections: z.array(detection) }),
      z.object({ outputs: z.record(z.string(), rawTensor) }),
    ]),
  ),
  timing: z.object({ queueMs: z.number(), preprocessMs: z.number(), inferenceMs: z.number(), postprocessMs: z.number(), totalMs: z.number() }),
});
