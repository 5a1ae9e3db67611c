/** Writes docs/settings.md from the settings table: `pnpm docs`. */
import { writeFileSync } from 'node:fs';
import { settingsMarkdown } from '../settings/doc.js';

const target = new URL('../../../../docs/settings.md', import.meta.url);
writeFileSync(target, settingsMarkdown());
process.stdout.write(`wrote ${target.pathname}\n`);
