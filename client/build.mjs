// Builds the published client: ESM (dist/esm) and CommonJS (dist/cjs), each with its declarations.
// Run by `npm run build -w @hearth/client` and before `npm pack` / `npm publish` (prepack).
import { execFileSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const run = (...args) => execFileSync(process.execPath, [tsc, '-p', 'tsconfig.json', ...args], { cwd: here, stdio: 'inherit' });

rmSync(new URL('dist', import.meta.url), { recursive: true, force: true });
run();
run('--module', 'commonjs', '--moduleResolution', 'node10', '--verbatimModuleSyntax', 'false', '--outDir', 'dist/cjs');
// The package is "type": "module": the CommonJS folder says what its .js files are.
writeFileSync(new URL('dist/cjs/package.json', import.meta.url), '{ "type": "commonjs" }\n');
