/**
 * A package loaded when it is first needed rather than when the process starts, for packages a
 * process calls late or never: the LiveKit SDK (webhooks, recordings), nodemailer (a worker's SMTP
 * relay) and React's server renderers (emails, pages). Together they are about a tenth of the
 * CPU it takes to load the app, paid by every API process at start and by every jest test file
 * (each loads the app in a module registry of its own); the first use pays it once instead.
 *
 * `load` is a `require` of the package: the build is CommonJS, and an `import()` would load a
 * package's ES build beside the CommonJS one other code gets, so its classes (the SDK's
 * TwirpError, say) would exist twice and `instanceof` would fail. ESLint allows `require` for
 * exactly these packages (eslint.config.js).
 */
export function onFirstUse<T>(load: () => T): () => T {
  let loaded: T | undefined;
  return () => (loaded ??= load());
}
