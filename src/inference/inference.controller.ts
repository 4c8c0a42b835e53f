import { Controller, HttpCode, Param, Post, Req, Res } from '@nestjs/common';
import { ApiConsumes, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ExternalAccess } from '../auth/auth.decorator.js';
import { InferenceResponse, InferenceService } from './inference.service.js';

@ApiTags('inference')
@Controller('api/v1/inference')
export class InferenceController {
  constructor(private readonly inference: InferenceService) {}

  @Post(':modelId')
  @HttpCode(200)
  @ExternalAccess({ modelParam: 'modelId', countsUsage: true })
  @ApiConsumes('multipart/form-data', 'application/json')
  @ApiOperation({ summary: 'Run a deployed model on images (multipart or base64 JSON) or tensors; see docs/api/serving.md' })
  infer(@Param('modelId') modelId: string, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<InferenceResponse> {
    return this.inference.infer(modelId, request, reply);
  }
}
