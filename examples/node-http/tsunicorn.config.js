import { defineConfig } from '@tsunicorn/core';

export default defineConfig({
  workers: 2,
  bind: ['127.0.0.1:8000'],
  warmupRequests: ['/', '/slow?ms=1'],
});
