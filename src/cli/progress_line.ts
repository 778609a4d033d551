/**
 * A one-line "still working" indicator for commands that take seconds (`connections test`): the label and
 * the seconds elapsed, redrawn in place on stderr, erased when done. Only on a TTY: piped or captured
 * stderr gets nothing, so scripts and logs stay clean.
 */
export interface ProgressLine {
  stop(): void;
}

const ERASE_LINE = '\r\x1b[2K';

export function progressLine(label: string, stream: NodeJS.WriteStream = process.stderr): ProgressLine {
  if (!stream.isTTY) return { stop: () => undefined };
  const started = Date.now();
  const draw = (): void => {
    const seconds = Math.floor((Date.now() - started) / 1000);
    stream.write(`${ERASE_LINE}${label}${seconds > 0 ? ` ${seconds} s` : ''}`);
  };
  draw();
  const timer = setInterval(draw, 1000);
  timer.unref();
  return {
    stop: () => {
      clearInterval(timer);
      stream.write(ERASE_LINE);
    },
  };
}
