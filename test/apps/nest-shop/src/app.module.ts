import { Module } from '@nestjs/common';
import { ApiController, ShopController } from './shop.controller.js';

@Module({ controllers: [ShopController, ApiController] })
export class AppModule {}
