/**
 * DTO samples from class-validator's and class-transformer's metadata, on DTOs compiled by tsc
 * (test/apps/nest-shop/dist, with the decorator metadata Nest needs), checked by running
 * class-transformer and class-validator on them as ValidationPipe does.
 */
import 'reflect-metadata';
import { existsSync } from 'node:fs';
import { plainToInstance } from 'class-transformer';
import { IsInt, IsString, validateSync } from 'class-validator';
import { describe, expect, it } from 'vitest';
import { loadDtoMetadata, sampleDto } from '../src/dto-sample.js';

const dist = new URL('../../../test/apps/nest-shop/dist/', import.meta.url);
if (!existsSync(new URL('dto.js', dist))) throw new Error('test/apps/nest-shop/dist is missing: run `pnpm build` first');
const dto = (await import(new URL('dto.js', dist).href)) as typeof import('../../../test/apps/nest-shop/dist/dto.js');

const metadata = loadDtoMetadata();

function errorsOf(cls: new () => object, value: object): string[] {
  const instance = plainToInstance(cls, value);
  return validateSync(instance, { whitelist: true, forbidNonWhitelisted: true }).flatMap((e) => [
    ...Object.values(e.constraints ?? {}),
    ...(e.children ?? []).flatMap((c) => JSON.stringify(c.constraints ?? c.children)),
  ]);
}

describe('DTO samples', () => {
  it.each([
    ['CreateProductDto', dto.CreateProductDto],
    ['UpdateProductDto', dto.UpdateProductDto],
    ['CreateOrderDto', dto.CreateOrderDto],
    ['CreateUserDto', dto.CreateUserDto],
    ['SearchQueryDto', dto.SearchQueryDto],
    ['CartItemDto', dto.CartItemDto],
  ])('gives a %s that passes class-validator, in every variant', (_name, cls) => {
    for (const variant of [0, 1, 2]) {
      const value = sampleDto(cls, metadata, { variant });
      expect({ variant, value, errors: errorsOf(cls as new () => object, value) }).toEqual({ variant, value, errors: [] });
    }
  });

  it('fills nested DTOs and arrays of them from @Type(), with @Matches, @IsEmail and @ArrayMinSize', () => {
    expect(sampleDto(dto.CreateOrderDto, metadata)).toEqual({
      email: 'warmup@example.com',
      lines: [{ productId: 1, quantity: 1 }],
      address: { street: 'warmup', zip: '11111' },
    });
  });

  it('leaves optional properties out first, then adds them, and picks enum and IsIn members', () => {
    expect(sampleDto(dto.CreateProductDto, metadata)).toEqual({ name: 'warmup', price: 1, category: 'books' });
    expect(sampleDto(dto.CreateProductDto, metadata, { variant: 1 })).toEqual({
      name: 'warmup',
      price: 1,
      category: 'books',
      tags: ['warmup'],
    });
    expect(sampleDto(dto.CreateUserDto, metadata, { variant: 2 })).toMatchObject({ born: '2024-01-01T00:00:00.000Z', language: 'fr' });
  });

  it('uses @nestjs/swagger’s example when a property has one', () => {
    class Tagged {
      name!: string;
      count!: number;
    }
    IsString()(Tagged.prototype, 'name');
    IsInt()(Tagged.prototype, 'count');
    // What @ApiProperty({ example }) stores (DECORATORS.API_MODEL_PROPERTIES and its list).
    Reflect.defineMetadata('swagger/apiModelProperties', { example: 'Ada Lovelace', required: true }, Tagged.prototype, 'name');
    Reflect.defineMetadata('swagger/apiModelProperties', { example: 12, required: true }, Tagged.prototype, 'count');
    Reflect.defineMetadata('swagger/apiModelProperties', { example: 'on', required: true }, Tagged.prototype, 'mode');
    Reflect.defineMetadata('swagger/apiModelPropertiesArray', [':name', ':count', ':mode'], Tagged.prototype);
    expect(sampleDto(Tagged, metadata)).toEqual({ name: 'Ada Lovelace', count: 12, mode: 'on' });
  });
});
