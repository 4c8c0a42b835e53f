import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, Req } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { AuditAction } from '../audit/audit.decorator.js';
import { Authenticated } from '../auth/auth.decorator.js';
import { WRITE_ROLES } from '../auth/auth.types.js';
import { openApiSchema, ZodValidationPipe } from '../common/validation.js';
import { DeploymentOverrides, deploymentOverridesSchema } from './model-config.js';
import { ModelLifecycleService } from './model-lifecycle.service.js';
import type { ModelView, VersionView } from './model-view.js';
import { deleteQuerySchema, ModelListQuery, modelListQuerySchema, ModelPatchBody, modelPatchSchema, uploadFormSchema, VersionParamPipe } from './models.dto.js';

@ApiTags('models')
@Controller('api/v1/internal/models')
export class ModelsController {
  constructor(private readonly lifecycle: ModelLifecycleService) {}

  @Post()
  @Authenticated({ roles: WRITE_ROLES })
  @AuditAction('model.upload')
  @ApiConsumes('multipart/form-data')
  @ApiBody({ schema: uploadFormSchema })
  upload(@Req() request: FastifyRequest): Promise<ModelView> {
    return this.lifecycle.create(request);
  }

  @Get()
  @Authenticated()
  list(@Query(new ZodValidationPipe(modelListQuerySchema)) query: ModelListQuery): Promise<{ items: ModelView[]; total: number }> {
    return this.lifecycle.list(query);
  }

  @Get(':id')
  @Authenticated()
  get(@Param('id') id: string): Promise<ModelView> {
    return this.lifecycle.get(id);
  }

  @Patch(':id')
  @Authenticated({ roles: WRITE_ROLES })
  @AuditAction('model.update')
  @ApiBody({ schema: openApiSchema(modelPatchSchema) })
  update(@Param('id') id: string, @Body(new ZodValidationPipe(modelPatchSchema)) body: ModelPatchBody): Promise<ModelView> {
    return this.lifecycle.update(id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  @Authenticated({ roles: WRITE_ROLES })
  @AuditAction('model.delete')
  remove(@Param('id') id: string, @Query(new ZodValidationPipe(deleteQuerySchema)) query: { force: boolean }): Promise<void> {
    return this.lifecycle.remove(id, query.force);
  }

  @Post(':id/validate')
  @HttpCode(200)
  @Authenticated({ roles: WRITE_ROLES })
  @AuditAction('model.validate')
  validate(@Param('id') id: string): Promise<ModelView> {
    return this.lifecycle.validate(id);
  }

  @Post(':id/deploy')
  @HttpCode(200)
  @Authenticated({ roles: WRITE_ROLES })
  @AuditAction('model.deploy')
  @ApiBody({ required: false, schema: openApiSchema(deploymentOverridesSchema) })
  deploy(@Param('id') id: string, @Body(new ZodValidationPipe(deploymentOverridesSchema)) overrides: DeploymentOverrides): Promise<ModelView> {
    return this.lifecycle.deploy(id, overrides);
  }

  @Post(':id/undeploy')
  @HttpCode(200)
  @Authenticated({ roles: WRITE_ROLES })
  @AuditAction('model.undeploy')
  undeploy(@Param('id') id: string): Promise<ModelView> {
    return this.lifecycle.undeploy(id);
  }

  @Post(':id/versions')
  @Authenticated({ roles: WRITE_ROLES })
  @AuditAction('model.version.upload')
  @ApiConsumes('multipart/form-data')
  @ApiBody({ schema: uploadFormSchema })
  addVersion(@Param('id') id: string, @Req() request: FastifyRequest): Promise<VersionView> {
    return this.lifecycle.addVersion(id, request);
  }

  @Post(':id/versions/:version/activate')
  @HttpCode(200)
  @Authenticated({ roles: WRITE_ROLES })
  @AuditAction('model.version.activate')
  activate(@Param('id') id: string, @Param('version', VersionParamPipe) version: number): Promise<ModelView> {
    return this.lifecycle.activate(id, version);
  }
}
