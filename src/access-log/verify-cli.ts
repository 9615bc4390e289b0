import { verifyTrail } from './verify';

const USAGE = 'usage: verify-log [--allow-missing-start] [--json] <path of the access log (accessLog.path)>';

/**
 * `npm run verify-log -- <path>`: walks the access log's files in order and checks every hash link. Exit 0 when
 * the chain is whole, 1 at the first broken link (file and line named), 2 when it could not be read.
 */
export function main(argv: string[]): number {
  const flags = new Set(argv.filter((a) => a.startsWith('--')));
  const args = argv.filter((a) => !a.startsWith('--'));
  const unknown = [...flags].filter((f) => f !== '--allow-missing-start' && f !== '--json');
  if (args.length !== 1 || unknown.length) {
    process.stderr.write(`${unknown.length ? `unknown option ${unknown[0]}\n` : ''}${USAGE}\n`);
    return 2;
  }
  let result;
  try {
    result = verifyTrail(args[0]!, { allowMissingStart: flags.has('--allow-missing-start') });
  } catch (err) {
    process.stderr.write(`verify-log: cannot read ${args[0]}: ${(err as Error).message}\n`);
    return 2;
  }
  if (flags.has('--json')) process.stdout.write(`${JSON.stringify(result)}\n`);
  else if (result.files.length === 0) process.stderr.write(`verify-log: no access log at ${args[0]}\n`);
  else if (result.ok) {
    process.stdout.write(`ok: ${result.lines} lines in ${result.files.length} files, every link holds; head ${result.head ?? '(empty)'}\n`);
    if (result.startsAfter) process.stdout.write(`note: the first line follows a line that is no longer there (prev ${result.startsAfter})\n`);
  } else {
    const b = result.broken!;
    process.stdout.write(`broken: ${b.file}:${b.line}: ${b.reason} (${result.lines} lines before it hold)\n`);
  }
  if (result.files.length === 0) return 2;
  return result.ok ? 0 : 1;
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
