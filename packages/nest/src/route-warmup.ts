/**
 * Synthesised warm-up for every route of a Nest app, from Nest's own metadata: each handler's
 * parameters (`@Param`, `@Query`, `@Body`, `@Headers`) with their pipes, and the DTO classes
 * behind them (see dto-sample.ts).
 *
 * POST, PUT, PATCH and DELETE routes, unless `warmupUnsafe` is on, are warmed up to their
 * handler and no further: while warm-up runs, Nest's `PipesConsumer.apply` (which runs a
 * parameter's pipes) runs the pipes and then, for a request with an unsafe method, throws an
 * HttpException that answers 200. Middleware, guards, interceptors' opening half and every
 * pipe — ValidationPipe with a valid DTO, so class-transformer and class-validator run their
 * success path — are warm; Nest never calls the handler. A route whose parameters no pipe
 * runs on cannot be stopped that way, and is skipped. The patch and its request tracker are
 * removed when warm-up ends, so nothing of ours stays on the request path.
 */
import type { IncomingMessage, Server } from 'node:http';
import { HttpException, type INestApplication, type Type } from '@nestjs/common';
import { PARAMTYPES_METADATA, PIPES_METADATA, ROUTE_ARGS_METADATA } from '@nestjs/common/constants.js';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum.js';
import { ApplicationConfig } from '@nestjs/core';
import { PipesConsumer } from '@nestjs/core/pipes/pipes-consumer.js';
import {
  fillPath,
  guessParameter,
  guessParameterValues,
  matchesRoute,
  type RouteWarmup,
  SAMPLE_UUID,
  type WarmupRequest,
} from '@tsunicorn/core';
import { type DtoMetadata, loadDtoMetadata, sampleDto, toQueryString } from './dto-sample.js';
import type { NestRoute } from './routes.js';

const UNSAFE_METHODS: ReadonlySet<string> = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Parameter types Nest runs pipes on (its `isPipeable`). */
const PIPEABLE: ReadonlySet<number> = new Set([
  RouteParamtypes.BODY,
  RouteParamtypes.QUERY,
  RouteParamtypes.PARAM,
  RouteParamtypes.FILE,
  RouteParamtypes.FILES,
  RouteParamtypes.RAW_BODY,
]);

/** Types that are not DTO classes. */
const NOT_DTO: readonly unknown[] = [String, Boolean, Number, Array, Object, Buffer, Date, undefined];

/** One handler parameter, as `ROUTE_ARGS_METADATA` and `design:paramtypes` describe it. */
interface HandlerArgument {
  readonly type: number;
  readonly index: number;
  readonly data?: unknown;
  readonly pipes: readonly unknown[];
  readonly metatype: unknown;
}

/** The route warm-ups, and the functions that start and undo the warm-up-time changes. */
export interface NestWarmup {
  readonly routes: RouteWarmup[];
  restore(): void;
}

/** Builds one warm-up per route and, for unsafe routes, keeps their handlers from running. */
export function synthesiseRouteWarmups(
  app: INestApplication,
  routes: readonly NestRoute[],
  unsafe: boolean,
  configured: readonly WarmupRequest[] = [],
): NestWarmup {
  const globalPipes = app.get(ApplicationConfig).getGlobalPipes();
  const metadata = loadDtoMetadata();
  // A route named in warmupRequests runs its handler: the configured request is the user's choice.
  const fullStack = (route: NestRoute) => unsafe || configured.some((req) => matchesRoute(route, req));
  const warmups = routes.map((route) => describeWarmup(route, globalPipes, metadata, fullStack(route)));
  const stopped = warmups.filter((w) => w.mode === 'validator+serializer');
  return { routes: warmups, restore: stopped.length > 0 ? stopHandlers(app.getHttpServer(), stopped) : () => undefined };
}

function describeWarmup(route: NestRoute, globalPipes: readonly unknown[], metadata: DtoMetadata, fullStack: boolean): RouteWarmup {
  const base = { method: route.method, path: route.path };
  if (!route.plain) return { ...base, mode: 'skipped', reason: 'it needs a host or a version header to be reached', candidates: [] };
  const args = handlerArguments(route);
  const isUnsafe = UNSAFE_METHODS.has(route.method) && !fullStack;
  const classPipes = [
    ...globalPipes,
    ...readPipes(route.controller),
    ...readPipes(Reflect.get(route.controller.prototype, route.handlerName)),
  ];
  const stoppable = args.some((arg) => PIPEABLE.has(arg.type) && classPipes.length + arg.pipes.length > 0);
  if (isUnsafe && !stoppable) {
    return {
      ...base,
      mode: 'skipped',
      reason:
        'no pipe runs before its handler, so warm-up cannot keep the handler from running: list a harmless request in warmupRequests, or set warmupUnsafe',
      candidates: [],
    };
  }
  const candidates = new Map<string, WarmupRequest>();
  for (let variant = 0; variant < 3; variant++) {
    const request = synthesiseRequest(route, args, metadata, variant);
    candidates.set(JSON.stringify(request), request);
  }
  return {
    ...base,
    mode: isUnsafe ? 'validator+serializer' : 'full stack',
    candidates: [...candidates.values()],
    ...(route.requestScoped ? { reason: 'request-scoped: Nest rebuilds its controller on every request' } : {}),
  };
}

function handlerArguments(route: NestRoute): HandlerArgument[] {
  const raw = (Reflect.getMetadata(ROUTE_ARGS_METADATA, route.controller, route.handlerName) ?? {}) as Record<
    string,
    { index: number; data?: unknown; pipes?: unknown[] }
  >;
  const types = (Reflect.getMetadata(PARAMTYPES_METADATA, route.controller.prototype, route.handlerName) ?? []) as unknown[];
  return Object.entries(raw).map(([key, arg]) => ({
    // Custom decorators' keys carry a suffix, `${id}__customRouteArgs__:${index}`: not a type.
    type: /^\d+:\d+$/.test(key) ? Number(key.split(':')[0]) : -1,
    index: arg.index,
    data: arg.data,
    pipes: arg.pipes ?? [],
    metatype: types[arg.index],
  }));
}

function synthesiseRequest(route: NestRoute, args: readonly HandlerArgument[], metadata: DtoMetadata, variant: number): WarmupRequest {
  const params: Record<string, string> = {};
  const query: Record<string, unknown> = {};
  const headers: Record<string, string> = {};
  let body: unknown;
  for (const arg of args) {
    const name = typeof arg.data === 'string' ? arg.data : undefined;
    switch (arg.type) {
      case RouteParamtypes.PARAM:
        if (name) params[name] = scalarFor(arg, name, variant);
        else if (isDto(arg.metatype)) Object.assign(params, stringValues(sampleDto(arg.metatype, metadata, { variant })));
        break;
      case RouteParamtypes.QUERY:
        if (name) query[name] = scalarFor(arg, name, variant);
        else if (isDto(arg.metatype)) Object.assign(query, sampleDto(arg.metatype, metadata, { variant }));
        break;
      case RouteParamtypes.BODY:
        if (name) body = { ...(body as object), [name]: bodyValueFor(arg, name, metadata, variant) };
        else body = isDto(arg.metatype) ? sampleDto(arg.metatype, metadata, { variant }) : (body ?? {});
        break;
      case RouteParamtypes.HEADERS:
        if (name && name.toLowerCase() !== 'x-tsunicorn-warmup') headers[name.toLowerCase()] = guessParameterValues(name)[0]!;
        break;
    }
  }
  if (body === undefined && ['POST', 'PUT', 'PATCH'].includes(route.method)) body = {};
  const url = fillPath(route.path, (p) => params[p.name] ?? guessParameter(p, variant));
  const qs = toQueryString(query);
  return {
    method: route.method,
    url: qs ? `${url}?${qs}` : url,
    ...(Object.keys(headers).length > 0 ? { headers } : {}),
    ...(body !== undefined ? { body: body as object } : {}),
  };
}

/** A value for a named parameter or query field that its pipes accept (ParseIntPipe → 1). */
function scalarFor(arg: HandlerArgument, name: string, variant: number): string {
  for (const pipe of arg.pipes) {
    const value = valueForPipe(pipe);
    if (value !== undefined) return value;
  }
  if (arg.metatype === Number) return '1';
  if (arg.metatype === Boolean) return 'true';
  const guesses = guessParameterValues(name);
  return guesses[Math.min(variant, guesses.length - 1)]!;
}

function bodyValueFor(arg: HandlerArgument, name: string, metadata: DtoMetadata, variant: number): unknown {
  if (isDto(arg.metatype)) return sampleDto(arg.metatype, metadata, { variant });
  if (arg.metatype === Number) return 1;
  if (arg.metatype === Boolean) return true;
  return scalarFor(arg, name, variant);
}

/** What Nest's built-in parse pipes accept, told by class name so any copy of Nest matches. */
function valueForPipe(pipe: unknown): string | undefined {
  const name = typeof pipe === 'function' ? pipe.name : (pipe as { constructor?: { name?: string } })?.constructor?.name;
  switch (name) {
    case 'ParseIntPipe':
      return '1';
    case 'ParseFloatPipe':
      return '1.5';
    case 'ParseBoolPipe':
      return 'true';
    case 'ParseUUIDPipe':
      return SAMPLE_UUID;
    case 'ParseDatePipe':
      return '2024-01-01T00:00:00.000Z';
    case 'ParseArrayPipe':
      return '1';
    case 'ParseEnumPipe': {
      const entity = (pipe as { enumType?: Record<string, unknown> }).enumType;
      const first = entity ? Object.entries(entity).find(([key]) => !/^\d+$/.test(key))?.[1] : undefined;
      return first === undefined ? undefined : String(first);
    }
    default:
      return undefined;
  }
}

function isDto(metatype: unknown): metatype is Type<unknown> {
  return typeof metatype === 'function' && !NOT_DTO.includes(metatype);
}

function stringValues(value: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, String(v)]));
}

function readPipes(target: unknown): readonly unknown[] {
  if (typeof target !== 'function') return [];
  const pipes: unknown = Reflect.getMetadata(PIPES_METADATA, target);
  return Array.isArray(pipes) ? pipes : [];
}

/** Thrown after a warm-up request's pipes ran, so Nest answers it without calling the handler. */
export class HandlerNotRun extends HttpException {
  constructor() {
    super({ warmup: 'pipes ran; the handler was not called' }, 200);
  }
}

/**
 * Until the returned function is called: every request the server receives is tracked, and a
 * parameter's pipes, for a request to one of the `stopped` routes, end with HandlerNotRun.
 * Warm-up requests are the only ones a worker receives before it is ready, one at a time.
 */
function stopHandlers(server: Server, stopped: readonly RouteWarmup[]): () => void {
  let stopping = false;
  const track = (req: IncomingMessage) => {
    const request = { method: req.method ?? 'GET', url: req.url ?? '/' };
    stopping = stopped.some((route) => matchesRoute(route, request));
  };
  server.prependListener('request', track);
  const proto = PipesConsumer.prototype as { apply: PipesConsumer['apply'] };
  const original = proto.apply;
  proto.apply = async function apply(this: PipesConsumer, ...args: Parameters<PipesConsumer['apply']>) {
    const value = await original.apply(this, args);
    if (stopping) throw new HandlerNotRun();
    return value;
  };
  return () => {
    server.off('request', track);
    proto.apply = original;
  };
}
