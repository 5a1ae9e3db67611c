/**
 * Warm-up requests for DTO validation. `ValidationPipe` awaits class-validator and
 * class-transformer on its first use, and class-validator reads a DTO class's rules on its
 * first validation; only a request with a body reaches that.
 */
import { type INestApplication, type Type, ValidationPipe } from '@nestjs/common';
import { PARAMTYPES_METADATA, PIPES_METADATA, ROUTE_ARGS_METADATA } from '@nestjs/common/constants.js';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum.js';
import { ApplicationConfig } from '@nestjs/core';
import { hasPathParameters, type WarmupRequest } from '@tsunicorn/core';
import type { NestRoute } from './routes.js';

const bodyMethods = new Set(['POST', 'PUT', 'PATCH']);

/** Types ValidationPipe does not validate (its own list). */
const notDtoTypes: readonly unknown[] = [String, Boolean, Number, Array, Object, Buffer, Date];

/**
 * An array never passes: ValidationPipe checks it against the DTO's rules and rejects it with
 * 400 (fields missing, or "object is expected"), so the handler does not run. An empty object
 * would pass a DTO whose fields are all optional and run the handler during warm-up.
 */
const rejectedBody: readonly never[] = Object.freeze([]);

interface RouteArgument {
  readonly index: number;
  readonly data?: unknown;
  readonly pipes?: readonly unknown[];
}

/**
 * One request per POST, PUT or PATCH route without path parameters whose `@Body()` is a DTO
 * class checked by a ValidationPipe (global, `APP_PIPE`, `@UsePipes()` or on the parameter).
 * Any status below 500 is accepted: a guard may answer 401 or 403 before validation.
 */
export function validationWarmupRequests(app: INestApplication, routes: readonly NestRoute[]): WarmupRequest[] {
  const globalPipes = app.get(ApplicationConfig).getGlobalPipes();
  return routes
    .filter((route) => route.plain && bodyMethods.has(route.method) && !hasPathParameters(route.path))
    .filter((route) => validatesBody(route, globalPipes))
    .map((route) => ({ method: route.method, url: route.path, body: rejectedBody }));
}

function validatesBody(route: NestRoute, globalPipes: readonly unknown[]): boolean {
  const body = findDtoBody(route.controller, route.handlerName);
  if (!body) return false;
  const handler: unknown = Reflect.get(route.controller.prototype, route.handlerName);
  const pipes = [...globalPipes, ...readPipes(route.controller), ...readPipes(handler), ...(body.pipes ?? [])];
  return pipes.some(isValidationPipe);
}

/** The handler's whole-body parameter (`@Body() dto: CreateDto`), when its type is a class. */
function findDtoBody(controller: Type<unknown>, handlerName: string): RouteArgument | undefined {
  const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, controller, handlerName) ?? {}) as Record<string, RouteArgument>;
  const types = (Reflect.getMetadata(PARAMTYPES_METADATA, controller.prototype, handlerName) ?? []) as readonly unknown[];
  return Object.entries(args)
    .filter(([key, arg]) => key === `${RouteParamtypes.BODY}:${arg.index}` && arg.data === undefined)
    .map(([, arg]) => arg)
    .find((arg) => typeof types[arg.index] === 'function' && !notDtoTypes.includes(types[arg.index]));
}

function readPipes(target: unknown): readonly unknown[] {
  if (typeof target !== 'function') return [];
  const pipes: unknown = Reflect.getMetadata(PIPES_METADATA, target);
  return Array.isArray(pipes) ? pipes : [];
}

/** A ValidationPipe instance, the class itself, or a subclass (`@UsePipes(ValidationPipe)`). */
function isValidationPipe(pipe: unknown): boolean {
  if (pipe instanceof ValidationPipe) return true;
  return typeof pipe === 'function' && (pipe === ValidationPipe || pipe.prototype instanceof ValidationPipe);
}
