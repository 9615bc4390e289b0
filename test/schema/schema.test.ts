import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse as parseYaml, stringify } from 'yaml';
import { schemaSDL } from '../../src/schema/build';

const root = path.resolve(__dirname, '../..');

describe('generated artifacts are current', () => {
  it('schema.graphql matches the type-graphql classes (run `npm run emit-schema`)', async () => {
    const committed = fs.readFileSync(path.join(root, 'schema.graphql'), 'utf8');
    expect(committed).toBe(await schemaSDL());
  });

  it('the typed documents match schema.graphql and the operations (run `npm run codegen`)', () => {
    // the codegen CLI is ESM-only inside; run it as the project does, into a scratch folder, and compare
    const config = parseYaml(fs.readFileSync(path.join(root, 'codegen.yml'), 'utf8')) as { generates: Record<string, unknown> };
    const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'codegen-'));
    const targets = Object.keys(config.generates);
    const generates = Object.fromEntries(targets.map((t, i) => [path.join(scratch, `${i}.ts`), config.generates[t]]));
    const scratchConfig = path.join(scratch, 'codegen.yml');
    fs.writeFileSync(scratchConfig, stringify({ ...config, generates }));
    execFileSync(process.execPath, [path.join(root, 'node_modules/@graphql-codegen/cli/cjs/bin.js'), '--config', scratchConfig, '--silent'], { cwd: root, stdio: 'pipe' });
    targets.forEach((t, i) => {
      expect(fs.readFileSync(path.join(root, t), 'utf8')).toBe(fs.readFileSync(path.join(scratch, `${i}.ts`), 'utf8'));
    });
  });
});
