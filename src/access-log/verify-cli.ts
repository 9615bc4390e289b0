import { verifyTrail } from './verify';

const USAGE = 'usage: verify-log [--allow-missing-start] [--json] <path of the access log (accessLog.path)>';

interface Out {
  stdout: { write(s: string): unknown };
  stderr: { write(s: string): unknown };
}

/**
 * Walks the access log's files in order and checks every hash link; prints what it found. Exit 0 when the chain is
 * whole, 1 at the first broken link (file and line named), 2 when it could not be read. Behind both
 * `auditgraph verify-log` and `npm run verify-log`.
 */
export function verifyLog(file: string, opts: { allowMissingStart?: boolean; json?: boolean }, out: Out): number {
  let result;
  try {
    result = verifyTrail(file, { allowMissingStart: opts.allowMissingStart === true });
  } catch (err) {
    out.stderr.write(`verify-log: cannot read ${file}: ${(err as Error).message}\n`);
    return 2;
  }
  if (opts.json) out.stdout.write(`${JSON.stringify(result)}\n`);
  else if (result.files.length === 0) out.stderr.write(`verify-log: no access log at ${file}\n`);
  else if (result.ok) {
    out.stdout.write(`ok: ${result.lines} lines in ${result.files.length} files, every link holds; head ${result.head ?? '(empty)'}\n`);
    if (result.startsAfter) out.stdout.write(`note: the first line follows a line that is no longer there (prev ${result.startsAfter})\n`);
  } else {
    const b = result.broken!;
    out.stdout.write(`broken: ${b.file}:${b.line}: ${b.reason} (${result.lines} lines before it hold)\n`);
  }
  if (result.files.length === 0) return 2;
  return result.ok ? 0 : 1;
}

/** `npm run verify-log -- <path>`. */
export function main(argv: string[]): number {
  const flags = new Set(argv.filter((a) => a.startsWith('--')));
  const args = argv.filter((a) => !a.startsWith('--'));
  const unknown = [...flags].filter((f) => f !== '--allow-missing-start' && f !== '--json');
  if (args.length !== 1 || unknown.length) {
    process.stderr.write(`${unknown.length ? `unknown option ${unknown[0]}\n` : ''}${USAGE}\n`);
    return 2;
  }
  return verifyLog(args[0]!, { allowMissingStart: flags.has('--allow-missing-start'), json: flags.has('--json') }, process);
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
