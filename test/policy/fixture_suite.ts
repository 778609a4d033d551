import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

/** Reads every `fixtures/<prefix>*.json` suite: `{description, cases: [...]}`. */
export function loadFixtureSuites<Case>(prefix: string): Array<{ file: string; description: string; cases: Case[] }> {
  const directory = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures');
  return readdirSync(directory)
    .filter((file) => file.startsWith(prefix) && file.endsWith('.json'))
    .sort()
    .map((file) => {
      const suite = JSON.parse(readFileSync(path.join(directory, file), 'utf8')) as { description: string; cases: Case[] };
      return { file, ...suite };
    });
}
