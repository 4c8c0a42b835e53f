import { Body, Controller, Get, HttpCode, Param, Post, UseFilters } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuditAction } from '../audit/audit.decorator.js';
import { Auth, Authenticated, ExternalAccess } from '../auth/auth.decorator.js';
import { WRITE_ROLES, type AuthContext } from '../auth/auth.types.js';
import { openApiSchema } from '../common/validation.js';
import { OIP_SCHEMAS, OipResponses } from './oip-openapi.js';
import { OipRepositoryService, repositoryIndexSchema, repositoryLoadSchema } from './oip-repository.service.js';
import { OipStatsService } from './oip-stats.service.js';
import { V2ErrorFilter } from './v2-error.filter.js';

/** The statistics extension: per-model counts and cumulative durations (access token). */
@ApiTags('open inference protocol (v2)')
@Controller('v2/models')
@UseFilters(V2ErrorFilter)
export class OipStatsController {
  constructor(private readonly stats: OipStatsService) {}

  @Get('stats')
  @ExternalAccess()
  @ApiOperation({ summary: 'Statistics of every deployed model the access token may use' })
  @OipResponses(OIP_SCHEMAS.statistics, [])
  all(@Auth() auth: AuthContext | undefined) {
    return this.stats.all(auth);
  }

  @Get(':name/stats')
  @ExternalAccess({ modelParam: 'name' })
  @ApiOperation({ summary: 'Statistics of one model' })
  @OipResponses(OIP_SCHEMAS.statistics)
  one(@Param('name') name: string) {
    return this.stats.one(name);
  }

  @Get(':name/versions/:version/stats')
  @ExternalAccess({ modelParam: 'name' })
  @ApiOperation({ summary: 'Statistics of the version being served' })
  @OipResponses(OIP_SCHEMAS.statistics)
  version(@Param('name') name: string, @Param('version') version: string) {
    return this.stats.one(name, version);
  }
}

/**
 * The model repository extension: load and unload are deploy and undeploy. They change state,
 * so they take an operator's or admin's X-Auth-Token (an access token is refused) and are audited.
 * `:id` is a model's id or unique name.
 */
@ApiTags('open inference protocol (v2)')
@Controller('v2/repository')
@UseFilters(V2ErrorFilter)
export class OipRepositoryController {
  constructor(private readonly repository: OipRepositoryService) {}

  @Post('index')
  @HttpCode(200)
  @Authenticated()
  @ApiOperation({ summary: 'Every model with its state (READY, LOADING, UNAVAILABLE); {"ready": true} lists only served ones' })
  @ApiBody({ required: false, schema: openApiSchema(repositoryIndexSchema) })
  @OipResponses(OIP_SCHEMAS.repositoryIndex, [400])
  index(@Body() body: unknown) {
    return this.repository.index(body);
  }

  @Post('models/:id/load')
  @HttpCode(200)
  @Authenticated({ roles: WRITE_ROLES })
  @AuditAction('model.deploy')
  @ApiOperation({ summary: 'Deploy the model (its active version); succeeds when it is already served' })
  @ApiBody({ required: false, schema: openApiSchema(repositoryLoadSchema) })
  async load(@Param('id') id: string, @Body() body: unknown): Promise<void> {
    await this.repository.load(id, body);
  }

  @Post('models/:id/unload')
  @HttpCode(200)
  @Authenticated({ roles: WRITE_ROLES })
  @AuditAction('model.undeploy')
  @ApiOperation({ summary: 'Undeploy the model; succeeds when it is not served' })
  @ApiBody({ required: false, schema: openApiSchema(repositoryLoadSchema) })
  async unload(@Param('id') id: string, @Body() body: unknown): Promise<void> {
    await this.repository.unload(id, body);
  }
}
