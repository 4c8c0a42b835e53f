import { Controller, Get, Param } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Auth, ExternalAccess } from '../auth/auth.decorator.js';
import type { AuthContext } from '../auth/auth.types.js';
import type { PublicModelView } from '../catalog/public-model-catalog.js';
import { ExternalModelsService } from './external-models.service.js';

@ApiTags('external models')
@Controller('api/v1/models')
export class ExternalModelsController {
  constructor(private readonly models: ExternalModelsService) {}

  @Get()
  @ExternalAccess()
  @ApiOperation({ summary: 'Deployed models this access token may use' })
  list(@Auth() auth: AuthContext | undefined): Promise<{ items: PublicModelView[] }> {
    return this.models.list(auth);
  }

  @Get(':id')
  @ExternalAccess({ modelParam: 'id' })
  @ApiOperation({ summary: 'Public description of one deployed model, by id or name' })
  get(@Auth() auth: AuthContext | undefined, @Param('id') id: string): Promise<PublicModelView> {
    return this.models.get(auth, id);
  }
}
