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

/** Splits a graphql block holding several top-level `{ … }` operations into one document each. */
export function operationsOf(block: string): string[] {
  const docs: string[] = [];
  let depth = 0;
  let start = -1;
  for (let i = 0; i < block.length; i++) {
    if (block[i] === '{') {
      if (depth === 0) start = i;
      depth += 1;
    } else if (block[i] === '}') {
      depth -= 1;
      if (depth === 0) docs.push(block.slice(start, i + 1));
    }
  }
  return docs;
}

/** The example operations of the pages (a graphql block is either SDL, shown for reading, or operations). */
export function exampleOperations(): { file: string; text: string }[] {
  return fencedBlocks('graphql')
    .filter((b) => /^\s*(\{|query\b)/.test(b.text))
    .flatMap((b) => operationsOf(b.text).map((text) => ({ file: b.file, text })));
}
