import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBody, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiQuery, ApiTags } from '@nestjs/swagger';
import { AuditAction } from '../audit/audit.decorator.js';
import { Authenticated } from '../auth/auth.decorator.js';
import { Role } from '../auth/auth.types.js';
import { listResponseSchema, openApiSchema, paginationSchema, ZodValidationPipe } from '../common/validation.js';
import { userResponseSchema } from './users.schema.js';

const userSchema = openApiSchema(userResponseSchema);
import { createUserSchema, CreateUserDto, updateUserSchema, UpdateUserDto } from './users.dto.js';
import { UsersService } from './users.service.js';

type Page = { limit: number; offset: number };

@ApiTags('users')
@Controller('api/v1/internal/users')
@Authenticated({ roles: [Role.Admin] })
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Get()
  @ApiQuery({ name: 'limit', required: false, schema: { type: 'integer', minimum: 1, maximum: 500, default: 50 } })
  @ApiQuery({ name: 'offset', required: false, schema: { type: 'integer', minimum: 0, default: 0 } })
  @ApiOkResponse({ description: '{items, total}', schema: listResponseSchema(userResponseSchema) })
  list(@Query(new ZodValidationPipe(paginationSchema)) page: Page) {
    return this.users.list(page);
  }

  @Post()
  @AuditAction('user.create')
  @ApiBody({ schema: openApiSchema(createUserSchema) })
  @ApiCreatedResponse({ description: 'The new user (409 USERNAME_TAKEN on duplicates)', schema: userSchema })
  create(@Body(new ZodValidationPipe(createUserSchema)) body: CreateUserDto) {
    return this.users.create(body);
  }

  @Get(':id')
  @ApiOkResponse({ description: 'The user (404 USER_NOT_FOUND)', schema: userSchema })
  get(@Param('id') id: string) {
    return this.users.get(id);
  }

  @Patch(':id')
  @AuditAction('user.update')
  @ApiBody({ schema: openApiSchema(updateUserSchema) })
  @ApiOkResponse({ description: 'The updated user (409 LAST_ADMIN when demoting the last admin)', schema: userSchema })
  update(@Param('id') id: string, @Body(new ZodValidationPipe(updateUserSchema)) body: UpdateUserDto) {
    return this.users.update(id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  @AuditAction('user.delete')
  @ApiNoContentResponse({ description: 'Deleted (409 LAST_ADMIN for the last admin)' })
  async delete(@Param('id') id: string): Promise<void> {
    await this.users.delete(id);
  }
}
