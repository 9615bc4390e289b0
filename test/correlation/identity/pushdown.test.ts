import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildSources } from '../../../src/config/load';
import { ConfigNode } from '../../../src/config/fields';
import { searchFor } from '../../../src/correlation/identity';
import { matchEvidence } from '../../../src/correlation/identity/service';
import { Strength } from '../../../src/correlation/identity/links';
import { AliasKind, AuditgraphError, ErrorCode, SortOrder, SourceState, type Source } from '../../../src/domain';
import { QueryEngine, type QueryExplain } from '../../../src/query/engine';
import { normalizeRecord } from '../../../src/sources/cloudtrail/normalize';
import { testDeps } from '../../helpers/deps';
import { IDC_USER_ID, identityCenterSignIn, identityCenterUserCall } from '../../sources/cloudtrail/records';
import { ALICE_SESSION, incidentEvents, incidentIdentities, ML_TRAINING } from './scenario';
import { TypedMemorySource } from './typed-source';

const WINDOW = { from: new Date('2026-03-14T08:45:00Z'), to: new Date('2026-03-14T10:00:00Z') };

/** Live sources built from config as the server builds them; `explain` asks each for its request without calling it. */
function liveSources(dir: string): Source[] {
  process.env.IDT_OKTA_TOKEN = 'okta-token';
  process.env.IDT_GCP_TOKEN = 'gcp-token';
  process.env.IDT_AZURE_TOKEN = 'azure-token';
  const entries = [
    { id: 'okta', type: 'okta', mode: 'api', orgUrl: 'https://example.okta.com', tokenEnv: 'IDT_OKTA_TOKEN' },
    { id: 'trail', type: 'cloudtrail', mode: 'api', region: 'us-east-1', endpoint: 'http://127.0.0.1:9', accountId: '111122223333' },
    { id: 'prod-eks-audit', type: 'k8s-audit', mode: 'file', path: dir },
    { id: 'gcp', type: 'gcp-audit', mode: 'api', projectId: 'acme-ml-prod', apiEndpoint: '127.0.0.1:9', protocol: 'http', accessTokenEnv: 'IDT_GCP_TOKEN' },
    { id: 'azure', type: 'azure-activity', mode: 'api', subscriptionId: '00000000-0000-0000-0000-000000000001', endpoint: 'https://127.0.0.1:9', tokenEnv: 'IDT_AZURE_TOKEN' },
    { id: 'flyte', type: 'flyte', mode: 'api', endpoint: 'http://127.0.0.1:9', projects: ['ml'], domains: ['production'] },
  ];
  return buildSources(entries.map((e, i) => ConfigNode.of(e, `sources[${i}]`)), testDeps());
}

const bySource = (plan: QueryExplain, id: string) => plan.sources.find((s) => s.plan.source.id === id)!;

describe('per-source alias pushdown for an identity', () => {
  let dir: string;
  let engine: QueryEngine;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'auditgraph-identity-pushdown-'));
    fs.writeFileSync(path.join(dir, 'audit.log'), '');
    engine = new QueryEngine(liveSources(dir), { cursorSecret: 'x', now: () => new Date('2026-03-15T00:00:00Z') });
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("pushes each live source only the aliases it understands, in its own upstream form", async () => {
    const { alice } = incidentIdentities();
    const plan = await engine.explain({ window: WINDOW, identity: searchFor(alice) });

    // Okta's SCIM filter compares with case: only its case-insensitive keyword search could take an alias, one at most
    const okta = bySource(plan, 'okta');
    expect(okta.plan.pushed.identity).toBeUndefined();
    expect(okta.plan.residual[0]).toContain("filtered locally: 2 identities: Okta's filter compares values with case (auditgraph does not), and its case-insensitive keyword search q takes one value");
    expect(okta.request).not.toContain('actor.');

    // LookupEvents matches Username with case: only a key could be sent, and alice is more than her session's key
    const trail = bySource(plan, 'trail');
    expect(trail.plan.pushed.identity).toBeUndefined();
    expect(trail.plan.residual[0]).toMatch(/filtered locally: .*AWS_IDENTITY_CENTER_USER alice@example.com.* cannot be sent as LookupAttributes\[AccessKeyId\]/);
    expect(trail.request).toContain('LookupAttributes=[]');

    // Cloud Logging compares without case, as the engine does: pushed
    const gcp = bySource(plan, 'gcp');
    expect(gcp.plan.pushed.identity).toEqual(['alice@example.com']);
    expect(gcp.request).toContain('protoPayload.authenticationInfo.principalEmail="alice@example.com"');
    expect(gcp.plan.pushedDown[0]).toContain('(broader, re-checked here');

    // `caller eq` is not documented to ignore case: Azure keeps the whole identity local
    const azure = bySource(plan, 'azure');
    expect(azure.plan.pushed.identity).toBeUndefined();
    expect(azure.plan.residual[0]).toMatch(/; not filterable upstream$/);
    expect(azure.request).not.toContain('caller eq');

    // Flyte: the lifecycle lists are chosen by actor; no user clause (flyteadmin compares with case)
    const flyte = bySource(plan, 'flyte');
    expect(flyte.plan.pushed.identity!.sort()).toEqual(['00u1alice00000000001', 'alice@example.com']);
    expect(flyte.request).not.toContain('user');
    expect(flyte.request).not.toContain('started_at');

    // an audit file cannot be filtered upstream: the identity is matched locally, the K8S_USER of this cluster with it
    const k8s = bySource(plan, 'prod-eks-audit');
    expect(k8s.plan.pushed.identity).toBeUndefined();
    expect(k8s.plan.residual[0]).toMatch(/^identity=alice@example.com \(\d+ of its \d+ aliases can appear here: .*K8S_USER oidc:alice@example.com.*not filterable upstream$/);
  });

  it("keeps an Identity Center user's identity local on a live trail: no lookup attribute names the Identity Store user id", async () => {
    const events = incidentEvents();
    events.trail.push(normalizeRecord(identityCenterSignIn(), 'trail'), normalizeRecord(identityCenterUserCall(), 'trail'));
    const { alice } = incidentIdentities(events);
    expect(alice.aliases.map((a) => a.alias.kind)).toContain(AliasKind.AWS_IDENTITY_CENTER_USER_ID);
    const trail = bySource(await engine.explain({ window: WINDOW, identity: searchFor(alice) }), 'trail');
    // Username=alice@example.com would miss her portal calls, which name only the id: the trail is read and matched here
    expect(trail.plan.pushed.identity).toBeUndefined();
    // the live trail pushes access keys only (LookupEvents matches Username with case): every other alias, the id among them, is matched here
    expect(trail.plan.residual[0]).toMatch(new RegExp(`filtered locally: [^;]*AWS_IDENTITY_CENTER_USER_ID ${IDC_USER_ID}[^;]* cannot be sent`));
  });

  it('does not ask a source whose events cannot carry any of the identity\'s aliases', async () => {
    const { mlTraining } = incidentIdentities();
    const plan = await engine.explain({ window: WINDOW, identity: searchFor(mlTraining) });
    for (const id of ['okta', 'azure']) {
      const s = bySource(plan, id);
      expect(s.plan.window).toBeNull();
      expect(s.notes[0]).toMatch(/^not queried: none of the identity's aliases \(.*K8S_SERVICE_ACCOUNT.*\) can appear in /);
    }
    // the role is a kind CloudTrail carries but cannot look up: the trail is read and filtered here
    expect(bySource(plan, 'trail').plan.residual[0]).toContain('AWS_ROLE arn:aws:iam::111122223333:role/ml-training-irsa cannot be sent');
    expect(bySource(plan, 'gcp').plan.pushed.identity).toEqual([ML_TRAINING]);
  });

  it('says so when an alias cannot be sent: a flagged key is not covered by its user, whose name LookupEvents matches with case', async () => {
    const { ciBot } = incidentIdentities();
    const plan = await engine.explain({ window: WINDOW, identity: searchFor(ciBot) });
    const trail = bySource(plan, 'trail');
    expect(trail.plan.pushed.identity).toBeUndefined();
    expect(trail.plan.residual[0]).toContain('filtered locally: AWS_IAM_USER arn:aws:iam::111122223333:user/ci-bot cannot be sent as LookupAttributes[AccessKeyId] (access key ids only)');
    expect(trail.request).toContain('LookupAttributes=[]');
  });
});

describe('identity events through the engine', () => {
  function engineOver() {
    const events = incidentEvents();
    const sources = Object.entries(events).map(([id, list]) => new TypedMemorySource(id, list[0].sourceType, list));
    return { sources, engine: new QueryEngine(sources, { cursorSecret: 'x' }) };
  }

  it("returns the identity's events from every source, each with the alias that matched and how it is tied", async () => {
    const { alice } = incidentIdentities();
    const { engine } = engineOver();
    const page = await engine.events({ window: WINDOW, order: SortOrder.OLDEST_FIRST, identity: searchFor(alice), match: (e) => matchEvidence(alice, e), scope: `identity:${alice.id}` });
    expect(page.edges.map((e) => `${e.event.sourceId} ${e.event.action}`)).toEqual([
      'okta user.session.start',
      'trail iam:ListUsers',
      'trail iam:CreateAccessKey',
      'prod-eks-audit secrets.list',
      'flyte execution.created',
      'gcp cloudresourcemanager.googleapis.com:SetIamPolicy',
      'azure Microsoft.Authorization/roleAssignments/write',
    ]);
    // staging-audit's `oidc:alice@example.com` matched the value filter but is not alice: that cluster's prefix differs
    expect(page.statuses.find((s) => s.sourceId === 'staging-audit')).toMatchObject({ state: SourceState.OK, eventsScanned: 1, eventsReturned: 0 });
    const k8s = page.edges.find((e) => e.event.sourceId === 'prod-eks-audit')!;
    expect(k8s.evidence[0]).toBe(
      'actor K8S_USER oidc:alice@example.com (in prod-eks-audit) (user.username): prod-eks-audit prefixes OIDC usernames with "oidc:" (identity.oidcPrefixes (prod-eks-audit)) and example.com is in identity.emailDomains: oidc:alice@example.com is alice@example.com there (configuration)',
    );
    const ct = page.edges.find((e) => e.event.action === 'iam:ListUsers')!;
    expect(ct.evidence[0]).toBe("actor EMAIL alice@example.com (userIdentity.arn): the identity's own name");
    expect(ct.evidence[1]).toBe(`also AWS_ACCESS_KEY ASIAN5TZHTAKANN32E2J, AWS_IDENTITY_CENTER_USER alice@example.com, AWS_ROLE_SESSION ${ALICE_SESSION}`);
  });

  it("a key's use is traced to its issuance; its use by another principal is flagged", async () => {
    const { ciBot } = incidentIdentities();
    const { engine } = engineOver();
    const page = await engine.events({ window: WINDOW, order: SortOrder.OLDEST_FIRST, identity: searchFor(ciBot), match: (e) => matchEvidence(ciBot, e) });
    expect(page.edges.map((e) => `${e.event.action} ${e.event.actor.name}`)).toEqual(['s3:ListBuckets ci-bot', 's3:ListBuckets mallory']);
    const [own, misuse] = page.edges;
    expect(own.evidence[0]).toBe("actor AWS_IAM_USER arn:aws:iam::111122223333:user/ci-bot (userIdentity.arn): the identity's own name");
    expect(own.evidence[1]).toMatch(/^actor AWS_ACCESS_KEY AKIAEXAMPLECIBOT0001 \(userIdentity.accessKeyId\): key AKIAEXAMPLECIBOT0001 was issued to IAM user ci-bot by alice@example.com via iam:CreateAccessKey at 2026-03-14T09:03:12.000Z \(trail event ct-\d+ at/);
    expect(misuse.evidence).toContain('FLAG: key AKIAEXAMPLECIBOT0001 belongs to arn:aws:iam::111122223333:user/ci-bot, but this call was made as arn:aws:iam::111122223333:user/mallory');
  });

  it('an identity known only from config has no events, and every source says OK', async () => {
    const { engine } = engineOver();
    const { graph } = incidentIdentities();
    graph.addLink({ a: { kind: AliasKind.EMAIL, value: 'nobody@example.com' }, b: { kind: AliasKind.OKTA_USER_ID, value: '00u1nobody0000000009' }, rule: 'config.alias', strength: Strength.CONFIG, forced: true, text: 'identity.aliases[0]', count: 1 });
    const nobody = graph.identityOf({ kind: AliasKind.EMAIL, value: 'nobody@example.com' })!;
    const page = await engine.events({ window: WINDOW, identity: searchFor(nobody), match: (e) => matchEvidence(nobody, e) });
    expect(page.edges).toEqual([]);
    expect(page.statuses.every((s) => s.state === SourceState.OK)).toBe(true);
  });

  it('refuses an identity filter inside an identity search', async () => {
    const { alice } = incidentIdentities();
    const { engine } = engineOver();
    await expect(engine.events({ window: WINDOW, filter: { identity: ['bob@example.com'] }, identity: searchFor(alice) })).rejects.toEqual(
      new AuditgraphError(ErrorCode.BAD_FILTER, 'filter.identity: this search is already for one identity (all its aliases); leave identity out of the filter'),
    );
  });
});
