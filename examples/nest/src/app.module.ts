import { Module } from '@nestjs/common';
import { AppController } from './app.controller.js';
import { CatalogModule } from './catalog/catalog.module.js';
import { LifecycleService } from './lifecycle.service.js';
import { OrdersModule } from './orders/orders.module.js';
import { QuotesModule } from './quotes/quotes.module.js';
import { ReportsModule } from './reports/reports.module.js';
import { SessionModule } from './session/session.module.js';
import { StatsModule } from './stats/stats.module.js';
import { UsersModule } from './users/users.module.js';

/**
 * The root module. Served as is by `tsunicorn dist/app.module.js:AppModule` (no prefix, no
 * validation), or through `createApp()` in app.ts, which adds the global ValidationPipe,
 * the `/api` prefix and URI versioning.
 */
@Module({
  imports: [StatsModule, UsersModule, CatalogModule, OrdersModule, ReportsModule, QuotesModule, SessionModule],
  controllers: [AppController],
  providers: [LifecycleService],
})
export class AppModule {}
