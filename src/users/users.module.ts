import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AdminBootstrap } from './admin-bootstrap.js';
import { UserEntity } from './user.entity.js';
import { UserRepository } from './user.repository.js';
import { UsersController } from './users.controller.js';
import { UsersService } from './users.service.js';

/**
 * Internal users. Password hashing, refresh-token revocation and the clock come from the global
 * AuthModule, which in turn imports this module for UserRepository.
 */
@Module({
  imports: [TypeOrmModule.forFeature([UserEntity])],
  controllers: [UsersController],
  providers: [UserRepository, UsersService, AdminBootstrap],
  exports: [UserRepository],
})
export class UsersModule {}
