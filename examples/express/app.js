/**
 * The app as the tsunicorn CLI loads it: `tsunicorn app.js`. The CLI imports this module only
 * in the workers (and once in the master with --preload).
 */
import { createApp } from './create-app.js';

export default createApp();
