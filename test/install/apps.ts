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
];

/** Writes an app's files into `dir`. */
export function writeApp(dir: string, app: AppKind): void {
  mkdirSync(dir, { recursive: true });
  for (const [name, text] of Object.entries(app.files)) writeFileSync(join(dir, name), text);
}
