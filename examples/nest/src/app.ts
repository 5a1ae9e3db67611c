import { type INestApplication, ValidationPipe, VersioningType } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { LazyModuleImport } from '@tsunicorn/nest';
import { AppModule } from './app.module.js';
import { loadPricingModule } from './pricing/load.js';

/** Modules the app loads through LazyModuleLoader; tsunicorn loads them at boot. */
export const lazyModules: LazyModuleImport[] = [loadPricingModule];

/** What main.ts would do before `app.listen()`: global pipes, prefix, versioning. */
export function configureApp(app: INestApplication): void {
  app.useGlobalPipes(new ValidationPipe({ whitelist: true, transform: true }));
  app.setGlobalPrefix('api', { exclude: ['health', 'ready', '__stats'] });
  app.enableVersioning({ type: VersioningType.URI });
}

/**
 * Builds the configured app on Express. The CLI form: `tsunicorn dist/app.js:createApp`
 * (a zero-argument function is called in each worker).
 */
export async function createApp(): Promise<INestApplication> {
  const app = await NestFactory.create(AppModule, { logger: ['error', 'warn'], abortOnError: false });
  configureApp(app);
  return app;
}
