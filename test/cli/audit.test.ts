import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import schema from '../../docs/audit-report.schema.json';
import { privilegedKind, isDenied } from '../../src/export/audit/privileged';
import type { AuditReport } from '../../src/export/audit/report';
import { ensureDemo } from '../../src/demo/ensure';
import { E2E_DEMO_ROOT } from '../e2e/harness';
import { cli } from './run-cli';

const ajv = new Ajv2020({ allErrors: true, strict: false });
addFormats(ajv);
const validate = ajv.compile(schema);

let dir: string;
beforeAll(async () => {
  await ensureDemo(E2E_DEMO_ROOT);
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'audit-test-'));
}, 120_000);
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('auditgraph audit', () => {
  let report: AuditReport;
  beforeAll(async () => {
    const out = path.join(dir, 'audit-report.json');
    const r = await cli(['-q', 'audit', '--from', '2026-03-14T08:50:00Z', '--to', '2026-03-14T09:50:00Z', '--output', out], {}, 300_000);
    expect(r.stderr).toContain('-> ');
    expect(r.code).toBe(0);
    report = JSON.parse(fs.readFileSync(out, 'utf8')) as AuditReport;
  }, 300_000);

  it('validates against docs/audit-report.schema.json', () => {
    const ok = validate(report);
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
    // and the schema is not a rubber stamp
    expect(validate({ ...report, totals: { ...report.totals, events: -1 } })).toBe(false);
    expect(validate({ ...report, sources: [{ ...report.sources[0], state: 'FINE' }] })).toBe(false);
  });

  it('covers every configured trail, complete, with counts that add up to the events', () => {
    expect(report.complete).toBe(true);
    expect(report.sources.map((s) => s.source)).toEqual(['okta', 'flyte', 'prod-eks-audit', 'aws-trail', 'gcp-audit', 'azure-activity']);
    expect(report.events).toHaveLength(report.totals.events);
    for (const s of report.sources) expect(Object.values(s.counts.byOutcome).reduce((a, b) => a + b, 0)).toBe(s.eventsReturned);
    const times = report.events.map((e) => Date.parse(e.time));
    expect([...times].sort((a, b) => a - b)).toEqual(times);
  });

  it("holds the incident: alice's key and policy, the role grants, the secret reads, the denied and failed calls", () => {
    const kinds = (action: string) => report.privilegedChanges.filter((p) => p.action === action).map((p) => `${p.kind} ${p.actor}`);
    expect(kinds('iam:CreateAccessKey')).toEqual(['ACCESS_KEY alice@example.com']);
    expect(kinds('iam:AttachUserPolicy')).toEqual(['IAM alice@example.com']);
    expect(kinds('system.api_token.create')).toEqual(['API_TOKEN alice@example.com']);
    expect(kinds('cloudresourcemanager.googleapis.com:SetIamPolicy')).toContain('ROLE_ASSIGNMENT alice@example.com');
    expect(kinds('Microsoft.Authorization/roleAssignments/write')).toContain('ROLE_ASSIGNMENT alice@example.com');
    expect(report.privilegedChanges.some((p) => p.kind === 'SECRET_ACCESS' && p.action === 'secretsmanager:GetSecretValue' && p.actor === 'ci-bot')).toBe(true);
    expect(report.denied.map((d) => `${d.action} ${d.actor}`)).toEqual(expect.arrayContaining(['iam:CreateUser ci-bot', 'user.session.start alice@example.com']));
    expect(report.failures.length).toBeGreaterThanOrEqual(report.denied.length);
  });

  it('lists identities with aliases and evidence, and the run with its story', () => {
    const alice = report.identities.find((i) => i.id === 'alice@example.com')!;
    expect(alice.actors.map((a) => a.name)).toEqual(expect.arrayContaining(['alice@example.com', 'oidc:alice@example.com']));
    expect(alice.aliases.map((a) => a.kind)).toEqual(expect.arrayContaining(['OKTA_USER_ID', 'K8S_USER', 'AWS_ROLE_SESSION']));
    expect(alice.aliases.every((a) => a.evidence.length > 0)).toBe(true);
    const run = report.runs.find((r) => r.id === 'ml/production/fz3k9q2m1x')!;
    expect(run).toMatchObject({ phase: 'ABORTED', launchedBy: 'alice@example.com', abortedBy: 'bob@example.com', abortCause: 'suspicious activity', pods: ['fz3k9q2m1x-n0-0'] });
    expect(run.credentials.map((c) => c.value)).toContain('ASIAEXAMPLERUN00001');
  });

  it('writes the same report as one self-contained HTML file and as Markdown', async () => {
    const html = path.join(dir, 'r.html');
    const md = path.join(dir, 'r.md');
    const [a, b] = await Promise.all([
      cli(['-q', 'audit', '--from', '2026-03-14T09:00:00Z', '--to', '2026-03-14T09:15:00Z', '--output', html], {}, 300_000),
      cli(['-q', 'audit', '--from', '2026-03-14T09:00:00Z', '--to', '2026-03-14T09:15:00Z', '--format', 'md', '--output', md], {}, 300_000),
    ]);
    expect([a.code, b.code]).toEqual([0, 0]);
    const page = fs.readFileSync(html, 'utf8');
    expect(page.startsWith('<!doctype html>')).toBe(true);
    expect(page).not.toMatch(/<script|<link|src=|href="http/i);
    expect(page).toContain('<h2>Privileged changes');
    expect(page).toContain('iam:CreateAccessKey');
    const text = fs.readFileSync(md, 'utf8');
    expect(text).toMatch(/^# Audit report 2026-03-14T09:00:00.000Z/);
    expect(text).toContain('## Every event');
  }, 300_000);
});

describe('privileged changes and denials, by rule', () => {
  it.each([
    ['iam:CreateAccessKey', 'ACCESS_KEY'],
    ['iam.googleapis.com:google.iam.admin.v1.CreateServiceAccountKey', 'ACCESS_KEY'],
    ['system.api_token.create', 'API_TOKEN'],
    ['clusterrolebindings.create', 'RBAC'],
    ['rolebindings.patch', 'RBAC'],
    ['Microsoft.Authorization/roleAssignments/write', 'ROLE_ASSIGNMENT'],
    ['cloudresourcemanager.googleapis.com:SetIamPolicy', 'ROLE_ASSIGNMENT'],
    ['group.user_membership.add', 'ROLE_ASSIGNMENT'],
    ['iam:AttachUserPolicy', 'IAM'],
    ['user.lifecycle.suspend', 'IAM'],
    ['secretsmanager:GetSecretValue', 'SECRET_ACCESS'],
    ['secrets.list', 'SECRET_ACCESS'],
  ])('%s is %s', (action, kind) => expect(privilegedKind(action)?.kind).toBe(kind));

  it.each(['iam:GetUser', 'iam:ListRoles', 'pods.create', 'roles.get', 's3:ListBuckets', 'user.session.start', 'app.oauth2.as.token.grant.access_token'])('%s is not', (action) => expect(privilegedKind(action)).toBeUndefined());

  it('denied means refused by an authorization decision', () => {
    expect(isDenied('FAILURE', 'AccessDenied')).toBe(true);
    expect(isDenied('FAILURE', 'PERMISSION_DENIED')).toBe(true);
    expect(isDenied('FAILURE', 'Forbidden')).toBe(true);
    expect(isDenied('SUCCESS', 'AccessDenied')).toBe(false);
    expect(isDenied('FAILURE', 'InternalError')).toBe(false);
  });
});
