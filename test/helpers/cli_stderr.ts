/** Runs an in-process CLI call (`runCli`) and returns its exit code with what it wrote to stderr. */
export async function stderrOf(run: () => Promise<number>): Promise<{ code: number; stderr: string }> {
  const chunks: string[] = [];
  const write = process.stderr.write.bind(process.stderr);
  process.stderr.write = ((chunk: string) => chunks.push(String(chunk)) > 0) as typeof process.stderr.write;
  try {
    return { code: await run(), stderr: chunks.join('') };
  } finally {
    process.stderr.write = write;
  }
}
