import type { Settings } from '../settings/index.js';

/**
 * The proxies the `forwardedAllowIps` setting trusts, in the form Express's `trust proxy` and
 * Fastify's `trustProxy` both take: `true` for '*', else the list of addresses and CIDR
 * ranges; null when the setting is empty, so that the app's own choice stands.
 *
 * @example
 * const trust = trustedProxies(ctx.settings);
 * if (trust !== null) app.set('trust proxy', trust);
 */
export function trustedProxies(settings: Pick<Settings, 'forwardedAllowIps'>): true | string[] | null {
  const ips = settings.forwardedAllowIps.filter((ip) => ip !== '');
  if (ips.length === 0) return null;
  return ips.includes('*') ? true : [...ips];
}
