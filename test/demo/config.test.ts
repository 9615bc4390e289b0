import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs, summary } from '../../src/demo/cli';
import { defaultDemoRoot, DEMO_IDENTITY, demoSourceConfigs, repoRoot } from '../../src/demo/config';
import { demoConfigDocument } from '../../src/demo/document';
import { generateDemo } from '../../src/demo/generate';
import type { DemoManifest } from '../../src/demo/manifest';

describe('demo source configs', () => {
  let tmp: string;
  let manifest: DemoManifest;

  beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'auditgraph-demo-config-'));
    manifest = await generateDemo(tmp, { scale: 0.02 });
  }, 30_000);

  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('names the six archive sources with the agreed ids, types and modes', () => {
    const entries = demoSourceConfigs(tmp);
    expect(entries.map((e) => [e.id, e.type, e.mode])).toEqual([
      ['okta', 'okta', 'archive'],
      ['flyte', 'flyte', 'archive'],
      ['prod-eks-audit', 'k8s-audit', 'file'],
      ['aws-trail', 'cloudtrail', 'archive'],
      ['gcp-audit', 'gcp-audit', 'archive'],
      ['azure-activity', 'azure-activity', 'archive'],
    ]);
    expect(entries.find((e) => e.id === 'prod-eks-audit')?.cluster).toBe('prod-eks');
  });

  it('points every source at a folder the generator wrote, holding what its layout promises', () => {
    const entries = demoSourceConfigs(tmp);
    for (const e of entries) expect(fs.statSync(String(e.path)).isDirectory()).toBe(true);
    const at = (id: string): string => String(entries.find((e) => e.id === id)?.path);
    expect(fs.readdirSync(at('aws-trail'))).toEqual(['AWSLogs']);
    expect(fs.readdirSync(at('gcp-audit'))).toEqual(['cloudaudit.googleapis.com']);
    expect(fs.readdirSync(at('azure-activity'))).toEqual(['insights-activity-logs']);
    expect(fs.readdirSync(at('prod-eks-audit'))).toContain('audit.log');
    expect(fs.readdirSync(at('flyte'))).toEqual(expect.arrayContaining(['executions.json', 'node_executions', 'task_executions']));
    expect(manifest.sources.k8sAudit.path).toBe(path.relative(tmp, at('prod-eks-audit')));
  });

  it('gives the identity section for example.com and the oidc: prefix, also in the whole config document', () => {
    expect(DEMO_IDENTITY).toEqual({ emailDomains: ['example.com'], oidcPrefixes: ['oidc:'] });
    const doc = demoConfigDocument(tmp);
    expect(doc.sources).toEqual(demoSourceConfigs(tmp));
    expect(doc.identity).toEqual({ emailDomains: ['example.com'], oidcPrefixes: ['oidc:'] });
    doc.identity.emailDomains.push('changed.example');
    expect(DEMO_IDENTITY.emailDomains).toEqual(['example.com']);
  });
});

describe('defaultDemoRoot', () => {
  const saved = process.env.AUDITGRAPH_DEMO_DIR;
  afterEach(() => {
    if (saved === undefined) delete process.env.AUDITGRAPH_DEMO_DIR;
    else process.env.AUDITGRAPH_DEMO_DIR = saved;
  });

  it('is AUDITGRAPH_DEMO_DIR when set', () => {
    process.env.AUDITGRAPH_DEMO_DIR = path.join(os.tmpdir(), 'somewhere', 'demo');
    expect(defaultDemoRoot()).toBe(path.join(os.tmpdir(), 'somewhere', 'demo'));
  });

  it('is .demo-data in the checkout otherwise', () => {
    delete process.env.AUDITGRAPH_DEMO_DIR;
    const repo = repoRoot();
    expect(JSON.parse(fs.readFileSync(path.join(repo, 'package.json'), 'utf8')).name).toBe('auditgraph');
    expect(defaultDemoRoot()).toBe(path.join(repo, '.demo-data'));
  });
});

describe('demo CLI arguments', () => {
  it('reads --out, --seed and --scale, in both spellings', () => {
    expect(parseArgs(['--out', '/tmp/x', '--seed', '42', '--scale=2.5'])).toEqual({ out: '/tmp/x', seed: 42, scale: 2.5 });
    expect(parseArgs(['--out=/tmp/y'])).toEqual({ out: '/tmp/y' });
    expect(parseArgs(['--help'])).toBe('help');
    expect(parseArgs(['--out=/tmp/z', '--flyte-executions-only'])).toEqual({ out: '/tmp/z', flyteNodeExecutions: false });
  });

  it('refuses what it does not understand, saying what was wrong', () => {
    expect(() => parseArgs(['--sead', '1'])).toThrow(/unknown argument "--sead"/);
    expect(() => parseArgs(['--seed'])).toThrow(/--seed needs a value/);
    expect(() => parseArgs(['--scale', 'big'])).toThrow(/--scale expects a number/);
  });

  it('prints the counts of every source from the manifest', async () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'auditgraph-demo-cli-'));
    try {
      const m = await generateDemo(tmp, { scale: 0.02, seed: 3 });
      const text = summary(m, tmp, 1.25);
      for (const [name, count] of [['okta', m.sources.okta.records], ['cloudtrail', m.sources.cloudtrail.records], ['k8s-audit', m.sources.k8sAudit.records], ['gcp-audit', m.sources.gcp.records], ['azure-activity', m.sources.azure.records], ['flyte', m.sources.flyte.records]] as const) {
        expect(text).toMatch(new RegExp(`${name}\\s+\\S+/\\s+\\d+ files\\s+${count} `));
      }
      expect(text).toContain('seed 3');
      expect(text).toContain(String(m.totalRecords));
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  }, 30_000);
});
