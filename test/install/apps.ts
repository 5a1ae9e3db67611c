/**
 * The apps a new user would write, as files: Express 5 (ESM), Express 4 (CommonJS), Fastify
 * and Nest (plain JavaScript, decorators applied as functions). Each has `app.js` for the CLI
 * and `server.js` for the drop-in listen(); `GET /` answers `{ framework, version, pid }`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface AppKind {
  readonly name: string;
  /** The CLI's APP argument. */
  readonly appSpec: string;
  readonly framework: string;
  /** The framework's major version the app must run on. */
  readonly major: number;
  /** Packages this app installs in its own directory (over the shared ones). */
  readonly ownDependencies?: Record<string, string>;
  /**
   * @tsunicorn packages installed from their tarballs in the app's own directory too, so that
   * the adapter there resolves the app's own framework (a peer dependency) and not the shared one.
   */
  readonly ownTarballs?: readonly string[];
  readonly files: Record<string, string>;
}

/** Listen options of every drop-in server: the test reads the port from the master's log. */
const LISTEN = "{ workers: 2, bind: ['127.0.0.1:0'] }";

const versionOfEsm = (pkg: string) => `
import { createRequire } from 'node:module';
const version = createRequire(import.meta.url)('${pkg}/package.json').version;`;

export const APPS: readonly AppKind[] = [
  {
    name: 'express5-esm',
    appSpec: 'app.js',
    framework: 'express',
    major: 5,
    files: {
      'package.json': JSON.stringify({ name: 'express5-esm', private: true, type: 'module' }),
      'create-app.js': `import express from 'express';${versionOfEsm('express')}
export function createApp() {
  const app = express();
  app.get('/', (_req, res) => res.json({ framework: 'express', version, pid: process.pid }));
  return app;
}
`,
      'app.js': "import { createApp } from './create-app.js';\nexport default createApp();\n",
      'server.js': `import { listen } from '@tsunicorn/express';\nimport { createApp } from './create-app.js';\nlisten(() => createApp(), ${LISTEN});\n`,
    },
  },
  {
    name: 'express4-cjs',
    appSpec: 'app.js',
    framework: 'express',
    major: 4,
    ownDependencies: { express: '^4.21.0' },
    files: {
      'package.json': JSON.stringify({ name: 'express4-cjs', private: true, type: 'commonjs' }),
      'create-app.js': `const express = require('express');
const { version } = require('express/package.json');
module.exports = function createApp() {
  const app = express();
  app.get('/', (_req, res) => res.json({ framework: 'express', version, pid: process.pid }));
  return app;
};
`,
      'app.js': "module.exports = require('./create-app.js')();\n",
      // require() of the ESM-only adapter: Node's require(esm), unflagged from 20.19.
      'server.js': `const { listen } = require('@tsunicorn/express');\nconst createApp = require('./create-app.js');\nlisten(() => createApp(), ${LISTEN});\n`,
    },
  },
  {
    name: 'fastify-esm',
    appSpec: 'app.js',
    framework: 'fastify',
    major: 5,
    files: {
      'package.json': JSON.stringify({ name: 'fastify-esm', private: true, type: 'module' }),
      'build-app.js': `import Fastify from 'fastify';${versionOfEsm('fastify')}
export function buildApp() {
  const app = Fastify();
  app.get('/', async () => ({ framework: 'fastify', version, pid: process.pid }));
  return app;
}
`,
      'app.js': "import { buildApp } from './build-app.js';\nexport default buildApp();\n",
      'server.js': `import { listen } from '@tsunicorn/fastify';\nimport { buildApp } from './build-app.js';\nawait listen(() => buildApp(), ${LISTEN});\n`,
    },
  },
  {
    name: 'nest-esm',
    appSpec: 'app.module.js:AppModule',
    framework: 'nest',
    major: 12,
    files: {
      'package.json': JSON.stringify({ name: 'nest-esm', private: true, type: 'module' }),
      'app.module.js': `import 'reflect-metadata';
import { Controller, Get, Module } from '@nestjs/common';${versionOfEsm('@nestjs/core')}
// The decorators a TypeScript app writes as @Controller() and @Get(), applied by hand.
class HelloController {
  hello() {
    return { framework: 'nest', version, pid: process.pid };
  }
}
Get('/')(HelloController.prototype, 'hello', Object.getOwnPropertyDescriptor(HelloController.prototype, 'hello'));
Controller()(HelloController);
export class AppModule {}
Module({ controllers: [HelloController] })(AppModule);
`,
      'server.js': `import { listen } from '@tsunicorn/nest';\nimport { AppModule } from './app.module.js';\nawait listen(AppModule, { ...${LISTEN}, logger: false });\n`,
    },
  },
  {
    // Nest 11 beside the shared Nest 12: the app installs Nest, and the adapter, in its own directory.
    name: 'nest11-esm',
    appSpec: 'app.module.js:AppModule',
    framework: 'nest',
    major: 11,
    ownDependencies: {
      '@nestjs/core': '^11.0.0',
      '@nestjs/common': '^11.0.0',
      '@nestjs/platform-express': '^11.0.0',
      'class-validator': '^0.14.0',
      'class-transformer': '^0.5.1',
    },
    ownTarballs: ['@tsunicorn/core', '@tsunicorn/nest'],
    files: {
      'package.json': JSON.stringify({ name: 'nest11-esm', private: true, type: 'module' }),
      'app.module.js': `import 'reflect-metadata';
import { Body, Controller, Get, Module, Param, ParseIntPipe, Post, ValidationPipe } from '@nestjs/common';
import { IsEmail, IsInt, Max, Min } from 'class-validator';${versionOfEsm('@nestjs/core')}
const calls = {};
const count = (name) => { calls[name] = (calls[name] ?? 0) + 1; };
// The decorators a TypeScript app writes, applied by hand, with the metadata tsc would emit.
export class OrderDto {}
IsInt()(OrderDto.prototype, 'quantity');
Min(1)(OrderDto.prototype, 'quantity');
Max(9)(OrderDto.prototype, 'quantity');
IsEmail()(OrderDto.prototype, 'email');
class ShopController {
  hello() {
    return { framework: 'nest', version, pid: process.pid };
  }
  item(id) {
    count('item');
    return { id, double: id * 2 };
  }
  order(dto) {
    count('order');
    return { ok: dto instanceof OrderDto, ...dto };
  }
  calls() {
    return calls;
  }
}
const route = (decorator, name, paramtypes = []) => {
  const descriptor = Object.getOwnPropertyDescriptor(ShopController.prototype, name);
  Reflect.defineMetadata('design:paramtypes', paramtypes, ShopController.prototype, name);
  decorator(ShopController.prototype, name, descriptor);
};
Param('id', ParseIntPipe)(ShopController.prototype, 'item', 0);
Body(new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true }))(ShopController.prototype, 'order', 0);
route(Get('/'), 'hello');
route(Get('/items/:id'), 'item', [Number]);
route(Post('/orders'), 'order', [OrderDto]);
route(Get('/__calls'), 'calls');
Controller()(ShopController);
export class AppModule {}
Module({ controllers: [ShopController] })(AppModule);
`,
      'server.js': `import { listen } from '@tsunicorn/nest';\nimport { AppModule } from './app.module.js';\nawait listen(AppModule, { ...${LISTEN}, logger: false });\n`,
    },
  },
];

/** Writes an app's files into `dir`. */
export function writeApp(dir: string, app: AppKind): void {
  mkdirSync(dir, { recursive: true });
  for (const [name, text] of Object.entries(app.files)) writeFileSync(join(dir, name), text);
}
