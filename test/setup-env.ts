// Each jest worker: quiet logs unless a test asks for them.
process.env.LOG_LEVEL ??= 'silent';
// Libraries run their production builds, as the server does (the Dockerfile sets NODE_ENV=production):
// React's development build records an owner stack per element (a third of a digest's render), and
// graphql and others add checks of their own. Hearth itself never reads process.env.NODE_ENV: each
// test server states its own NODE_ENV to parseEnv (test/server.ts). Jest sets 'test' before this.
process.env.NODE_ENV = 'production';
