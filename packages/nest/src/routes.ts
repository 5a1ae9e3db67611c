/**
 * Route discovery from Nest's own metadata: the controllers of every module, each handler's
 * `@Get()`/`@Post()` paths, composed into served paths by Nest's `RoutePathFactory` (module
 * path from `RouterModule`, global prefix and its exclusions, URI versioning). Reading
 * metadata rather than the platform's route table works the same on Express and Fastify
 * (which has no route listing), and it knows which controller serves each route.
 */
import { type INestApplication, RequestMethod, type Type, VERSION_NEUTRAL, type VersioningOptions, VersioningType } from '@nestjs/common';
import { HOST_METADATA, METHOD_METADATA, MODULE_PATH, PATH_METADATA, VERSION_METADATA } from '@nestjs/common/constants.js';
import type { VersionValue } from '@nestjs/common/interfaces/version-options.interface.js';
import { ApplicationConfig, MetadataScanner, ModulesContainer } from '@nestjs/core';
import type { InstanceWrapper } from '@nestjs/core/injector/instance-wrapper.js';
import type { RoutePathMetadata } from '@nestjs/core/router/interfaces/route-path-metadata.interface.js';
import { RoutePathFactory } from '@nestjs/core/router/route-path-factory.js';
import type { DiscoveredRoute } from '@tsunicorn/core';

/** A route Nest serves, with what the adapter needs to know about its handler. */
export interface NestRoute extends DiscoveredRoute {
  readonly controller: Type<unknown>;
  readonly handlerName: string;
  /** Nest rebuilds the controller and its request-scoped providers on every request. */
  readonly requestScoped: boolean;
  /** A plain request reaches it: no host constraint, no version header or media type needed. */
  readonly plain: boolean;
}

type Version = VersionValue | undefined;

interface Composer {
  readonly paths: RoutePathFactory;
  readonly scanner: MetadataScanner;
  readonly globalPrefix: string;
  readonly versioning: VersioningOptions | undefined;
}

/** Every route of the app's controllers, with the paths Nest registered them under. */
export function discoverRoutes(app: INestApplication): NestRoute[] {
  const config = app.get(ApplicationConfig);
  const modules = app.get(ModulesContainer);
  const composer: Composer = {
    paths: new RoutePathFactory(config),
    scanner: new MetadataScanner(),
    globalPrefix: addLeadingSlash(config.getGlobalPrefix()),
    versioning: config.getVersioning(),
  };
  const routes: NestRoute[] = [];
  for (const module of modules.values()) {
    const modulePath = readModulePath(module.metatype, modules.applicationId);
    for (const wrapper of module.controllers.values()) routes.push(...controllerRoutes(wrapper, modulePath, composer));
  }
  return routes;
}

function controllerRoutes(wrapper: InstanceWrapper, modulePath: string | undefined, composer: Composer): NestRoute[] {
  const controller = wrapper.metatype;
  if (typeof controller !== 'function') return [];
  const prototype: object = controller.prototype;
  const ctrlPaths = toPaths(Reflect.getMetadata(PATH_METADATA, controller));
  const host: unknown = Reflect.getMetadata(HOST_METADATA, controller);
  const controllerVersion = composer.versioning
    ? ((Reflect.getMetadata(VERSION_METADATA, controller) ?? composer.versioning.defaultVersion) as Version)
    : undefined;
  const requestScoped = !wrapper.isDependencyTreeStatic();
  const routes: NestRoute[] = [];
  for (const handlerName of composer.scanner.getAllMethodNames(prototype)) {
    const handler: unknown = Reflect.get(prototype, handlerName);
    if (typeof handler !== 'function' || !Reflect.hasMetadata(PATH_METADATA, handler)) continue;
    const requestMethod = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod;
    const methodVersion = Reflect.getMetadata(VERSION_METADATA, handler) as Version;
    const plain = host === undefined && !needsVersionSignal(composer.versioning, methodVersion ?? controllerVersion);
    for (const ctrlPath of ctrlPaths) {
      for (const methodPath of toPaths(Reflect.getMetadata(PATH_METADATA, handler))) {
        const metadata: RoutePathMetadata = {
          ctrlPath,
          methodPath,
          modulePath,
          globalPrefix: composer.globalPrefix,
          controllerVersion,
          methodVersion,
          versioningOptions: composer.versioning,
        };
        for (const path of composer.paths.create(metadata, requestMethod)) {
          routes.push({
            method: RequestMethod[requestMethod],
            path,
            controller: controller as Type<unknown>,
            handlerName,
            requestScoped,
            plain,
          });
        }
      }
    }
  }
  return routes;
}

/** A route versioned by header, media type or a custom extractor is not reached without it. */
function needsVersionSignal(versioning: VersioningOptions | undefined, version: Version): boolean {
  if (!versioning || versioning.type === VersioningType.URI || version === undefined) return false;
  const versions = Array.isArray(version) ? version : [version];
  return !versions.includes(VERSION_NEUTRAL);
}

/** `RouterModule` stores a module's path under a key specific to the application. */
function readModulePath(module: Type<unknown>, applicationId: string): string | undefined {
  const path: unknown = Reflect.getMetadata(MODULE_PATH + applicationId, module) ?? Reflect.getMetadata(MODULE_PATH, module);
  return typeof path === 'string' ? path : undefined;
}

function toPaths(value: unknown): string[] {
  const paths = Array.isArray(value) ? value : [value ?? '/'];
  return paths.map((path) => addLeadingSlash(String(path)));
}

/** As Nest's own: '' stays '', `{/x}` (an optional segment) keeps its brace. */
function addLeadingSlash(path: string): string {
  if (!path) return '';
  return path.startsWith('/') || path.startsWith('{/') ? path : `/${path}`;
}
