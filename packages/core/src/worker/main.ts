/** Entry of the workers the `tsunicorn` CLI spawns: loads the APP the settings name. */
import { resolve } from 'node:path';
import { adapterFor, importApp, parseAppSpec } from '../adapter/loader.js';
import { withSyntaxErrorLocation } from '../adapter/syntax-error.js';
import { runWorker } from './runtime.js';

await runWorker({
  async makeAdapter(settings) {
    const spec = settings.app ?? '';
    const { value, path, label } = await importApp(spec, process.cwd()).catch((err: unknown) => {
      throw withSyntaxErrorLocation(err, resolve(parseAppSpec(spec).modulePath));
    });
    return adapterFor(value, path, label);
  },
});
