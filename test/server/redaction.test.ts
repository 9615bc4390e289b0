import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { configFromDocument } from '../../src/config/load';
import { ConfigError } from '../../src/config/errors';
import { startServer, type RunningServer } from '../../src/server/app';
import { testDeps } from '../helpers/deps';
import { rawRequest } from '../helpers/http';
import { quietLogger } from '../helpers/logs';
import { microTime, stageRecord, type RequestSpec } from '../sources/k8s-audit/fixtures';

// the secrets planted in the trail: none may leave a redacting server, all leave one with redaction off
const SECRET_DATA = 'aHVudGVyMi1wcm9kLWRi';
const STRING_DATA = 'replica-password-42';
const REVIEWED_TOKEN = 'eyJhbGciOiJSUzI1NiIsImtpZCI6IjEifQ.eyJzdWIiOiJzeXN0ZW06c2VydmljZWFjY291bnQ6bWw6dHJhaW5lciJ9.c2lnbmF0dXJlLW9mLXRoZS10b2tlbg';
const MALFORMED_PASSWORD = 'Tr0ub4dor-and-3';
const SECRETS = [SECRET_DATA, STRING_DATA, 'c2lnbmF0dXJlLW9mLXRoZS10b2tlbg', MALFORMED_PASSWORD];

const base = Date.now() - 30 * 60_000;
const alice = { username: 'oidc:alice@example.com', groups: ['system:authenticated'] };

function stages(spec: RequestSpec, responseObject?: Record<string, unknown>): string[] {
  const received = stageRecord(spec, 'RequestReceived', 0);
  const complete = { ...stageRecord(spec, 'ResponseComplete', 40, { code: 201 }), level: 'RequestResponse', ...(responseObject ? { responseObject } : {}) };
  return [JSON.stringify(received), JSON.stringify(complete)];
}

function writeTrail(dir: string): void {
  const secret = {
    kind: 'Secret',
    apiVersion: 'v1',
    metadata: { name: 'db-creds', namespace: 'ml', annotations: { 'kubectl.kubernetes.io/last-applied-configuration': `{"data":{"password":"${SECRET_DATA}"}}` } },
    type: 'Opaque',
    data: { password: SECRET_DATA },
    stringData: { replica: STRING_DATA },
  };
  const lines = [
    ...stages(
      { auditID: 'a-secret', receivedMs: base, verb: 'create', requestURI: '/api/v1/namespaces/ml/secrets', user: alice, objectRef: { resource: 'secrets', namespace: 'ml', name: 'db-creds', apiVersion: 'v1' }, requestObject: secret as RequestSpec['requestObject'] },
      { ...secret, stringData: undefined, metadata: { name: 'db-creds', namespace: 'ml', uid: 'u-1' } },
    ),
    ...stages(
      {
        auditID: 'a-review',
        receivedMs: base + 60_000,
        verb: 'create',
        requestURI: '/apis/authentication.k8s.io/v1/tokenreviews',
        user: { username: 'system:kube-controller-manager', groups: ['system:authenticated'] },
        objectRef: { resource: 'tokenreviews', apiGroup: 'authentication.k8s.io', apiVersion: 'v1' },
        requestObject: { kind: 'TokenReview', apiVersion: 'authentication.k8s.io/v1', spec: { token: REVIEWED_TOKEN } } as RequestSpec['requestObject'],
      },
      { kind: 'TokenReview', status: { authenticated: true, user: { username: 'system:serviceaccount:ml:trainer' } } },
    ),
    ...stages({ auditID: 'a-list', receivedMs: base + 120_000, verb: 'list', user: alice, objectRef: { resource: 'pods', namespace: 'ml', apiVersion: 'v1' } }),
    // a record the reader cannot use: the malformed sample quotes its time, which shows a password
    JSON.stringify({ kind: 'Event', apiVersion: 'audit.k8s.io/v1', auditID: 'a-bad', stage: 'ResponseComplete', requestURI: '/login', verb: 'get', requestReceivedTimestamp: `password=${MALFORMED_PASSWORD}`, stageTimestamp: microTime(base + 180_000) }),
  ];
  fs.writeFileSync(path.join(dir, 'audit.log'), `${lines.join('\n')}\n`);
}

const WINDOW = '{last: "PT2H"}';
const NORMALIZED = 'id time action rawAction category outcome sourceIp actor { name type } targets { type name namespace }';

let dir: string;
let redacting: RunningServer;
let open: RunningServer;

function config(redaction?: Record<string, unknown>) {
  return configFromDocument({ sources: [{ id: 'cluster', type: 'k8s-audit', mode: 'file', path: dir }], ...(redaction ? { redaction } : {}) }, 'test', testDeps(), {});
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'redaction-'));
  writeTrail(dir);
  redacting = await startServer(config(), { port: 0, host: '127.0.0.1', logger: quietLogger() });
  open = await startServer(config({ enabled: false }), { port: 0, host: '127.0.0.1', logger: quietLogger() });
});
afterAll(async () => {
  await redacting?.close();
  await open?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const post = (server: RunningServer, query: string) => rawRequest(server.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }) });
const get = (server: RunningServer, route: string) => rawRequest(server.url.replace(/\/graphql$/, route));
const markers = (text: string) => text.match(/\[redacted: /g)?.length ?? 0;

type Page = { data: { events: { edges: { node: Record<string, unknown> }[]; sources: { redactions: number; malformed: number; malformedSamples: string[]; message: string | null }[] } } };

describe('redaction through the HTTP server', () => {
  it('the trail holds the secrets: a server with redaction off returns them (so the next test can fail)', async () => {
    const body = (await post(open, `{ events(window: ${WINDOW}) { edges { node { raw } } sources { redactions malformedSamples } } }`)).body;
    for (const s of SECRETS) expect(body).toContain(s);
    expect(JSON.parse(body).data.events.sources[0].redactions).toBe(0);
  });

  it('GraphQL raw, the malformed samples and the status message carry none of them; markers say what went, and redactions counts them', async () => {
    const reply = await post(redacting, `{ events(window: ${WINDOW}) { edges { node { raw } } sources { redactions malformed malformedSamples message } } }`);
    expect(reply.status).toBe(200);
    for (const s of SECRETS) expect(reply.body).not.toContain(s);
    const page = reply.json<Page>().data.events;
    const status = page.sources[0];
    expect(status.malformed).toBe(1);
    expect(status.malformedSamples[0]).toContain('password=[redacted: secret assignment]');
    const raw = JSON.stringify(page.edges.map((e) => e.node.raw));
    expect(raw).toContain('[redacted: Kubernetes Secret data]');
    expect(raw).toContain('[redacted: Kubernetes Secret stringData]');
    expect(raw).toContain('[redacted: last-applied configuration of a Secret]');
    expect(raw).toContain('[redacted: value of \\"token\\"]');
    // every marker in the page is counted once: in the records and in the samples
    expect(status.redactions).toBe(markers(raw) + markers(status.malformedSamples.join('\n')));
    expect(status.redactions).toBeGreaterThanOrEqual(5);
    // the keys stay: a responder sees which entries of the Secret were written
    const created = page.edges.map((e) => e.node.raw as { objectRef?: { resource: string }; requestObject?: { data?: Record<string, string> } }).find((r) => r.objectRef?.resource === 'secrets');
    expect(Object.keys(created?.requestObject?.data ?? {})).toEqual(['password']);
  });

  it('never changes the normalized fields, nor what a filter finds', async () => {
    const queries = [
      `{ events(window: ${WINDOW}) { edges { node { ${NORMALIZED} } } } }`,
      `{ events(window: ${WINDOW}, filter: { resource: "db-creds" }) { edges { node { ${NORMALIZED} } } } }`,
      `{ events(window: ${WINDOW}, filter: { action: ["tokenreviews.*"] }) { edges { node { ${NORMALIZED} } } } }`,
      `{ events(window: ${WINDOW}, filter: { identity: ["oidc:alice@example.com"] }) { edges { node { ${NORMALIZED} } } } }`,
    ];
    for (const q of queries) {
      const a = (await post(redacting, q)).json<Page>();
      const b = (await post(open, q)).json<Page>();
      expect([q, a.data.events.edges.length]).not.toEqual([q, 0]);
      expect(a).toEqual(b);
    }
  });

  it.each(['ndjson', 'csv', 'ocsf'])('GET /export?format=%s carries none of them, and its end status counts the redactions', async (format) => {
    const reply = await get(redacting, `/export?format=${format}&last=PT2H`);
    expect(reply.status).toBe(200);
    for (const s of SECRETS) expect(reply.body).not.toContain(s);
    expect(reply.body).toContain('[redacted: Kubernetes Secret data]');
    if (format !== 'csv') {
      const end = JSON.parse(reply.body.trim().split('\n').pop()!) as { type: string; sources: { redactions: number }[] };
      expect(end.type).toBe('status');
      expect(end.sources[0].redactions).toBeGreaterThanOrEqual(5);
    }
    const unredacted = await get(open, `/export?format=${format}&last=PT2H`);
    expect(unredacted.body).toContain(SECRET_DATA);
  });
});

describe('redaction: in the config', () => {
  it('adds keys and patterns and names the key at fault when one is wrong', () => {
    const parsed = config({ rules: [{ name: 'ssn', keys: ['ssn'] }, { name: 'internal token', pattern: 'itk_[a-z0-9]{8}' }], allowKeys: ['sessionToken'] }).redaction;
    expect(parsed).toEqual({ enabled: true, keys: ['ssn'], allowKeys: ['sessionToken'], patterns: [{ name: 'internal token', pattern: 'itk_[a-z0-9]{8}' }] });
    expect(() => config({ rules: [{ name: 'x', pattern: '([' }] })).toThrow(ConfigError);
    expect(() => config({ rules: [{ name: 'x', pattern: '([' }] })).toThrow(/config redaction\.rules\[0\]\.pattern: expected a regular expression/);
    expect(() => config({ rules: [{ name: 'x', pattern: '.*' }] })).toThrow(/redaction\.rules\[0\]\.pattern: matches the empty string/);
    expect(() => config({ rules: [{ name: 'x' }] })).toThrow(/redaction\.rules\[0\]\.name: rule "x" needs keys/);
    expect(() => config({ rules: [{ name: 'x', keys: 'ssn' }] })).toThrow(/redaction\.rules\[0\]\.keys: expected a list/);
    expect(() => config({ enable: false })).toThrow(/config redaction\.enable: unknown key/);
  });
});
