import { TsuError } from '../errors.js';
import type { Settings } from '../settings/index.js';
import type { Adapter, AdapterOptions } from './contract.js';

/**
 * The one rule for adapter options: those given in code, with the config file's
 * `adapterOptions` over them key by key (the config file wins, as for every setting), checked
 * once by the adapter. A failed check is TSU_ERR_INVALID_SETTING naming `adapterOptions`.
 */
export function resolveAdapterOptions<Options>(adapter: Adapter<Options>, settings: Settings): Options {
  const merged: AdapterOptions = Object.freeze({ ...adapter.options, ...settings.adapterOptions });
  if (!adapter.checkOptions) return merged as Options;
  try {
    return adapter.checkOptions(merged);
  } catch (err) {
    if (err instanceof TsuError) throw err;
    throw new TsuError(
      'TSU_ERR_INVALID_SETTING',
      `invalid value for setting "adapterOptions" of the ${adapter.name} adapter: ${(err as Error).message}`,
      {
        cause: err,
      },
    );
  }
}
