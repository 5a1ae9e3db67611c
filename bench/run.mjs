/**
 * `pnpm bench <name> [options]` → runs bench/<name>/run.mjs with the options.
 */
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const benches = readdirSync(new URL('./', import.meta.url), { withFileTypes: true })
  .filter((d) => d.isDirectory() && !['lib', 'results'].includes(d.name))
  .map((d) => d.name);
const [name, ...rest] = process.argv.slice(2);
if (!name || !benches.includes(name)) {
  console.error(`usage: pnpm bench <${benches.join('|')}> [options]`);
  process.exit(2);
}
const entry = fileURLToPath(new URL(`./${name}/run.mjs`, import.meta.url));
// The benchmark reads its options from process.argv as if it had been started directly.
process.argv = [process.argv[0], entry, ...rest];
await import(entry);
