import * as fs from 'node:fs';
import * as path from 'node:path';

const root = path.join(__dirname, '..', '..');

/** The licence package.json declares is the one LICENSE holds (SPDX id → the licence's own title and version). */
const TITLES: Record<string, RegExp> = {
  'Apache-2.0': /^\s*Apache License\s+Version 2\.0, January 2004\s/,
};

describe('LICENSE', () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { license?: string };
  const text = fs.readFileSync(path.join(root, 'LICENSE'), 'utf8');

  it("holds the full text of the licence package.json names", () => {
    expect(pkg.license).toBeDefined();
    const title = TITLES[pkg.license!];
    expect([pkg.license, title !== undefined]).toEqual([pkg.license, true]);
    expect(text).toMatch(title);
    // the whole licence, not a pointer to it: its last section and the end of its terms
    expect(text).toContain('9. Accepting Warranty or Additional Liability.');
    expect(text).toContain('END OF TERMS AND CONDITIONS');
  });

  it('is named by the README', () => {
    const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
    expect(readme).toContain(`[${pkg.license}](LICENSE)`);
  });
});
