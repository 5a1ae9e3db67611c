import type { UserConfig } from './settings/index.js';

export async function runMasterFromCode(_options: UserConfig): Promise<void> {
  throw new Error('not yet');
}
