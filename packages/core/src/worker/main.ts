/** Entry of the workers the `tsunicorn` CLI spawns: loads the APP the settings name. */
import { adapterFor, importApp } from '../adapter/loader.js';
import { runWorker } from './runtime.js';

await runWorker({
  async makeAdapter(settings) {
    const { value, path, label } = await importApp(settings.app ?? '', process.cwd());
    return adapterFor(value, path, label);
  },
});
