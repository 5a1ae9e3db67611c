// `pnpm start:module` serves the bare AppModule (no global prefix): tsunicorn.config.js's
// warm-up requests are for createApp()'s routes, so this start uses no extra settings.
export default {};
