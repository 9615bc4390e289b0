import { graphql, type GraphQLSchema } from 'graphql';
import type { AppConfig } from '../../../src/config/config';
import { cloudRolesOfServiceAccount } from '../../../src/correlation/identity';
import { parseIdentityConfig } from '../../../src/correlation/identity-config';
import { AliasKind, type AuditEvent } from '../../../src/domain';
import { QueryEngine } from '../../../src/query/engine';
import { createRequestContext, type RequestContext } from '../../../src/resolvers/context';
import { buildAuditgraphSchema } from '../../../src/schema/build';
import { normalizeRecord } from '../../../src/sources/cloudtrail/normalize';
import { appConfigWith } from '../../helpers/app-config';
import { IDC_USER_ID, identityCenterSignIn, identityCenterUserCall } from '../../sources/cloudtrail/records';
import { FakeKubeApiServer } from './fake-kube-apiserver';
import { FakeOkta } from './fake-okta';
import * as r from './records';
import { CI_BOT, IDENTITY_CONFIG, incidentEvents, ML_TRAINING } from './scenario';
import { TypedMemorySource } from './typed-source';

const WINDOW = { from: '2026-03-14T00:00:00Z', to: '2026-03-15T00:00:00Z' };
const IRSA = 'eks.amazonaws.com/role-arn';

interface AliasOut {
  kind: string;
  value: string;
  scope: string | null;
  rule: string;
  evidence: string;
  flags: string[];
}
interface IdentityOut {
  id: string;
  displayName: string;
  aliases: AliasOut[];
  notes: string[];
  discovery: { rounds: number; queries: number; eventsRead: number; oktaLookups: number; kubernetesLookups: number; truncated: boolean; notes: string[] } | null;
}

const IDENTITY = `query($ref: String!, $window: TimeWindowInput) { identity(ref: $ref, window: $window) {
  id displayName aliases { kind value scope rule evidence flags } notes
  discovery { rounds queries eventsRead oktaLookups kubernetesLookups truncated notes } } }`;

describe('identity(ref) and Actor.identity over an engine, with loopback lookups', () => {
  const okta = new FakeOkta([
    { id: '00u1alice00000000001', login: 'alice@example.com' },
    { id: '00u1bob0000000000002', login: 'bob@example.com' },
  ]);
  const kube = new FakeKubeApiServer([
    { namespace: 'ml-production', name: 'ml-training', annotations: { [IRSA]: 'arn:aws:iam::111122223333:role/ml-training-irsa' } },
    { namespace: 'ml-production', name: 'notebook' },
  ]);
  let schema: GraphQLSchema;

  beforeAll(async () => {
    await Promise.all([okta.start(), kube.start(), buildAuditgraphSchema().then((s) => (schema = s))]);
    process.env.IDT_SVC_OKTA = okta.token;
    process.env.IDT_SVC_KUBE = kube.token;
  });
  afterAll(async () => {
    await Promise.all([okta.stop(), kube.stop()]);
  });
  beforeEach(() => {
    okta.requests.length = 0;
    kube.requests.length = 0;
  });

  function contextOver(events: Record<string, AuditEvent[]>, extra: Record<string, unknown> = {}): RequestContext {
    const sources = Object.entries(events).map(([id, list]) => new TypedMemorySource(id, list[0].sourceType, list));
    const identity = parseIdentityConfig({
      ...IDENTITY_CONFIG,
      lookups: {
        okta: { orgUrl: okta.url, tokenEnv: 'IDT_SVC_OKTA' },
        kubernetes: [{ source: 'prod-eks-audit', server: kube.url, tokenEnv: 'IDT_SVC_KUBE', caFile: kube.caFile }],
      },
      ...extra,
    });
    const config: AppConfig = appConfigWith(sources, { identity });
    return createRequestContext(new QueryEngine(sources, { cursorSecret: 'test' }), config, new AbortController().signal);
  }

  async function run<T>(ctx: RequestContext, source: string, variableValues: Record<string, unknown>): Promise<T> {
    const result = await graphql({ schema, source, variableValues, contextValue: ctx });
    if (result.errors?.length) throw new Error(JSON.stringify(result.errors));
    return result.data as T;
  }

  const identityOf = async (ctx: RequestContext, ref: string) => (await run<{ identity: IdentityOut | null }>(ctx, IDENTITY, { ref, window: WINDOW })).identity;
  const aliasList = (i: IdentityOut | null) => i?.aliases.map((a) => `${a.kind} ${a.value}${a.scope ? ` @${a.scope}` : ''}`).sort();

  it('one deadline for every round: a silent source is waited for once, its budget, and left out of the later rounds', async () => {
    const events = incidentEvents();
    const sources = Object.entries(events).map(([id, list]) => new TypedMemorySource(id, list[0].sourceType, list));
    const gcp = sources.find((s) => s.id === 'gcp')!;
    gcp.hang = true;
    const identity = parseIdentityConfig({ ...IDENTITY_CONFIG, lookups: { okta: { orgUrl: okta.url, tokenEnv: 'IDT_SVC_OKTA' } } });
    const base = appConfigWith(sources, { identity });
    const config: AppConfig = { ...base, query: { ...base.query, deadlineMs: 6000, sourceTimeoutMs: 1000 } };
    const ctx = createRequestContext(new QueryEngine(sources, { cursorSecret: 'test', deadlineMs: 6000, sourceTimeoutMs: 1000 }), config, new AbortController().signal);
    const started = Date.now();
    const alice = (await identityOf(ctx, 'alice@example.com'))!;
    // one budget, not a deadline per round
    expect(Date.now() - started).toBeLessThan(6000);
    expect(gcp.queries).toHaveLength(1);
    expect(alice.discovery!.rounds).toBe(2);
    expect(alice.discovery!.notes.join('\n')).toMatch(/gcp TIMED_OUT during discovery: no answer for 1 s/);
    expect(alice.discovery!.notes.join('\n')).toMatch(/gcp TIMED_OUT during discovery: left out: it did not answer an earlier query of this request/);
    // what the other trails show is all there
    expect(aliasList(alice)).toContain('AZURE_OBJECT_ID 37c65162-fa62-441d-8230-f03f07a2f22c');
  });

  it('finds alice from her email across every trail, to a fixpoint, each alias with evidence', async () => {
    const alice = (await identityOf(contextOver(incidentEvents()), 'alice@example.com'))!;
    expect(alice.id).toBe('alice@example.com');
    expect(aliasList(alice)).toEqual(
      [
        'EMAIL alice@example.com',
        'OKTA_USER_ID 00u1alice00000000001',
        'AWS_IDENTITY_CENTER_USER alice@example.com',
        'AWS_ROLE_SESSION arn:aws:sts::111122223333:assumed-role/AWSReservedSSO_AdministratorAccess_3f2a1b9c/alice@example.com',
        'AWS_ACCESS_KEY ASIAN5TZHTAKANN32E2J',
        'K8S_USER oidc:alice@example.com @prod-eks-audit',
        'GCP_PRINCIPAL alice@example.com',
        'AZURE_CALLER alice@example.com',
        'AZURE_OBJECT_ID 37c65162-fa62-441d-8230-f03f07a2f22c',
        'FLYTE_PRINCIPAL alice@example.com',
      ].sort(),
    );
    expect(alice.aliases.every((a) => a.evidence.length > 0 && a.flags.length === 0)).toBe(true);
    // one Okta lookup (by email as login) for her; the round that followed asked for the aliases the first found
    expect(okta.requests).toEqual(['GET /api/v1/users/alice%40example.com']);
    expect(alice.discovery).toMatchObject({ rounds: 2, oktaLookups: 1, kubernetesLookups: 0, truncated: false });
    expect(alice.aliases.find((a) => a.kind === 'OKTA_USER_ID')!.rule).toMatch(/^(okta\.actor|lookup\.okta-user)$/);
  });

  it("traces ci-bot's new key to the CreateAccessKey alice made, and flags its use by someone else", async () => {
    const ciBot = (await identityOf(contextOver(incidentEvents()), 'AKIAEXAMPLECIBOT0001'))!;
    expect(ciBot.id).toBe(CI_BOT);
    expect(ciBot.displayName).toBe('ci-bot');
    expect(aliasList(ciBot)).toEqual([`AWS_IAM_USER ${CI_BOT}`, 'AWS_ACCESS_KEY AKIAEXAMPLECIBOT0001'].sort());
    const key = ciBot.aliases.find((a) => a.value === 'AKIAEXAMPLECIBOT0001')!;
    expect(key.rule).toBe('aws.create-access-key');
    expect(key.evidence).toMatch(/^key AKIAEXAMPLECIBOT0001 was issued to IAM user ci-bot by alice@example.com via iam:CreateAccessKey at 2026-03-14T09:03:12.000Z \(trail event ct-\d+ at 2026-03-14T09:03:12.000Z\)$/);
    expect(key.flags).toHaveLength(1);
    expect(key.flags[0]).toContain('arn:aws:iam::111122223333:user/mallory');
  });

  it('a service account: its IRSA role from the lookup and from AssumeRoleWithWebIdentity, with the key it was issued', async () => {
    const ctx = contextOver(incidentEvents());
    const sa = (await identityOf(ctx, ML_TRAINING))!;
    expect(aliasList(sa)).toEqual(
      [
        `K8S_SERVICE_ACCOUNT ${ML_TRAINING}`,
        'AWS_ROLE arn:aws:iam::111122223333:role/ml-training-irsa',
        'AWS_ROLE_SESSION arn:aws:sts::111122223333:assumed-role/ml-training-irsa/botocore-session-1773479463',
        'AWS_ACCESS_KEY ASIAEXAMPLERUN00001',
      ].sort(),
    );
    // the lookup is the stronger evidence for the role, and is the one shown
    expect(sa.aliases.find((a) => a.kind === 'AWS_ROLE')!.evidence).toMatch(/^ServiceAccount ml-production\/ml-training in prod-eks-audit is annotated eks.amazonaws.com\/role-arn=arn:aws:iam::111122223333:role\/ml-training-irsa \(IRSA\) \(kube-apiserver https:\/\/127.0.0.1:\d+ GET \/api\/v1\/namespaces\/ml-production\/serviceaccounts\/ml-training \(prod-eks-audit\)\)$/);
    expect(kube.requests).toEqual(['GET /api/v1/namespaces/ml-production/serviceaccounts/ml-training']);
    // what the runs layer may ask: the same request reuses the identity and its lookups
    const roles = await cloudRolesOfServiceAccount(ctx, ML_TRAINING, { from: new Date(WINDOW.from), to: new Date(WINDOW.to) });
    expect(roles.map((x) => [x.kind, x.value]).sort()).toEqual(
      [
        [AliasKind.AWS_ACCESS_KEY, 'ASIAEXAMPLERUN00001'],
        [AliasKind.AWS_ROLE, 'arn:aws:iam::111122223333:role/ml-training-irsa'],
        [AliasKind.AWS_ROLE_SESSION, 'arn:aws:sts::111122223333:assumed-role/ml-training-irsa/botocore-session-1773479463'],
      ].sort(),
    );
  });

  it('a service account with no role mapping is just itself, and says why', async () => {
    const events = incidentEvents();
    events['prod-eks-audit'].push(r.k8sEvent('2026-03-14T09:40:00Z', { username: 'system:serviceaccount:ml-production:notebook' }, 'prod-eks-audit', 'get', 'configmaps'));
    const notebook = (await identityOf(contextOver(events), 'system:serviceaccount:ml-production:notebook'))!;
    expect(aliasList(notebook)).toEqual(['K8S_SERVICE_ACCOUNT system:serviceaccount:ml-production:notebook']);
    expect(notebook.discovery!.notes).toContain(
      'ServiceAccount ml-production/notebook in prod-eks-audit has no eks.amazonaws.com/role-arn or iam.gke.io/gcp-service-account annotation: it maps to no cloud role',
    );
  });

  it("ties alice's Identity Center sign-in and her portal calls (which name only the store's user id) to her", async () => {
    const events = incidentEvents();
    events.trail.push(
      normalizeRecord(identityCenterSignIn('e-idc-signin', '2026-03-14T08:58:40Z', 'alice@example.com'), 'trail'),
      normalizeRecord(identityCenterUserCall('e-idc-portal', '2026-03-14T08:59:10Z'), 'trail'),
    );
    const ctx = contextOver(events);
    const alice = (await identityOf(ctx, 'alice@example.com'))!;
    const id = alice.aliases.find((a) => a.kind === 'AWS_IDENTITY_CENTER_USER_ID');
    expect(id).toMatchObject({ value: IDC_USER_ID, rule: 'aws.identity-center-sign-in' });
    expect(id?.evidence).toContain(`Identity Store user ${IDC_USER_ID} (userIdentity.onBehalfOf.userId) signed in as alice@example.com (additionalEventData.UserName) with UserAuthentication (trail event e-idc-signin`);
    const q = `query($w: TimeWindowInput!) { identity(ref: "alice@example.com", window: $w) { events(window: $w, first: 100) { edges { evidence node { id } } } } }`;
    const { identity } = await run<{ identity: { events: { edges: { evidence: string[]; node: { id: string } }[] } } }>(ctx, q, { w: WINDOW });
    const portal = identity.events.edges.find((e) => e.node.id === 'e-idc-portal');
    expect(portal?.evidence.join(' ')).toContain(`AWS_IDENTITY_CENTER_USER_ID ${IDC_USER_ID}`);
    expect(identity.events.edges.some((e) => e.node.id === 'e-idc-signin')).toBe(true);
    // and the id alone finds her
    expect((await identityOf(ctx, IDC_USER_ID))?.id).toBe('alice@example.com');
  });

  it('nothing found is null, not an error; an identity known only from config has no events and every source OK', async () => {
    const ctx = contextOver(incidentEvents(), { aliases: [{ identity: 'dora@example.com', values: ['00u1dora000000000009'] }] });
    expect(await identityOf(ctx, 'alice@elsewhere.org')).toBeNull();
    expect(await identityOf(ctx, 'Alice Anders')).toBeNull();
    const q = `query($w: TimeWindowInput!) { identity(ref: "00u1dora000000000009", window: $w) { id aliases { kind value rule }
      events(window: $w) { edges { cursor } sources { source { id } state pushedDown residual } } } }`;
    const { identity } = await run<{ identity: { id: string; aliases: { rule: string }[]; events: { edges: unknown[]; sources: { state: string; residual: string[] }[] } } }>(ctx, q, { w: WINDOW });
    expect(identity.id).toBe('dora@example.com');
    expect(identity.aliases.map((a) => a.rule).sort()).toEqual(['canonical', 'config.alias', 'config.oidc-prefix']);
    expect(identity.events.edges).toEqual([]);
    expect(identity.events.sources.map((s) => s.state)).toEqual(Array(identity.events.sources.length).fill('OK'));
    expect(okta.requests).toContain('GET /api/v1/users/00u1dora000000000009');
  });

  it('stops at its bounds and says so', async () => {
    const rounds = (await identityOf(contextOver(incidentEvents(), { discovery: { maxRounds: 1 } }), 'alice@example.com'))!;
    expect(rounds.discovery!.rounds).toBe(1);
    expect(rounds.discovery!.notes).toContain('discovery stopped after 1 rounds (identity.discovery.maxRounds): the last aliases found were not searched for more');
    const events = incidentEvents();
    for (let i = 0; i < 150; i++) events.okta.push(r.oktaEvent(new Date(Date.parse('2026-03-14T10:00:00Z') + i * 1000).toISOString(), { id: '00u1alice00000000001', login: 'alice@example.com' }));
    const budget = (await identityOf(contextOver(events, { discovery: { maxEvents: 100 } }), 'alice@example.com'))!;
    expect(budget.discovery).toMatchObject({ truncated: true, eventsRead: 100 });
    expect(budget.discovery!.notes).toContain('discovery stopped after reading 100 events (identity.discovery.maxEvents): aliases only older events show may be missing');
  });

  it('resolves the actors of a page of 1000 events with a lookup per distinct principal, not per event', async () => {
    const people = Array.from({ length: 12 }, (_, i) => ({ id: `00u1user${String(i).padStart(12, '0')}`, login: `user${i}@example.com` }));
    const crowd = new FakeOkta(people);
    await crowd.start();
    try {
      process.env.IDT_SVC_CROWD = crowd.token;
      const events: Record<string, AuditEvent[]> = { okta: [], trail: [], 'prod-eks-audit': [] };
      const sas = ['ml-training', 'notebook', 'etl'].map((n) => `system:serviceaccount:ml-production:${n}`);
      for (let i = 0; i < 1000; i++) {
        const time = new Date(Date.parse('2026-03-14T08:00:00Z') + i * 10_000).toISOString();
        const p = people[Math.floor(i / 3) % people.length];
        if (i % 3 === 0) events.okta.push(r.oktaEvent(time, p));
        else if (i % 3 === 1) events.trail.push(r.cloudTrailEvent(time, { eventName: 'ListBuckets', eventSource: 's3.amazonaws.com', userIdentity: r.ssoSession(p.login, `ASIA${p.id.slice(-16)}`) }));
        else events['prod-eks-audit'].push(r.k8sEvent(time, { username: sas[Math.floor(i / 3) % sas.length] }));
      }
      const ctx = contextOver(events, { lookups: { okta: { orgUrl: crowd.url, tokenEnv: 'IDT_SVC_CROWD' }, kubernetes: [{ source: 'prod-eks-audit', server: kube.url, tokenEnv: 'IDT_SVC_KUBE', caFile: kube.caFile }] } });
      const q = `query($w: TimeWindowInput!) { events(window: $w, first: 1000) { edges { node { actor { name identity { id aliases { kind value } } } } } } }`;
      const data = await run<{ events: { edges: { node: { actor: { name: string; identity: { id: string; aliases: { kind: string; value: string }[] } | null } } }[] } }>(ctx, q, { w: WINDOW });
      const edges = data.events.edges;
      expect(edges).toHaveLength(1000);
      // 12 people (one Okta user each, met by id or by login), 3 service accounts: 15 lookups for 1000 actors
      expect(crowd.requests).toHaveLength(12);
      expect(new Set(crowd.requests).size).toBe(12);
      expect(kube.requests.sort()).toEqual(sas.map((s) => `GET /api/v1/namespaces/ml-production/serviceaccounts/${s.split(':').pop()}`).sort());
      // every actor resolved: a person's Okta, CloudTrail and Kubernetes names are one identity
      const user3 = edges.filter((e) => e.node.actor.identity?.id === 'user3@example.com');
      expect(user3.length).toBeGreaterThan(50);
      expect(new Set(user3.map((e) => e.node.actor.name))).toEqual(new Set(['user3@example.com']));
      expect(user3[0].node.actor.identity!.aliases.map((a) => a.kind)).toEqual(expect.arrayContaining(['EMAIL', 'OKTA_USER_ID', 'AWS_ROLE_SESSION', 'AWS_IDENTITY_CENTER_USER']));
      const training = edges.find((e) => e.node.actor.name === sas[0])!;
      expect(training.node.actor.identity!.aliases).toEqual(expect.arrayContaining([{ kind: 'AWS_ROLE', value: 'arn:aws:iam::111122223333:role/ml-training-irsa' }]));
      expect(edges.every((e) => e.node.actor.identity !== null)).toBe(true);
    } finally {
      await crowd.stop();
    }
  });
});
