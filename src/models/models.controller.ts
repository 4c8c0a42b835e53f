import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, Req } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { AuditAction } from '../audit/audit.decorator.js';
import { Authenticated } from '../auth/auth.decorator.js';
import { WRITE_ROLES } from '../auth/auth.types.js';
import { listResponseSchema, openApiSchema, ZodValidationPipe } from '../common/validation.js';
import { DeploymentOverrides, deploymentOverridesSchema } from './model-config.js';
import { ModelLifecycleService } from './model-lifecycle.service.js';
import { SampleModelService } from './sample-model.service.js';
import { MODEL_STATUSES } from './model.entity.js';
import type { ModelView, VersionView } from './model-view.js';
import { deleteQuerySchema, ModelListQuery, modelListQuerySchema, ModelPatchBody, modelPatchSchema, uploadFormSchema, VersionParamPipe } from './models.dto.js';
import { modelResponseSchema, versionResponseSchema } from './model-view.schema.js';

const modelSchema = openApiSchema(modelResponseSchema);

@ApiTags('models')
@Controller('api/v1/internal/models')
export class ModelsController {
  constructor(
    private readonly lifecycle: ModelLifecycleService,
    private readonly sample: SampleModelService,
  ) {}

  @Post()
  @Authenticated({ roles: WRITE_ROLES })
  @AuditAction('model.upload')
  @ApiOperation({ summary: 'Upload a model (streamed), validate it; 201 with status validated|invalid' })
  @ApiConsumes('multipart/form-data')
  @ApiBody({ schema: uploadFormSchema })
  @ApiCreatedResponse({ description: 'The model with its validation report', schema: modelSchema })
  upload(@Req() request: FastifyRequest): Promise<ModelView> {
    return this.lifecycle.create(request);
  }

  @Post('sample')
  @Authenticated({ roles: WRITE_ROLES })
  @AuditAction('model.sample')
  @ApiOperation({ summary: 'Add the sample model the platform ships (a COCO object detector), validated and configured; 409 MODEL_NAME_TAKEN when it is already there' })
  @ApiCreatedResponse({ schema: modelSchema })
  addSample(): Promise<ModelView> {
    return this.sample.install();
  }

  @Get()
  @Authenticated()
  @ApiOperation({ summary: 'List models (?status, ?engine, ?search, ?limit, ?offset)' })
  @ApiQuery({ name: 'status', required: false, enum: MODEL_STATUSES })
  @ApiQuery({ name: 'engine', required: false, description: 'Engine name, e.g. onnxruntime' })
  @ApiQuery({ name: 'search', required: false, description: 'Substring of the model name' })
  @ApiQuery({ name: 'limit', required: false, schema: { type: 'integer', minimum: 1, maximum: 500, default: 50 } })
  @ApiQuery({ name: 'offset', required: false, schema: { type: 'integer', minimum: 0, default: 0 } })
  @ApiOkResponse({ description: '{items, total}', schema: listResponseSchema(modelResponseSchema) })
  list(@Query(new ZodValidationPipe(modelListQuerySchema)) query: ModelListQuery): Promise<{ items: ModelView[]; total: number }> {
    return this.lifecycle.list(query);
  }

  @Get(':id')
  @Authenticated()
  @ApiOperation({ summary: 'A model with its versions, deployment settings and status' })
  @ApiOkResponse({ description: 'With versions', schema: modelSchema })
  get(@Param('id') id: string): Promise<ModelView> {
    return this.lifecycle.get(id);
  }

  @Patch(':id')
  @Authenticated({ roles: WRITE_ROLES })
  @AuditAction('model.update')
  @ApiOperation({ summary: 'Rename, describe, or change the config of the active version (applied live when deployed)' })
  @ApiBody({ schema: openApiSchema(modelPatchSchema) })
  @ApiOkResponse({ schema: modelSchema })
  update(@Param('id') id: string, @Body(new ZodValidationPipe(modelPatchSchema)) body: ModelPatchBody): Promise<ModelView> {
    return this.lifecycle.update(id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  @Authenticated({ roles: WRITE_ROLES })
  @AuditAction('model.delete')
  @ApiOperation({ summary: 'Delete a model and its files (?force=true undeploys first)' })
  @ApiQuery({ name: 'force', required: false, schema: { type: 'boolean', default: false } })
  @ApiNoContentResponse({ description: 'Deleted' })
  remove(@Param('id') id: string, @Query(new ZodValidationPipe(deleteQuerySchema)) query: { force: boolean }): Promise<void> {
    return this.lifecycle.remove(id, query.force);
  }

  @Post(':id/validate')
  @HttpCode(200)
  @Authenticated({ roles: WRITE_ROLES })
  @AuditAction('model.validate')
  @ApiOperation({ summary: 'Re-run engine validation of the active version' })
  @ApiOkResponse({ schema: modelSchema })
  validate(@Param('id') id: string): Promise<ModelView> {
    return this.lifecycle.validate(id);
  }

  @Post(':id/deploy')
  @HttpCode(200)
  @Authenticated({ roles: WRITE_ROLES })
  @AuditAction('model.deploy')
  @ApiOperation({ summary: 'Load, warm up and route traffic to the active version (optional batching/queue/instances overrides)' })
  @ApiBody({ required: false, schema: openApiSchema(deploymentOverridesSchema) })
  @ApiOkResponse({ schema: modelSchema })
  deploy(@Param('id') id: string, @Body(new ZodValidationPipe(deploymentOverridesSchema)) overrides: DeploymentOverrides): Promise<ModelView> {
    return this.lifecycle.deploy(id, overrides);
  }

  @Post(':id/undeploy')
  @HttpCode(200)
  @Authenticated({ roles: WRITE_ROLES })
  @AuditAction('model.undeploy')
  @ApiOperation({ summary: 'Drain requests and free the instances of the model' })
  @ApiOkResponse({ schema: modelSchema })
  undeploy(@Param('id') id: string): Promise<ModelView> {
    return this.lifecycle.undeploy(id);
  }

  @Post(':id/versions')
  @Authenticated({ roles: WRITE_ROLES })
  @AuditAction('model.version.upload')
  @ApiOperation({ summary: 'Upload and validate a new version (not activated)' })
  @ApiConsumes('multipart/form-data')
  @ApiBody({ schema: uploadFormSchema })
  @ApiCreatedResponse({ description: 'The new version with its validation report', schema: openApiSchema(versionResponseSchema) })
  addVersion(@Param('id') id: string, @Req() request: FastifyRequest): Promise<VersionView> {
    return this.lifecycle.addVersion(id, request);
  }

  @Post(':id/versions/:version/activate')
  @HttpCode(200)
  @Authenticated({ roles: WRITE_ROLES })
  @AuditAction('model.version.activate')
  @ApiOperation({ summary: 'Activate a version: hot swap when deployed (rollback = an earlier version)' })
  @ApiOkResponse({ schema: modelSchema })
  activate(@Param('id') id: string, @Param('version', VersionParamPipe) version: number): Promise<ModelView> {
    return this.lifecycle.activate(id, version);
  }
}
