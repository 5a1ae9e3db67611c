import { afterEach, describe, expect, it } from 'vitest';
import { get } from './helpers/http.js';
import { FIXTURES, start, stopAll } from './helpers/server.js';

afterEach(stopAll);

describe('request limits', () => {
  it('answers 414 and 431 to requests over limit-request-line, -fields and -field-size, and serves the rest', async () => {
    const server = start({
      args: [
        `${FIXTURES}/slow-boot-app.js`,
        '-w',
        '1',
        '-b',
        '127.0.0.1:0',
        '--limit-request-line',
        '100',
        '--limit-request-fields',
        '10',
        '--limit-request-field-size',
        '200',
      ],
    });
    const port = await server.ready();
    expect((await get(port, `/${'a'.repeat(60)}`)).status).toBe(200);
    const long = await get(port, `/${'a'.repeat(120)}`);
    expect(long).toMatchObject({ status: 414, body: 'Request line too long\n' });
    expect(long.headers.connection).toBe('close');
    const many = Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`x-h${i}`, 'v']));
    expect((await get(port, '/', { headers: many })).status).toBe(431);
    expect((await get(port, '/', { headers: { 'x-big': 'b'.repeat(250) } })).status).toBe(431);
    expect((await get(port, '/', { headers: { 'x-big': 'b'.repeat(150) } })).status).toBe(200);
  });
});
