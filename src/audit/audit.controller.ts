import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiQuery, ApiTags } from '@nestjs/swagger';
import { Authenticated } from '../auth/auth.decorator.js';
import { Role } from '../auth/auth.types.js';
import { listResponseSchema, ZodValidationPipe } from '../common/validation.js';
import { auditEntryResponseSchema } from './audit.schema.js';
import { auditQuerySchema, AuditQueryDto } from './audit.dto.js';
import { AuditService } from './audit.service.js';

@ApiTags('audit')
@Controller('api/v1/internal/audit')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Get()
  @Authenticated({ roles: [Role.Admin] })
  @ApiQuery({ name: 'action', required: false, description: 'Exact action name, e.g. user.create' })
  @ApiQuery({ name: 'actor', required: false, description: 'Exact actor username' })
  @ApiQuery({ name: 'outcome', required: false, enum: ['success', 'failure'] })
  @ApiQuery({ name: 'from', required: false, description: 'Entries at or after this ISO 8601 moment' })
  @ApiQuery({ name: 'to', required: false, description: 'Entries before this ISO 8601 moment' })
  @ApiQuery({ name: 'limit', required: false, schema: { type: 'integer', minimum: 1, maximum: 500, default: 50 } })
  @ApiQuery({ name: 'offset', required: false, schema: { type: 'integer', minimum: 0, default: 0 } })
  @ApiOkResponse({ description: 'Audit entries, newest first: {items, total}', schema: listResponseSchema(auditEntryResponseSchema) })
  list(@Query(new ZodValidationPipe(auditQuerySchema)) query: AuditQueryDto) {
    return this.audit.list(query);
  }
}
