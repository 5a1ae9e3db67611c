import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { type Schema, sampleValue, sampleVariants } from '../src/adapter/schema-sample.js';

/** Checks samples with ajv and ajv-formats, the validators Fastify compiles route schemas with. */
const ajv = new Ajv({ allErrors: true, strict: false });
addFormats(ajv);
const shared: Record<string, Schema> = {
  address: { $id: 'address', type: 'object', required: ['zip'], properties: { zip: { type: 'string', pattern: '^[0-9]{5}$' } } },
};
ajv.addSchema(shared.address as object);

function expectValid(schema: Schema, value: unknown): void {
  const validate = ajv.compile(schema as object);
  expect(validate(value), JSON.stringify({ value, errors: validate.errors })).toBe(true);
}

describe('JSON Schema samples', () => {
  it.each([
    ['email', 'warmup@example.com'],
    ['uuid', '00000000-0000-4000-8000-000000000000'],
    ['date-time', '2024-01-01T00:00:00.000Z'],
    ['date', '2024-01-01'],
    ['time', '00:00:00Z'],
    ['uri', 'https://example.com/'],
    ['hostname', 'example.com'],
    ['ipv4', '127.0.0.1'],
    ['ipv6', '::1'],
  ])('gives a valid %s string', (format, expected) => {
    const schema = { type: 'string', format };
    expect(sampleValue(schema)).toBe(expected);
    expectValid(schema, sampleValue(schema));
  });

  it('honours const, enum, examples and default, in that order', () => {
    expect(sampleValue({ const: 'x', enum: ['y'] })).toBe('x');
    expect(sampleValue({ enum: ['a', 'b'] })).toBe('a');
    expect(sampleValue({ enum: ['a', 'b'] }, { variant: 2 })).toBe('b');
    expect(sampleValue({ type: 'integer', examples: [42] })).toBe(42);
    expect(sampleValue({ type: 'integer', default: 7 })).toBe(7);
  });

  it('keeps numbers within their bounds and steps', () => {
    const cases: Schema[] = [
      { type: 'integer', minimum: 5 },
      { type: 'integer', maximum: -3 },
      { type: 'number', exclusiveMinimum: 0 },
      { type: 'integer', exclusiveMinimum: 10, maximum: 20 },
      { type: 'integer', minimum: 3, multipleOf: 5 },
      { type: 'number', minimum: 2000, maximum: 2100 },
    ];
    for (const schema of cases) expectValid(schema, sampleValue(schema));
  });

  it('fits strings to lengths and simple patterns', () => {
    for (const schema of [
      { type: 'string', minLength: 12 },
      { type: 'string', maxLength: 3 },
      { type: 'string', pattern: '^ORD-[0-9]{4}$' },
      { type: 'string', pattern: '^[a-z]+$', minLength: 2 },
      { type: 'string', pattern: '^\\d{3}-[A-Z]{2}$' },
    ] as Schema[]) {
      expectValid(schema, sampleValue(schema));
    }
  });

  it('builds nested objects and arrays, with only required properties first and all of them next', () => {
    const schema: Schema = {
      type: 'object',
      required: ['lines', 'email'],
      properties: {
        email: { type: 'string', format: 'email' },
        note: { type: 'string' },
        lines: {
          type: 'array',
          minItems: 2,
          items: {
            type: 'object',
            required: ['sku', 'qty'],
            properties: { sku: { type: 'string' }, qty: { type: 'integer', minimum: 1 } },
          },
        },
        tags: { type: 'array', uniqueItems: true, items: { type: 'string' } },
      },
      additionalProperties: false,
    };
    const [smallest, fullest] = sampleVariants(schema);
    expect(Object.keys(smallest as object).sort()).toEqual(['email', 'lines']);
    expect((smallest as { lines: unknown[] }).lines).toHaveLength(2);
    expect(Object.keys(fullest as object).sort()).toEqual(['email', 'lines', 'note', 'tags']);
    expectValid(schema, smallest);
    expectValid(schema, fullest);
  });

  it('follows $ref to shared schemas and within the document', () => {
    const schema: Schema = {
      type: 'object',
      required: ['home', 'work'],
      properties: { home: { $ref: 'address#' }, work: { $ref: '#/definitions/office' } },
      definitions: { office: { type: 'object', required: ['floor'], properties: { floor: { type: 'integer', minimum: 1 } } } },
    };
    const value = sampleValue(schema, { schemas: shared });
    expect(value).toEqual({ home: { zip: '11111' }, work: { floor: 1 } });
    expectValid(schema, value);
    expect(sampleValue({ $ref: 'address#/properties/zip' }, { schemas: shared })).toBe('11111');
  });

  it('takes the first branch of oneOf and anyOf (the second as a later variant) and merges allOf', () => {
    const oneOf: Schema = {
      oneOf: [
        { type: 'object', required: ['address'], properties: { address: { type: 'string' } }, additionalProperties: false },
        { type: 'object', required: ['pickup'], properties: { pickup: { const: true } }, additionalProperties: false },
      ],
    };
    const variants = sampleVariants(oneOf);
    expect(variants).toContainEqual({ address: 'warmup' });
    expect(variants).toContainEqual({ pickup: true });
    for (const v of variants) expectValid(oneOf, v);
    const allOf: Schema = {
      allOf: [
        { type: 'object', required: ['a'], properties: { a: { type: 'integer' } } },
        { type: 'object', required: ['b'], properties: { b: { type: 'string', format: 'date' } } },
      ],
    };
    expect(sampleValue(allOf)).toEqual({ a: 1, b: '2024-01-01' });
    expectValid(allOf, sampleValue(allOf));
    expect(sampleValue({ anyOf: [{ type: 'null' }, { type: 'integer' }] })).toBeNull();
    expect(sampleValue({ type: ['null', 'integer'], minimum: 3 })).toBe(3);
  });
});
