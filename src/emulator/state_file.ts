import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { type EmulatorState, withKeyedRecords } from './emulator_state.js';

/**
 * `--state-file`: the whole state as one JSON document, replaced atomically (write a sibling,
 * then rename) so a crash mid-write never leaves half a file. The file holds secret keys of the
 * emulator's own fake accounts; it is written with mode 0600.
 */
export async function loadStateFile(path: string): Promise<EmulatorState | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  return withKeyedRecords(JSON.parse(text) as EmulatorState);
}

export async function saveStateFile(path: string, state: EmulatorState): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
  await rename(temporary, path);
}
