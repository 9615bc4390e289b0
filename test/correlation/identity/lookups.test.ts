import { parseIdentityConfig, type IdentityConfig } from '../../../src/correlation/identity-config';
import { IdentityLookups, RequestLookups } from '../../../src/correlation/identity/lookups';
import { AliasKind, SourceError } from '../../../src/domain';
import { FakeKubeApiServer } from './fake-kube-apiserver';
import { FakeOkta } from './fake-okta';

const IRSA = 'eks.amazonaws.com/role-arn';
const GKE = 'iam.gke.io/gcp-service-account';

describe('lookups batched per request', () => {
  const okta = new FakeOkta([
    { id: '00u1alice00000000001', login: 'alice@example.com' },
    { id: '00u1carol00000000003', login: 'carol@example.com', email: 'carol.chen@example.com', status: 'SUSPENDED' },
  ]);
  const kube = new FakeKubeApiServer([
    { namespace: 'ml-production', name: 'ml-training', annotations: { [IRSA]: 'arn:aws:iam::111122223333:role/ml-training-irsa' } },
    { namespace: 'ml-production', name: 'trainer-gke', annotations: { [GKE]: 'trainer@acme-ml-prod.iam.gserviceaccount.com' } },
    { namespace: 'ml-production', name: 'notebook' },
  ]);
  let config: IdentityConfig;

  beforeAll(async () => {
    await Promise.all([okta.start(), kube.start()]);
    process.env.IDT_LOOKUP_OKTA = okta.token;
    process.env.IDT_LOOKUP_KUBE = kube.token;
    config = parseIdentityConfig({
      lookups: {
        okta: { orgUrl: okta.url, tokenEnv: 'IDT_LOOKUP_OKTA' },
        kubernetes: [{ source: 'prod-eks-audit', server: kube.url, tokenEnv: 'IDT_LOOKUP_KUBE', caFile: kube.caFile }],
      },
    });
  });
  afterAll(async () => {
    await Promise.all([okta.stop(), kube.stop()]);
  });
  beforeEach(() => {
    okta.requests.length = 0;
    kube.requests.length = 0;
  });

  const request = () => new RequestLookups(IdentityLookups.of(config), new AbortController().signal);

  it('Okta: a user by id, through the SDK with SSWS auth, gives its login and email', async () => {
    const lookups = request();
    const links = await lookups.oktaUsers(['00u1carol00000000003']);
    expect(okta.requests).toEqual(['GET /api/v1/users/00u1carol00000000003']);
    expect(links.map((l) => [l.rule, l.a.value, l.b.kind, l.b.value])).toEqual([
      ['lookup.okta-user', '00u1carol00000000003', AliasKind.EMAIL, 'carol@example.com'],
      ['lookup.okta-user', '00u1carol00000000003', AliasKind.EMAIL, 'carol.chen@example.com'],
    ]);
    expect(links[0].text).toBe('Okta user 00u1carol00000000003, SUSPENDED has login carol@example.com');
    expect(links[0].lookup).toBe(`Okta GET ${okta.url}/api/v1/users/00u1carol00000000003`);
  });

  it('Okta: each user is asked for once per request; a user loaded by id primes its login', async () => {
    const lookups = request();
    await lookups.oktaUsers(['00u1alice00000000001', '00u1alice00000000001', '00u1carol00000000003']);
    await lookups.oktaUsers(['alice@example.com', 'ALICE@example.com', 'carol@example.com', '00u1carol00000000003']);
    expect(okta.requests.sort()).toEqual(['GET /api/v1/users/00u1alice00000000001', 'GET /api/v1/users/00u1carol00000000003']);
    expect(lookups.counts.okta).toBe(2);
    // another request has its own loader
    await request().oktaUsers(['alice@example.com']);
    expect(okta.requests).toHaveLength(3);
  });

  it('Okta: 404 E0000007 is "no such user", a note, not an error', async () => {
    const lookups = request();
    expect(await lookups.oktaUsers(['nobody@example.com'])).toEqual([]);
    expect(lookups.notesFor('nobody@example.com')).toEqual(['Okta has no user nobody@example.com (404 E0000007)']);
  });

  it('Okta: a 429 is waited out (X-Rate-Limit-Reset) and the lookup retried', async () => {
    okta.throttleNext = 1;
    const lookups = request();
    const links = await lookups.oktaUsers(['00u1alice00000000001']);
    expect(links).toHaveLength(1);
    expect(okta.requests).toEqual(['GET /api/v1/users/00u1alice00000000001', 'GET /api/v1/users/00u1alice00000000001']);
    expect(lookups.oktaStats.throttled).toBe(1);
  });

  it('Okta: a refused token is told with its error code, and the query goes on', async () => {
    const bad = parseIdentityConfig({ lookups: { okta: { orgUrl: okta.url, tokenEnv: 'IDT_LOOKUP_KUBE' } } });
    const lookups = new RequestLookups(IdentityLookups.of(bad), new AbortController().signal);
    expect(await lookups.oktaUsers(['00u1alice00000000001'])).toEqual([]);
    expect(lookups.notesFor('00u1alice00000000001')).toEqual([
      'Okta lookup of 00u1alice00000000001 failed: Okta users API HTTP 401: E0000011 Invalid token provided; check identity.lookups.okta (tokenEnv/tokenFile) or the Okta source it borrows from',
    ]);
  });

  it('Kubernetes: ServiceAccounts through CoreV1Api over TLS with a bearer token: IRSA and Workload Identity annotations', async () => {
    const lookups = request();
    const links = await lookups.serviceAccounts(['system:serviceaccount:ml-production:ml-training', 'system:serviceaccount:ml-production:trainer-gke']);
    expect(kube.requests.sort()).toEqual(['GET /api/v1/namespaces/ml-production/serviceaccounts/ml-training', 'GET /api/v1/namespaces/ml-production/serviceaccounts/trainer-gke']);
    expect(links.map((l) => [l.a.value, l.b.kind, l.b.value, l.label])).toEqual([
      ['system:serviceaccount:ml-production:ml-training', AliasKind.AWS_ROLE, 'arn:aws:iam::111122223333:role/ml-training-irsa', true],
      ['system:serviceaccount:ml-production:trainer-gke', AliasKind.GCP_PRINCIPAL, 'trainer@acme-ml-prod.iam.gserviceaccount.com', true],
    ]);
    expect(links[0].text).toBe(`ServiceAccount ml-production/ml-training in prod-eks-audit is annotated ${IRSA}=arn:aws:iam::111122223333:role/ml-training-irsa (IRSA)`);
  });

  it('Kubernetes: a service account without annotation maps to nothing; a missing one is a 404 Status', async () => {
    const lookups = request();
    expect(await lookups.serviceAccounts(['system:serviceaccount:ml-production:notebook', 'system:serviceaccount:ml-production:ghost'])).toEqual([]);
    expect(lookups.notesFor('system:serviceaccount:ml-production:notebook')).toEqual([
      `ServiceAccount ml-production/notebook in prod-eks-audit has no ${IRSA} or ${GKE} annotation: it maps to no cloud role`,
    ]);
    expect(lookups.notesFor('system:serviceaccount:ml-production:ghost')).toEqual(['prod-eks-audit has no ServiceAccount ml-production/ghost (404 NotFound)']);
  });

  it('Kubernetes: each service account once per request, however many times it is asked for', async () => {
    const lookups = request();
    const sa = 'system:serviceaccount:ml-production:ml-training';
    await Promise.all([lookups.serviceAccounts([sa, sa]), lookups.serviceAccounts([sa])]);
    await lookups.serviceAccounts([sa]);
    expect(kube.requests).toEqual(['GET /api/v1/namespaces/ml-production/serviceaccounts/ml-training']);
    expect(lookups.counts.kubernetes).toBe(1);
  });

  it('Kubernetes: a refused token is told with the status and where the token comes from', async () => {
    const bad = parseIdentityConfig({ lookups: { kubernetes: [{ source: 'prod-eks-audit', server: kube.url, tokenEnv: 'IDT_LOOKUP_OKTA', caFile: kube.caFile }] } });
    const lookups = new RequestLookups(IdentityLookups.of(bad), new AbortController().signal);
    await lookups.serviceAccounts(['system:serviceaccount:ml-production:ml-training']);
    expect(lookups.notesFor('system:serviceaccount:ml-production:ml-training')[0]).toMatch(
      /^ServiceAccount lookup in prod-eks-audit failed: kube-apiserver https:\/\/127\.0\.0\.1:\d+ GET \/api\/v1\/namespaces\/ml-production\/serviceaccounts\/ml-training \(prod-eks-audit\): HTTP 401: Unauthorized; check identity.lookups.kubernetes tokenEnv\/tokenFile$/,
    );
  });

  it('Kubernetes: a cancelled request aborts the HTTP call', async () => {
    kube.hang = true;
    try {
      const controller = new AbortController();
      const directory = IdentityLookups.of(config).clusters[0];
      const pending = directory.get('ml-production', 'ml-training', new RequestLookups(IdentityLookups.of(config), controller.signal).kubernetesStats, controller.signal);
      await new Promise((r) => setTimeout(r, 50));
      controller.abort(new Error('client went away'));
      await expect(pending).rejects.toBeInstanceOf(SourceError);
      await expect(pending).rejects.toMatchObject({ code: 'ABORTED' });
      expect(kube.requests).toEqual(['GET /api/v1/namespaces/ml-production/serviceaccounts/ml-training']);
    } finally {
      kube.hang = false;
    }
  });
});
