/**
 * Builds a plain object that a DTO class accepts, from the metadata its decorators left:
 * class-validator's rules (its global metadata storage), class-transformer's `@Type()` for
 * nested DTOs and arrays of them, the `design:type` TypeScript emits, and `@nestjs/swagger`'s
 * `@ApiProperty({ example })` when present. Nothing here imports class-validator or
 * class-transformer: the storages are found the way ValidationPipe finds the packages, so
 * they are the app's own copies.
 */
import { createRequire } from 'node:module';
import { fitLength, SAMPLE_UUID, sampleForPattern } from '@tsunicorn/core';

/** One rule from class-validator's storage (`ValidationMetadata`), as far as sampling reads it. */
export interface ValidationRule {
  readonly type: string;
  readonly name?: string;
  readonly propertyName: string;
  readonly constraints?: readonly unknown[];
  readonly each?: boolean;
}

/** What sampling reads of class-validator's and class-transformer's storages. */
export interface DtoMetadata {
  /** class-validator's rules of a class, its parents' included. */
  rules(target: Function): readonly ValidationRule[];
  /** The class `@Type(() => X)` names for a property, if any. */
  nestedType(target: Function, property: string): Function | undefined;
}

/** Swagger's key for `@ApiProperty()` options (`DECORATORS.API_MODEL_PROPERTIES`). */
const API_MODEL_PROPERTIES = 'swagger/apiModelProperties';
/** Swagger's list of decorated properties, as `:name` (`DECORATORS.API_MODEL_PROPERTIES_ARRAY`). */
const API_MODEL_PROPERTIES_ARRAY = 'swagger/apiModelPropertiesArray';

interface ClassValidatorStorage {
  getTargetValidationMetadatas(target: Function, schema: string, always: boolean, strictGroups: boolean): ValidationRule[];
}

interface ClassTransformerStorage {
  findTypeMetadata(target: Function, property: string): { typeFunction?: (options?: unknown) => Function } | undefined;
}

/**
 * The storages of the app's class-validator and class-transformer: class-validator keeps its
 * own on `globalThis`; class-transformer's is a module, resolved from `@nestjs/common` as
 * ValidationPipe resolves it. Null parts when a package is not installed.
 */
export function loadDtoMetadata(): DtoMetadata {
  const validator = (globalThis as { classValidatorMetadataStorage?: ClassValidatorStorage }).classValidatorMetadataStorage;
  const transformer = loadTransformerStorage();
  return {
    rules: (target) => validator?.getTargetValidationMetadatas(target, '', true, false) ?? [],
    nestedType: (target, property) => {
      try {
        return transformer?.findTypeMetadata(target, property)?.typeFunction?.();
      } catch {
        return undefined;
      }
    },
  };
}

function loadTransformerStorage(): ClassTransformerStorage | null {
  for (const from of ['@nestjs/common/package.json', '@tsunicorn/nest/package.json']) {
    try {
      const require = createRequire(createRequire(import.meta.url).resolve(from));
      const { defaultMetadataStorage } = require('class-transformer/cjs/storage.js') as { defaultMetadataStorage: ClassTransformerStorage };
      return defaultMetadataStorage;
    } catch {}
  }
  return null;
}

/** Options of one sample. */
export interface DtoSampleOptions {
  /** 0: required properties only; 1 and up: optional ones too; 2: other `IsIn`/`IsEnum` members. */
  readonly variant?: number;
}

const MAX_DEPTH = 8;

/** A plain object the DTO class accepts, as best its metadata tells. */
export function sampleDto(dto: Function, metadata: DtoMetadata, options: DtoSampleOptions = {}): Record<string, unknown> {
  return sampleClass(dto, metadata, options.variant ?? 0, 0);
}

function sampleClass(dto: Function, metadata: DtoMetadata, variant: number, depth: number): Record<string, unknown> {
  const value: Record<string, unknown> = {};
  if (depth > MAX_DEPTH) return value;
  const byProperty = new Map<string, ValidationRule[]>();
  for (const rule of metadata.rules(dto)) {
    if (!byProperty.has(rule.propertyName)) byProperty.set(rule.propertyName, []);
    byProperty.get(rule.propertyName)!.push(rule);
  }
  for (const name of swaggerProperties(dto)) if (!byProperty.has(name)) byProperty.set(name, []);
  for (const [property, rules] of byProperty) {
    const swagger = swaggerOptions(dto, property);
    const optional = rules.some((r) => r.name === 'isOptional') || (rules.length === 0 && swagger?.required === false);
    if (optional && variant === 0) continue;
    value[property] = sampleProperty(dto, property, rules, swagger, metadata, variant, depth);
  }
  return value;
}

interface SwaggerProperty {
  readonly example?: unknown;
  readonly examples?: unknown;
  readonly default?: unknown;
  readonly enum?: unknown;
  readonly required?: boolean;
  readonly isArray?: boolean;
  readonly type?: unknown;
}

function swaggerOptions(dto: Function, property: string): SwaggerProperty | undefined {
  const options: unknown = Reflect.getMetadata(API_MODEL_PROPERTIES, dto.prototype, property);
  return typeof options === 'object' && options !== null ? (options as SwaggerProperty) : undefined;
}

function swaggerProperties(dto: Function): string[] {
  const names: unknown = Reflect.getMetadata(API_MODEL_PROPERTIES_ARRAY, dto.prototype);
  return Array.isArray(names) ? names.filter((n): n is string => typeof n === 'string').map((n) => n.replace(/^:/, '')) : [];
}

function sampleProperty(
  dto: Function,
  property: string,
  rules: readonly ValidationRule[],
  swagger: SwaggerProperty | undefined,
  metadata: DtoMetadata,
  variant: number,
  depth: number,
): unknown {
  if (swagger && 'example' in swagger && swagger.example !== undefined) return swagger.example;
  const designType: unknown = Reflect.getMetadata('design:type', dto.prototype, property);
  const nested = metadata.nestedType(dto, property) ?? (isDtoClass(designType) ? designType : undefined);
  const isArray =
    designType === Array ||
    swagger?.isArray === true ||
    rules.some((r) => r.name === 'isArray' || (r.each && r.type !== 'conditionalValidation'));
  const itemRules = rules.filter((r) => r.each || !isArray);
  const item = () =>
    nested && isDtoClass(nested)
      ? sampleClass(nested, metadata, variant, depth + 1)
      : sampleScalar(itemRules, swagger, designType === Array ? undefined : designType, variant);
  if (!isArray) return item();
  const count = Math.max(1, ...rules.filter((r) => r.name === 'arrayMinSize').map((r) => Number(r.constraints?.[0] ?? 1)));
  const values = Array.from({ length: count }, item);
  return rules.some((r) => r.name === 'arrayUnique')
    ? values.map((v, i) => (typeof v === 'number' ? v + i : typeof v === 'string' ? `${v}${i || ''}` : v))
    : values;
}

/** A class of the app's own, as opposed to String, Number, Date, Object and the like. */
function isDtoClass(value: unknown): value is Function {
  return typeof value === 'function' && ![String, Number, Boolean, Object, Array, Date, Buffer, Map, Set, Promise].includes(value as never);
}

/** Values for class-validator's string and number rules, by the rule's name. */
const BY_RULE: Readonly<Record<string, unknown>> = {
  isEmail: 'warmup@example.com',
  isUUID: SAMPLE_UUID,
  isUrl: 'https://example.com/',
  isURL: 'https://example.com/',
  isFQDN: 'example.com',
  isDateString: '2024-01-01T00:00:00.000Z',
  isISO8601: '2024-01-01T00:00:00.000Z',
  isDate: '2024-01-01T00:00:00.000Z',
  isRFC3339: '2024-01-01T00:00:00Z',
  isMilitaryTime: '12:00',
  isTimeZone: 'UTC',
  isIP: '127.0.0.1',
  isPort: '8080',
  isMongoId: '507f1f77bcf86cd799439011',
  isHexColor: '#ffffff',
  isHexadecimal: 'ff',
  isRgbColor: 'rgb(0,0,0)',
  isMACAddress: '00:00:00:00:00:00',
  isPhoneNumber: '+14155552671',
  isMobilePhone: '+14155552671',
  isPostalCode: '10001',
  isLatitude: '0',
  isLongitude: '0',
  isLatLong: '0,0',
  isJSON: '{}',
  isJWT: 'eyJhbGciOiJIUzI1NiJ9.e30.ZRrHA1JJJW8opsbCGfG_HACGpVUMN_a9IV7pAx_Zmeo',
  isBase64: 'd2FybXVw',
  isCurrency: '1.00',
  isISO31661Alpha2: 'US',
  isISO31661Alpha3: 'USA',
  isISO4217CurrencyCode: 'USD',
  isLocale: 'en-US',
  isSemVer: '1.0.0',
  isAlpha: 'warmup',
  isAlphanumeric: 'warmup1',
  isAscii: 'warmup',
  isLowercase: 'warmup',
  isUppercase: 'WARMUP',
  isNumberString: '1',
  isNumericString: '1',
  isBooleanString: 'true',
  isDecimal: '1.5',
  isInt: 1,
  isNumber: 1,
  isPositive: 1,
  isNegative: -1,
  isBoolean: true,
  isObject: {},
  isNotEmptyObject: { warmup: true },
  isString: 'warmup',
  isEmpty: '',
  isStrongPassword: 'Warmup-Passw0rd!',
  isCreditCard: '4111111111111111',
  isISBN: '9780306406157',
  isIsbn: '9780306406157',
  isNotEmpty: 'warmup',
};

/** BY_RULE by lower-case name: class-validator spells some `isIso8601`, `isUuid`, `isIp`. */
const RULES: ReadonlyMap<string, unknown> = new Map(Object.entries(BY_RULE).map(([name, value]) => [name.toLowerCase(), value]));

function sampleScalar(
  rules: readonly ValidationRule[],
  swagger: SwaggerProperty | undefined,
  designType: unknown,
  variant: number,
): unknown {
  const rule = (name: string) => rules.find((r) => r.name === name);
  const pick = (values: readonly unknown[]) => values[Math.min(variant >= 2 ? 1 : 0, values.length - 1)];
  const equals = rule('equals');
  if (equals) return equals.constraints?.[0];
  const isIn = rule('isIn');
  if (isIn && Array.isArray(isIn.constraints?.[0])) return pick(isIn.constraints[0] as unknown[]);
  const isEnum = rule('isEnum');
  if (isEnum) return pick(enumValues(isEnum.constraints?.[0]));
  if (swagger?.enum !== undefined) return pick(enumValues(swagger.enum));
  const contains = rule('contains');
  if (contains) return String(contains.constraints?.[0] ?? 'warmup');
  const named = rules.map((r) => r.name?.toLowerCase()).find((name): name is string => name !== undefined && RULES.has(name));
  let value: unknown = named !== undefined ? RULES.get(named) : fromDesignType(designType, swagger);
  if (typeof value === 'number') value = fitNumber(value, rules);
  if (typeof value === 'string' && named === undefined) value = fitString(value, rules);
  else if (typeof value === 'string' && (rule('minLength') || rule('isLength'))) value = fitString(value, rules);
  return value;
}

function fromDesignType(designType: unknown, swagger: SwaggerProperty | undefined): unknown {
  if (swagger?.default !== undefined) return swagger.default;
  if (designType === Number) return 1;
  if (designType === Boolean) return true;
  if (designType === Date) return '2024-01-01T00:00:00.000Z';
  if (designType === Object) return {};
  return 'warmup';
}

/** `IsEnum(E)`: the enum's values, without TypeScript's reverse mappings of numeric members. */
function enumValues(entity: unknown): unknown[] {
  if (Array.isArray(entity)) return entity;
  if (typeof entity !== 'object' || entity === null) return ['warmup'];
  const entries = Object.entries(entity as Record<string, unknown>);
  const values = entries.filter(([key]) => !/^\d+$/.test(key)).map(([, v]) => v);
  return values.length > 0 ? values : ['warmup'];
}

function fitNumber(start: number, rules: readonly ValidationRule[]): number {
  const bound = (name: string) => rules.filter((r) => r.name === name).map((r) => Number(r.constraints?.[0]));
  let value = start;
  for (const min of bound('min')) value = Math.max(value, min);
  for (const max of bound('max')) value = Math.min(value, max);
  if (rules.some((r) => r.name === 'isInt')) value = Math.ceil(value);
  const divisible = bound('isDivisibleBy')[0];
  if (divisible) value = Math.ceil(value / divisible) * divisible;
  return value;
}

function fitString(start: string, rules: readonly ValidationRule[]): string {
  const constraint = (name: string, i = 0) =>
    rules
      .filter((r) => r.name === name)
      .map((r) => r.constraints?.[i])
      .find((c): c is number => typeof c === 'number');
  const min = constraint('minLength') ?? constraint('isLength') ?? 0;
  const max = constraint('maxLength') ?? constraint('isLength', 1) ?? Number.POSITIVE_INFINITY;
  const matches = rules.find((r) => r.name === 'matches')?.constraints?.[0];
  const pattern = matches instanceof RegExp ? matches : typeof matches === 'string' ? safeRegExp(matches) : null;
  return (pattern ? sampleForPattern(pattern, min, max) : undefined) ?? fitLength(start, min, max);
}

function safeRegExp(source: string): RegExp | null {
  try {
    return new RegExp(source);
  } catch {
    return null;
  }
}

/** Query strings carry text: numbers and booleans become their string forms, arrays repeat. */
export function toQueryString(value: Readonly<Record<string, unknown>>): string {
  const query = new URLSearchParams();
  for (const [key, v] of Object.entries(value)) {
    for (const item of Array.isArray(v) ? v : [v]) query.append(key, typeof item === 'object' ? JSON.stringify(item) : String(item));
  }
  return query.toString();
}
