import { spawn, type ChildProcess } from 'node:child_process';

/**
 * Runs a command in a real pseudo-terminal through util-linux `script` (present on every Debian, so CI
 * needs nothing extra): the program sees a TTY on stdin and stdout, exactly as in a user's terminal,
 * and the test types keys into it and reads the screen output.
 */
export interface PseudoTerminal {
  /** Everything the program wrote, ANSI sequences stripped. */
  screen(): string;
  /** Waits until `text` appears after the last `waitFor` match (or `timeoutMs` passes). */
  waitFor(text: string | RegExp, timeoutMs?: number): Promise<void>;
  type(keys: string): void;
  exited: Promise<number>;
}

export const KEYS = { enter: '\r', down: '\u001b[B', up: '\u001b[A', left: '\u001b[D', right: '\u001b[C', space: ' ' };

export function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

export function startPseudoTerminal(argv: readonly string[], env: Record<string, string>, cwd: string): PseudoTerminal {
  // A fixed window size: without one the pty is 0x0 and prompts would wrap at every character.
  const command = `stty cols 160 rows 50; exec ${argv.map(shellQuote).join(' ')}`;
  const child: ChildProcess = spawn('script', ['-qfec', command, '/dev/null'], { cwd, env, stdio: ['pipe', 'pipe', 'pipe'] });
  let output = '';
  let consumed = 0;
  const onData = (chunk: Buffer): void => {
    output += chunk.toString('utf8');
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const exited = new Promise<number>((resolve) => child.on('exit', (code) => resolve(code ?? 1)));
  const screen = (): string => output.replace(/\u001b\[[0-9;?]*[A-Za-z]/g, '').replace(/\u001b\][^\u0007]*\u0007/g, '');
  return {
    screen,
    exited,
    type(keys) {
      child.stdin!.write(keys);
    },
    async waitFor(text, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const rest = screen().slice(consumed);
        const index = typeof text === 'string' ? rest.indexOf(text) : rest.search(text);
        if (index >= 0) {
          consumed += index + 1;
          return;
        }
        if (Date.now() > deadline || child.exitCode !== null) {
          throw new Error(`did not see ${String(text)} on the terminal; it shows:\n${screen().slice(-3000)}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
  };
}
