import { Global, Module } from '@nestjs/common';
import { EngineRegistry } from './engine-registry.js';
import { EnginesController } from './engines.controller.js';

/** Global so the model store and serving code can inject EngineRegistry without importing this module. */
@Global()
@Module({
  controllers: [EnginesController],
  providers: [EngineRegistry],
  exports: [EngineRegistry],
})
export class EnginesModule {}
