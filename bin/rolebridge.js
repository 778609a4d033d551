#!/usr/bin/env node
// The published entry point runs the compiled CLI (`npm install` builds it via `prepare`).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const compiled = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(fileURLToPath(compiled))) {
  process.stderr.write('rolebridge: dist/ is missing; run `npm run build` (npm install does it for you).\n');
  process.exit(2);
}
await import(compiled.href);
