import { isTsuError } from '@tsunicorn/core';
import { describe, expect, it } from 'vitest';
import { resolveAdapterOptions, splitListenOptions } from '../src/options.js';

describe('listen() options', () => {
  it('go to tsunicorn’s settings, except the adapter’s own', () => {
    const split = splitListenOptions({ bind: ['0.0.0.0:3000'], workers: 4, warmupHits: 5, warmupBodyParsers: false });
    expect(split).toEqual({ settings: { bind: ['0.0.0.0:3000'], workers: 4, warmupHits: 5 }, adapter: { warmupBodyParsers: false } });
  });

  it('leave the adapter’s defaults in place when they do not set its options', () => {
    expect(splitListenOptions({ workers: 2 }).adapter).toEqual({});
    expect(resolveAdapterOptions({})).toEqual({ warmupBodyParsers: true });
  });
});

describe('adapter options', () => {
  it('reject a value of the wrong type with a stable code', () => {
    let error: unknown;
    try {
      resolveAdapterOptions({ warmupBodyParsers: 1 });
    } catch (err) {
      error = err;
    }
    expect(isTsuError(error, 'TSU_ERR_INVALID_SETTING')).toBe(true);
    expect((error as Error).message).toContain('warmupBodyParsers is 1');
  });
});
