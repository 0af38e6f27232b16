// Jest's runtime with a V8 code cache per worker (jest.config.js `runtime`).
//
// Jest gives each test file a module registry of its own, so every file compiles the server's
// module graph again: about 1,900 CommonJS files, 11 MB of JavaScript, and MikroORM's ES modules.
// A module's source does not change between the test files of one run, so the first compile of
// each file in a worker keeps V8's code cache and the worker's next test files start from it.
// Importing test/server.ts went from about 1.0 to 0.78 CPU-s per test file with the CommonJS
// cache; the ES modules' cache halved the time Jest spent building them (in a profile of 24 test
// files in one process: 2.4 to 1.2 s).
// Anything unusual (a path that is not a file, a compile error, a cache V8 refuses) goes to Jest's
// own code path, so its errors read as they always do; a Jest whose internals differ (it compiles
// in `this.executor` and builds ES modules with `vm.SourceTextModule`, as Jest 30 does) simply runs
// without the caches.
const vm = require('node:vm');
const path = require('node:path');
const Runtime = require('jest-runtime').default;

/** filename → the source compiled and V8's cache for it; one per worker, for every test file it runs. */
const codeCache = new Map();

/** Jest 30 builds ES modules with `new (require('node:vm').SourceTextModule)(code, options)`, read at each call. */
function cacheSourceTextModules() {
  const JestSourceTextModule = vm.SourceTextModule;
  if (typeof JestSourceTextModule !== 'function' || JestSourceTextModule.hearthCodeCache) return;
  class CachingSourceTextModule extends JestSourceTextModule {
    static hearthCodeCache = true;
    constructor(code, options = {}) {
      const filename = options.identifier;
      if (typeof code !== 'string' || typeof filename !== 'string' || !path.isAbsolute(filename) || options.cachedData) {
        super(code, options);
        return;
      }
      const cached = codeCache.get(filename);
      if (cached !== undefined && cached.source === code) {
        try {
          super(code, { ...options, cachedData: cached.data });
          return;
        } catch {
          codeCache.delete(filename);
        }
      }
      super(code, options);
      // Before it is evaluated (V8 refuses after): what it compiled eagerly.
      codeCache.set(filename, { source: code, data: this.createCachedData() });
    }
  }
  vm.SourceTextModule = CachingSourceTextModule;
}
cacheSourceTextModules();

class CachingRuntime extends Runtime {
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
        compiled = vm.compileFunction(scriptSource, executor.injectedModuleParameters, {
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

module.exports = CachingRuntime;
