/**
 * The drop-in form: `node server.js` instead of `tsunicorn app.js`. This script runs in the
 * master and again in every worker; the app is built only in the workers, by the factory.
 */
import { listen } from '@tsunicorn/express';
import { createApp } from './create-app.js';

// PORT in the environment binds 0.0.0.0:$PORT instead.
listen(() => createApp(), { workers: 2, bind: ['127.0.0.1:8000'] });
