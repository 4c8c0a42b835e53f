import { Controller, HttpCode, Param, Post, Req, Res } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { inferenceResponseSchema } from './inference-response.schema.js';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AuditAction } from '../audit/audit.decorator.js';
import { Authenticated } from '../auth/auth.decorator.js';
import { WRITE_ROLES } from '../auth/auth.types.js';
import { openApiSchema } from '../common/validation.js';
import { jsonBodySchema } from './inference-request.reader.js';
import { httpInferenceCall, sendInferenceAnswer } from './inference-call.js';
import { InferenceService } from './inference.service.js';

/**
 * "Try it" for operators: the same pipeline, options and response as POST /api/v1/inference/:id,
 * authorised by the admin login instead of an access token (so it counts against none), and
 * recorded in the audit log.
 */
@ApiTags('models')
@Controller('api/v1/internal/models')
export class InternalInferenceController {
  constructor(private readonly inference: InferenceService) {}

  @Post(':id/infer')
  @HttpCode(200)
  @Authenticated({ roles: WRITE_ROLES })
  @AuditAction('model.infer')
  @ApiConsumes('multipart/form-data', 'application/json')
  @ApiBody({ description: 'As POST /api/v1/inference/{modelId}', schema: openApiSchema(jsonBodySchema) })
  @ApiOperation({ summary: 'Run a deployed model from the console (same body, options and response as the external inference route)' })
  @ApiOkResponse({ description: 'Predictions, detections or raw outputs per image, with the timing breakdown', schema: openApiSchema(inferenceResponseSchema) })
  async infer(@Param('id') id: string, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<unknown> {
    return sendInferenceAnswer(reply, await this.inference.infer(id, httpInferenceCall(request, reply)));
  }
}
