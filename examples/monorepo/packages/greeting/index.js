/** Greetings in a few languages: the library the monorepo example's API depends on. */

const greetings = {
  en: (name) => `Hello, ${name}!`,
  fr: (name) => `Bonjour, ${name} !`,
  de: (name) => `Hallo, ${name}!`,
  es: (name) => `¡Hola, ${name}!`,
  ja: (name) => `こんにちは、${name}さん！`,
};

/** The language codes `greet()` knows. */
export const locales = Object.freeze(Object.keys(greetings));

/**
 * Greets `name` in `locale`, falling back to English for a language it does not know.
 *
 * @example
 * greet('Ada', 'fr'); // 'Bonjour, Ada !'
 */
export function greet(name, locale = 'en') {
  const format = greetings[locale] ?? greetings.en;
  return format(String(name).trim() || 'stranger');
}

/** Picks the best known locale from an Accept-Language header value. */
export function localeFrom(acceptLanguage = '') {
  const wanted = acceptLanguage
    .split(',')
    .map((part) => {
      const [tag, q = 'q=1'] = part.trim().split(';');
      return { code: tag.slice(0, 2).toLowerCase(), q: Number(q.split('=')[1]) || 0 };
    })
    .sort((a, b) => b.q - a.q);
  return wanted.find((w) => locales.includes(w.code))?.code ?? 'en';
}
