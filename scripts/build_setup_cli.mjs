// Bundles the customer's set-up CLI (src/cli/setup_standalone.ts: `setup aws` and the packages it uses) into one
// self-contained ES module, dist/setup-cli/rolebridge-setup-<version>.mjs, runnable with a bare `node` and no
// node_modules. The server serves it (GET /setup/latest, GET /setup/<file>) with its SHA-256.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');
const { version, engines } = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8'));
const outDir = join(repo, 'dist', 'setup-cli');
const file = `rolebridge-setup-${version}.mjs`;

mkdirSync(outDir, { recursive: true });
// One version in the folder: the server serves what `manifest.json` names.
for (const old of readdirSync(outDir)) if (old.startsWith('rolebridge-setup-')) rmSync(join(outDir, old));

/**
 * rolebridge's own modules declare and export; none acts on import. Saying so lets esbuild drop the ones set-up
 * never calls (the doctor's server side, the store) together with the packages only they import (pg,
 * better-sqlite3, prom-client), which esbuild cannot prove unused on its own.
 */
const sourceWithoutSideEffects = {
  name: 'rolebridge-source-without-side-effects',
  setup(builder) {
    builder.onResolve({ filter: /^\.\.?\/.*\.js$/ }, (args) => {
      if (!args.importer.startsWith(join(repo, 'src'))) return undefined;
      return { path: resolve(args.resolveDir, args.path.replace(/\.js$/, '.ts')), sideEffects: false };
    });
  },
};

const result = await build({
  entryPoints: [join(repo, 'src/cli/setup_standalone.ts')],
  outfile: join(outDir, file),
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20.19',
  // ES builds of the AWS SDK tree-shake down to the commands set-up calls.
  mainFields: ['module', 'main'],
  minify: true,
  legalComments: 'none',
  define: { ROLEBRIDGE_SETUP_CLI_VERSION: JSON.stringify(version) },
  banner: {
    js: [
      '#!/usr/bin/env node',
      `// rolebridge-setup ${version}: the customer-side set-up CLI of rolebridge (Apache-2.0), one file, Node ${engines.node}.`,
      '// Run: node rolebridge-setup-' + version + '.mjs setup aws --help',
      // CommonJS packages inside an ES module still call require() for node builtins.
      "import { createRequire as __rolebridgeCreateRequire } from 'node:module'; const require = __rolebridgeCreateRequire(import.meta.url);",
    ].join('\n'),
  },
  plugins: [sourceWithoutSideEffects],
  logLevel: 'warning',
});
if (result.errors.length > 0) process.exit(1);

const bytes = readFileSync(join(outDir, file));
const manifest = { version, file, sha256: createHash('sha256').update(bytes).digest('hex'), size: bytes.length };
writeFileSync(join(outDir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
process.stdout.write(`setup CLI: dist/setup-cli/${file} (${(bytes.length / 1024).toFixed(0)} KiB, sha256 ${manifest.sha256})\n`);
