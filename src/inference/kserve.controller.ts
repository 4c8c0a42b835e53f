import { Body, Controller, Get, HttpCode, Param, Post, Req, Res, UseFilters } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { openApiSchema } from '../common/validation.js';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ExternalAccess } from '../auth/auth.decorator.js';
import { KserveService, v2InferRequestSchema } from './kserve.service.js';
import { V2ErrorFilter } from './v2-error.filter.js';

/** KServe v2 / Open Inference Protocol (REST). `:name` is a model id or its unique name. */
@ApiTags('kserve v2')
@Controller('v2')
@UseFilters(V2ErrorFilter)
export class KserveController {
  constructor(private readonly kserve: KserveService) {}

  @Get()
  @ApiOperation({ summary: 'Server metadata' })
  server() {
    return this.kserve.serverMetadata();
  }

  @Get('health/live')
  @ApiOperation({ summary: 'Liveness (public)' })
  live() {
    return { live: true };
  }

  @Get('health/ready')
  @ApiOperation({ summary: 'Readiness (public): 503 until start-up work is done' })
  ready(@Res({ passthrough: true }) reply: FastifyReply) {
    const ready = this.kserve.isReady();
    reply.status(ready ? 200 : 503);
    return { ready };
  }

  @Get('models/:name')
  @ExternalAccess({ modelParam: 'name' })
  @ApiOperation({ summary: 'Model metadata: platform, versions, inputs and outputs with v2 datatypes' })
  metadata(@Param('name') name: string) {
    return this.kserve.metadata(name);
  }

  @Get('models/:name/versions/:version')
  @ExternalAccess({ modelParam: 'name' })
  @ApiOperation({ summary: 'Model metadata for the version being served (404 MODEL_VERSION_NOT_DEPLOYED otherwise)' })
  versionMetadata(@Param('name') name: string, @Param('version') version: string) {
    return this.kserve.metadata(name, version);
  }

  @Get('models/:name/ready')
  @ExternalAccess({ modelParam: 'name' })
  @ApiOperation({ summary: 'Model readiness' })
  modelReady(@Param('name') name: string) {
    return this.kserve.modelReady(name);
  }

  @Get('models/:name/versions/:version/ready')
  @ExternalAccess({ modelParam: 'name' })
  @ApiOperation({ summary: 'Readiness of a specific version' })
  versionReady(@Param('name') name: string, @Param('version') version: string) {
    return this.kserve.modelReady(name, version);
  }

  @Post('models/:name/infer')
  @HttpCode(200)
  @ExternalAccess({ modelParam: 'name', countsUsage: true })
  @ApiOperation({ summary: 'v2 JSON tensor inference; same queue, batching and limits as /api/v1/inference' })
  @ApiBody({ schema: openApiSchema(v2InferRequestSchema) })
  infer(@Param('name') name: string, @Body() body: unknown, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.kserve.infer(name, undefined, body, reply, (id) => (request.modelId = id));
  }

  @Post('models/:name/versions/:version/infer')
  @HttpCode(200)
  @ExternalAccess({ modelParam: 'name', countsUsage: true })
  @ApiOperation({ summary: 'v2 inference pinned to a version; it must be the version being served' })
  @ApiBody({ schema: openApiSchema(v2InferRequestSchema) })
  inferVersion(
    @Param('name') name: string,
    @Param('version') version: string,
    @Body() body: unknown,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return this.kserve.infer(name, version, body, reply, (id) => (request.modelId = id));
  }
}
