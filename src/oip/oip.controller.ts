import { Body, Controller, Get, HttpCode, Param, Post, Req, Res, UseFilters } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ExternalAccess } from '../auth/auth.decorator.js';
import { openApiSchema } from '../common/validation.js';
import { resolveBody } from '../common/deferred-body.js';
import { clientAbortSignal } from '../inference/client-abort.js';
import { OIP_SCHEMAS, OipResponses } from './oip-openapi.js';
import { formatRestInferResponse, INFERENCE_HEADER_LENGTH, parseRestInferRequest, v2InferRequestSchema } from './oip-rest.codec.js';
import { OipService } from './oip.service.js';
import { V2ErrorFilter } from './v2-error.filter.js';

/** Open Inference Protocol (KServe v2) over REST. `:name` is a model's unique name or its id. */
@ApiTags('open inference protocol (v2)')
@Controller('v2')
@UseFilters(V2ErrorFilter)
export class OipController {
  constructor(private readonly oip: OipService) {}

  @Get()
  @ApiOperation({ summary: 'Server metadata: name, version and the extensions implemented' })
  @OipResponses(OIP_SCHEMAS.serverMetadata, [])
  server() {
    return this.oip.serverMetadata();
  }

  @Get('health/live')
  @ApiOperation({ summary: 'Liveness (public)' })
  @OipResponses(OIP_SCHEMAS.live, [503])
  live(@Res({ passthrough: true }) reply: FastifyReply) {
    const live = this.oip.isLive();
    reply.status(live ? 200 : 503);
    return { live };
  }

  @Get('health/ready')
  @ApiOperation({ summary: 'Readiness (public): 503 until start-up work is done and while shutting down' })
  @OipResponses(OIP_SCHEMAS.ready, [503])
  ready(@Res({ passthrough: true }) reply: FastifyReply) {
    const ready = this.oip.isReady();
    reply.status(ready ? 200 : 503);
    return { ready };
  }

  @Get('models/:name')
  @ExternalAccess({ modelParam: 'name' })
  @ApiOperation({ summary: 'Model metadata: platform, versions, inputs and outputs (-1 for dynamic dimensions)' })
  @OipResponses(OIP_SCHEMAS.modelMetadata)
  metadata(@Param('name') name: string) {
    return this.oip.modelMetadata(name);
  }

  @Get('models/:name/versions/:version')
  @ExternalAccess({ modelParam: 'name' })
  @ApiOperation({ summary: 'Model metadata for the version being served (404 for any other version)' })
  @OipResponses(OIP_SCHEMAS.modelMetadata)
  versionMetadata(@Param('name') name: string, @Param('version') version: string) {
    return this.oip.modelMetadata(name, version);
  }

  @Get('models/:name/ready')
  @ExternalAccess({ modelParam: 'name' })
  @ApiOperation({ summary: 'Model readiness: 200 ready, 503 not deployed or draining' })
  @OipResponses(OIP_SCHEMAS.modelReady)
  modelReady(@Param('name') name: string, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.readyReply(this.oip.modelReady(name), reply);
  }

  @Get('models/:name/versions/:version/ready')
  @ExternalAccess({ modelParam: 'name' })
  @ApiOperation({ summary: 'Readiness of a specific version' })
  @OipResponses(OIP_SCHEMAS.modelReady)
  versionReady(@Param('name') name: string, @Param('version') version: string, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.readyReply(this.oip.modelReady(name, version), reply);
  }

  @Post('models/:name/infer')
  @HttpCode(200)
  @ExternalAccess({ modelParam: 'name', countsUsage: true })
  @ApiOperation({ summary: 'Inference: JSON tensors, or JSON followed by binary tensors (application/octet-stream with Inference-Header-Content-Length)' })
  @ApiConsumes('application/json', 'application/octet-stream')
  @ApiBody({ schema: openApiSchema(v2InferRequestSchema) })
  @OipResponses(OIP_SCHEMAS.inferResponse)
  infer(@Param('name') name: string, @Body() body: unknown, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.runInfer(name, undefined, body, request, reply);
  }

  @Post('models/:name/versions/:version/infer')
  @HttpCode(200)
  @ExternalAccess({ modelParam: 'name', countsUsage: true })
  @ApiOperation({ summary: 'Inference pinned to a version; it must be the version being served' })
  @ApiConsumes('application/json', 'application/octet-stream')
  @ApiBody({ schema: openApiSchema(v2InferRequestSchema) })
  @OipResponses(OIP_SCHEMAS.inferResponse)
  inferVersion(
    @Param('name') name: string,
    @Param('version') version: string,
    @Body() body: unknown,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return this.runInfer(name, version, body, request, reply);
  }

  private async readyReply(result: Promise<{ name: string; ready: boolean }>, reply: FastifyReply) {
    const answer = await result;
    reply.status(answer.ready ? 200 : 503);
    return answer;
  }

  private async runInfer(name: string, version: string | undefined, body: unknown, request: FastifyRequest, reply: FastifyReply) {
    const result = await this.oip.infer(name, version, async () => parseRestInferRequest(await resolveBody(body), request.headers), {
      signal: clientAbortSignal(reply),
      onModel: (id) => (request.modelId = id),
    });
    const response = formatRestInferResponse(result);
    if (response.headerLength === undefined) return response.body;
    reply.header(INFERENCE_HEADER_LENGTH, String(response.headerLength)).type('application/octet-stream');
    return response.body;
  }
}
