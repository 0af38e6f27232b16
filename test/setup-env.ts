// Each test file (jest gives it its own copy of the environment; a child process it starts gets the
// real one unless passed `process.env`, see simulator/simulate.ts): quiet logs unless a test asks.
process.env.LOG_LEVEL ??= 'silent';
// Libraries run their production builds, as the server does (the Dockerfile sets NODE_ENV=production):
// React's development build records an owner stack per element (2.3 s of a 20 s simulator process),
// and graphql and others add checks of their own. Hearth itself never reads process.env.NODE_ENV:
// each test server states its own NODE_ENV to parseEnv (test/server.ts). Jest sets 'test' before this.
process.env.NODE_ENV = 'production';
