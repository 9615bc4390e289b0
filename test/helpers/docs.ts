import * as fs from 'node:fs';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');

/** The README and every page under docs/, as `{ file, text }`: the pages a user copies examples from. */
export function userDocs(): { file: string; text: string }[] {
  const pages = [path.join(ROOT, 'README.md')];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(p);
      else if (entry.name.endsWith('.md')) pages.push(p);
    }
  };
  walk(path.join(ROOT, 'docs'));
  return pages.map((p) => ({ file: path.relative(ROOT, p), text: fs.readFileSync(p, 'utf8') }));
}

/** The fenced blocks of one language in those pages, each with the file it came from. */
export function fencedBlocks(language: string): { file: string; text: string }[] {
  const fence = new RegExp('```' + language + '\\n([\\s\\S]*?)```', 'g');
  return userDocs().flatMap((page) => [...page.text.matchAll(fence)].map((m) => ({ file: page.file, text: m[1] })));
}
