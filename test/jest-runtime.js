// Jest's runtime with a V8 code cache per worker (jest.config.js `runtime`).
//
// Jest gives each test file a module registry of its own, so every file compiles the server's
// module graph again: about 1,900 CommonJS files, 11 MB of JavaScript. A module's source does not
// change between the test files of one run, so the first compile of each file in a worker keeps
// V8's code cache and the worker's next test files start from it: importing test/server.ts went
// from about 1.0 to 0.78 CPU-seconds per test file. Anything unusual (a path that is not a file,
// a compile error) goes to Jest's own compile, so its errors read as they always do; a Jest whose
// internals differ (it compiles in `this.executor`, as Jest 30 does) simply runs without the cache.
const { compileFunction } = require('node:vm');
const path = require('node:path');
const Runtime = require('jest-runtime').default;

/** filename → the source compiled and V8's cache for it; one per worker, for every test file it runs. */
const codeCache = new Map();

class CodeCachingRuntime extends Runtime {
  constructor(...args) {
    super(...args);
    const executor = this.executor;
    if (typeof executor?.compile !== 'function' || typeof executor.dynamicImport !== 'function') return;
    const jestCompile = executor.compile.bind(executor);
    executor.compile = (scriptSource, filename) => {
      const vmContext = executor.environment.getVmContext();
      if (vmContext == null || !path.isAbsolute(filename)) return jestCompile(scriptSource, filename);
      const cached = codeCache.get(filename);
      const cachedData = cached !== undefined && cached.source === scriptSource ? cached.data : undefined;
      let compiled;
      try {
        compiled = compileFunction(scriptSource, executor.injectedModuleParameters, {
          filename,
          parsingContext: vmContext,
          cachedData,
          produceCachedData: cachedData === undefined,
          importModuleDynamically: (specifier, _function, importAttributes, phase) =>
            executor.dynamicImport(specifier, filename, vmContext, importAttributes, phase),
        });
      } catch {
        return jestCompile(scriptSource, filename);
      }
      if (compiled.cachedDataProduced) codeCache.set(filename, { source: scriptSource, data: compiled.cachedData });
      return compiled;
    };
  }
}

module.exports = CodeCachingRuntime;
