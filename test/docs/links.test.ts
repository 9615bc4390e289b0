import * as fs from 'node:fs';
import * as path from 'node:path';
import { userDocs } from '../helpers/docs';

const ROOT = path.resolve(__dirname, '../..');

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens. */
function anchorOf(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N} _-]/gu, '')
    .replace(/ /g, '-');
}

function anchors(text: string): Set<string> {
  const out = new Set<string>();
  let fenced = false;
  for (const line of text.split('\n')) {
    if (line.startsWith('```')) fenced = !fenced;
    const m = !fenced && /^#{1,6} (.*)$/.exec(line);
    if (m) out.add(anchorOf(m[1]));
  }
  return out;
}

const pages = userDocs();
const links = pages.flatMap((page) =>
  [...page.text.matchAll(/\]\(([^)\s]+)\)/g)]
    .map((m) => m[1])
    .filter((target) => !/^[a-z]+:/.test(target))
    .map((target) => ({ page: page.file, target })),
);

describe('links between the README and docs/', () => {
  it('are there', () => {
    expect(links.length).toBeGreaterThan(20);
  });

  it.each(links.map((l) => [l.page, l.target]))('%s -> %s resolves', (page, target) => {
    const [file, anchor] = target.split('#');
    const resolved = file ? path.resolve(ROOT, path.dirname(page), file) : path.resolve(ROOT, page);
    expect(fs.existsSync(resolved)).toBe(true);
    if (anchor && resolved.endsWith('.md')) expect([...anchors(fs.readFileSync(resolved, 'utf8'))]).toContain(anchor);
  });
});
