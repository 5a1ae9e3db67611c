/**
 * Strings for a validation pattern, shared by the adapters' value synthesis (JSON Schema
 * `pattern`, class-validator's `@Matches()`). Patterns are not inverted in general: the
 * pattern's own literal text with its simplest classes filled in, then common shapes.
 */

/** Candidate strings for a pattern; the caller keeps the first one the pattern accepts. */
export function stringsForPattern(pattern: string): string[] {
  const count = (n: string | undefined) => Number(n ?? 1);
  const literal = pattern
    .replace(/^\^|\$$/g, '')
    .replace(/(?:\\d|\[0-9\])(\{(\d+)(,\d*)?\}|\+|\*)?/g, (_m, _q, n) => '1'.repeat(count(n)))
    .replace(/\[a-z[^\]]*\](\{(\d+)(,\d*)?\}|\+|\*)?/g, (_m, _q, n) => 'a'.repeat(count(n)))
    .replace(/\[A-Z[^\]]*\](\{(\d+)(,\d*)?\}|\+|\*)?/g, (_m, _q, n) => 'A'.repeat(count(n)))
    .replace(/\\w(\{(\d+)(,\d*)?\}|\+|\*)?/g, (_m, _q, n) => 'a'.repeat(count(n)))
    .replace(/\\(.)/g, '$1');
  return [
    literal,
    'warmup',
    '1',
    '123',
    '12345',
    'a',
    'abc',
    'A1',
    'ABC',
    'abc-123',
    'abc_123',
    '2024-01-01',
    'a'.repeat(8),
    '1'.repeat(8),
  ];
}

/** The first candidate the pattern accepts within the length bounds, if any. */
export function sampleForPattern(pattern: RegExp, minLength = 0, maxLength = Number.POSITIVE_INFINITY): string | undefined {
  return stringsForPattern(pattern.source).find((c) => pattern.test(c) && c.length >= minLength && c.length <= maxLength);
}

/** `base` repeated or cut to a length within [min, max]: a string sample that fits length limits. */
export function fitLength(base: string, min: number, max: number): string {
  let value = base;
  while (value.length < min) value += base;
  return value.slice(0, Math.max(min, Math.min(value.length, max)));
}
