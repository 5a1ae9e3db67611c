/** The app for the CLI: `tsunicorn app.js`. */
import { createApp } from './create-app.js';

export default createApp();
