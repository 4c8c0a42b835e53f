import { Controller, HttpCode, Param, Post, Req, Res } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { inferenceResponseSchema } from './inference-response.schema.js';
import { openApiSchema } from '../common/validation.js';
import { jsonBodySchema } from './inference-request.reader.js';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ExternalAccess } from '../auth/auth.decorator.js';
import { httpInferenceCall, sendInferenceAnswer } from './inference-call.js';
import { InferenceService } from './inference.service.js';

@ApiTags('inference')
@Controller('api/v1/inference')
export class InferenceController {
  constructor(private readonly inference: InferenceService) {}

  @Post(':modelId')
  @HttpCode(200)
  @ExternalAccess({ modelParam: 'modelId', countsUsage: true })
  @ApiConsumes('multipart/form-data', 'application/json')
  @ApiBody({
    description: 'JSON: exactly one of image / images / inputs, plus options. Multipart: `image` file parts plus option fields.',
    schema: openApiSchema(jsonBodySchema),
  })
  @ApiOperation({ summary: 'Run a deployed model on images (multipart or base64 JSON) or tensors; `output=raw&encoding=binary` answers raw tensors as bytes; see docs/api/serving.md' })
  @ApiOkResponse({ description: 'Predictions, detections or raw outputs per image, with the timing breakdown', schema: openApiSchema(inferenceResponseSchema) })
  async infer(@Param('modelId') modelId: string, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<unknown> {
    return sendInferenceAnswer(reply, await this.inference.infer(modelId, httpInferenceCall(request, reply)));
  }
}
