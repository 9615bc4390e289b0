import { HOUR, isoMillis, MINUTE, SECOND } from '../clock';
import type { IncidentRef, OktaFacts, SourceCounts, TimelineEntry } from '../manifest';
import { ALICE, CAROL, GEO, type Geo, OKTA_APPS, oktaAppId, type OktaAppKey, ORG, PEOPLE, type Person, personGeo, personIp, USER_AGENTS } from '../org';
import { ndjson, scaled, type DemoFile, type WriterContext } from '../output';
import type { Rng } from '../prng';

/**
 * Okta System Log: LogEvent objects exactly as `GET /api/v1/logs` returns them, one per line, one file per
 * UTC day (`okta/system-log-<YYYY-MM-DD>.ndjson`), in `published` order.
 */

interface OktaActor {
  id: string;
  type: 'User' | 'PublicClientApp' | 'SystemPrincipal';
  alternateId: string;
  displayName: string;
  detailEntry: null;
}

interface OktaTarget {
  id: string;
  type: string;
  alternateId: string;
  displayName: string;
  detailEntry: Record<string, string> | null;
}

/** Who made a request and from where, as Okta's client block describes it. */
interface OktaClient {
  ip: string;
  ua: string;
  os: string;
  browser: string;
  device: 'Computer' | 'Unknown';
  geo: Geo;
  net: { asNumber: number; asOrg: string; isp: string; domain: string };
}

interface EventInput {
  us: number;
  eventType: string;
  displayMessage: string;
  severity?: 'INFO' | 'WARN';
  result: 'SUCCESS' | 'FAILURE' | 'ALLOW' | 'CHALLENGE';
  reason?: string;
  actor: OktaActor;
  client: OktaClient;
  sessionId: string;
  target?: OktaTarget[];
  debugData?: Record<string, string>;
  legacyEventType?: string;
  credentialProvider?: string;
  credentialType?: string;
  authenticationProvider?: string;
}

interface OktaRecord {
  us: number;
  event: Record<string, unknown>;
}

const NETWORKS = {
  office: { asNumber: 5089, asOrg: 'virgin media', isp: 'virgin media limited', domain: 'virginmedia.com' },
  home: { asNumber: 2856, asOrg: 'british telecommunications plc', isp: 'bt public internet service', domain: 'bt.com' },
  homeUs: { asNumber: 7922, asOrg: 'comcast cable communications, llc', isp: 'comcast cable', domain: 'comcast.net' },
  attacker: { asNumber: 14061, asOrg: 'digitalocean llc', isp: 'digitalocean llc', domain: 'digitalocean.com' },
  aws: { asNumber: 14618, asOrg: 'amazon.com, inc.', isp: 'amazon.com', domain: 'amazonaws.com' },
  ci: { asNumber: 36459, asOrg: 'github, inc.', isp: 'github', domain: 'github.com' },
};

const OS_NAMES: Record<Person['os'], string> = { mac: 'Mac OS X', linux: 'Linux', windows: 'Windows 10' };
const BROWSERS: Record<Person['os'], string> = { mac: 'CHROME', linux: 'CHROME', windows: 'EDGE_CHROMIUM' };

function userActor(p: Person): OktaActor {
  return { id: p.oktaId, type: 'User', alternateId: p.email, displayName: p.displayName, detailEntry: null };
}

function userTarget(p: Person): OktaTarget {
  return { id: p.oktaId, type: 'User', alternateId: p.email, displayName: p.displayName, detailEntry: null };
}

function personClient(p: Person, ip: string): OktaClient {
  const geo = personGeo(p, ip);
  const net = ip === ORG.officeIp ? NETWORKS.office : geo.country === 'United States' ? NETWORKS.homeUs : NETWORKS.home;
  return { ip, ua: USER_AGENTS.browser[p.os], os: OS_NAMES[p.os], browser: BROWSERS[p.os], device: 'Computer', geo, net };
}

const ATTACKER_CLIENT: OktaClient = {
  ip: ORG.attackerIp,
  ua: USER_AGENTS.attackerBrowser,
  os: 'Linux',
  browser: 'FIREFOX',
  device: 'Computer',
  geo: GEO.attacker,
  net: NETWORKS.attacker,
};

function appTargets(p: Person, key: OktaAppKey): OktaTarget[] {
  const app = OKTA_APPS.find((a) => a.key === key);
  if (!app) throw new Error(`no app ${key}`);
  return [
    { id: oktaAppId(key), type: 'AppInstance', alternateId: app.label, displayName: app.label, detailEntry: { signOnModeType: app.signOn } },
    { id: p.oktaAppUserIds[key], type: 'AppUser', alternateId: p.email, displayName: p.displayName, detailEntry: null },
  ];
}

class OktaLog {
  readonly records: OktaRecord[] = [];

  constructor(private readonly rng: Rng) {}

  /** An Okta uuid (time-based, version 1, as the System Log mints them). */
  private uuid(): string {
    const r = this.rng;
    return `${r.hex(8)}-${r.hex(4)}-11f1-${'89ab'[r.int(0, 4)]}${r.hex(3)}-${r.hex(12)}`;
  }

  sessionId(): string {
    return `102${this.rng.alnum(22)}`;
  }

  add(e: EventInput): IncidentRef {
    const r = this.rng;
    const uuid = this.uuid();
    const transactionId = r.alnum(27);
    const geo = e.client.geo;
    const geographicalContext = {
      city: geo.city,
      state: geo.state,
      country: geo.country,
      postalCode: geo.postalCode,
      geolocation: { lat: geo.lat, lon: geo.lon },
    };
    const event = {
      actor: e.actor,
      client: {
        userAgent: { rawUserAgent: e.client.ua, os: e.client.os, browser: e.client.browser },
        zone: 'null',
        device: e.client.device,
        id: null,
        ipAddress: e.client.ip,
        geographicalContext,
      },
      device: null,
      authenticationContext: {
        authenticationProvider: e.authenticationProvider ?? null,
        credentialProvider: e.credentialProvider ?? null,
        credentialType: e.credentialType ?? null,
        issuer: null,
        interface: null,
        authenticationStep: 0,
        rootSessionId: e.sessionId === 'unknown' ? 'unknown' : `idx${e.sessionId.slice(3)}`,
        externalSessionId: e.sessionId,
      },
      displayMessage: e.displayMessage,
      eventType: e.eventType,
      outcome: { result: e.result, reason: e.reason ?? null },
      published: isoMillis(e.us),
      securityContext: { asNumber: e.client.net.asNumber, asOrg: e.client.net.asOrg, isp: e.client.net.isp, domain: e.client.net.domain, isProxy: false },
      severity: e.severity ?? 'INFO',
      debugContext: { debugData: { requestId: transactionId, dtHash: r.hex(64), ...e.debugData } },
      legacyEventType: e.legacyEventType ?? null,
      transaction: { type: 'WEB', id: transactionId, detail: {} },
      uuid,
      version: '0',
      request: { ipChain: [{ ip: e.client.ip, geographicalContext, version: 'V4', source: null }] },
      target: e.target ?? null,
    };
    this.records.push({ us: e.us, event });
    return { id: uuid, time: event.published };
  }

  mfa(us: number, p: Person, client: OktaClient, sessionId: string, result: 'SUCCESS' | 'FAILURE', extra: Record<string, string> = {}): IncidentRef {
    return this.add({
      us,
      eventType: 'user.authentication.auth_via_mfa',
      displayMessage: 'Authentication of user via MFA',
      result,
      reason: result === 'FAILURE' ? 'User rejected Okta push verify' : undefined,
      severity: result === 'FAILURE' ? 'WARN' : 'INFO',
      actor: userActor(p),
      client,
      sessionId,
      credentialProvider: 'OKTA_CREDENTIAL_PROVIDER',
      credentialType: 'OTP',
      target: [{ id: `pfd${this.rng.alnum(17)}`, type: 'AuthenticatorEnrollment', alternateId: 'unknown', displayName: 'Okta Verify', detailEntry: null }],
      debugData: { factor: 'OKTA_VERIFY_PUSH', factorIntent: 'AUTHENTICATION', requestUri: '/idp/idx/authenticators/poll', url: '/idp/idx/authenticators/poll?', threatSuspected: 'false', ...extra },
      legacyEventType: result === 'SUCCESS' ? 'core.user.factor.attempt_success' : 'core.user.factor.attempt_fail',
    });
  }

  sessionStart(us: number, p: Person, client: OktaClient, sessionId: string, result: 'SUCCESS' | 'FAILURE', extra: Record<string, string> = {}): IncidentRef {
    return this.add({
      us,
      eventType: 'user.session.start',
      displayMessage: 'User login to Okta',
      result,
      reason: result === 'FAILURE' ? 'INVALID_CREDENTIALS' : undefined,
      severity: result === 'FAILURE' ? 'WARN' : 'INFO',
      actor: userActor(p),
      client,
      sessionId,
      authenticationProvider: 'OKTA_AUTHENTICATION_PROVIDER',
      credentialType: 'PASSWORD',
      debugData: { requestUri: '/idp/idx/identify', url: '/idp/idx/identify?', threatSuspected: 'false', ...extra },
      legacyEventType: result === 'SUCCESS' ? 'core.user_auth.login_success' : 'core.user_auth.login_failed',
    });
  }

  sso(us: number, p: Person, client: OktaClient, sessionId: string, app: OktaAppKey): IncidentRef {
    this.add({
      us: us - this.rng.int(40, 400) * 1000,
      eventType: 'policy.evaluate_sign_on',
      displayMessage: 'Evaluation of sign-on policy',
      result: 'ALLOW',
      actor: userActor(p),
      client,
      sessionId,
      target: [{ id: `rul${this.rng.alnum(17)}`, type: 'Rule', alternateId: 'unknown', displayName: 'Catch-all Rule', detailEntry: null }],
      debugData: { requestUri: `/app/${app}/sso`, behaviors: '{New Geo-Location=NEGATIVE, New Device=NEGATIVE, New IP=NEGATIVE, New State=NEGATIVE, New Country=NEGATIVE, Velocity=NEGATIVE, New City=NEGATIVE}' },
    });
    return this.add({
      us,
      eventType: 'user.authentication.sso',
      displayMessage: 'User single sign on to app',
      result: 'SUCCESS',
      actor: userActor(p),
      client,
      sessionId,
      target: appTargets(p, app),
      debugData: { initiationType: 'IDP_INITIATED', signOnMode: OKTA_APPS.find((a) => a.key === app)?.signOn ?? 'SAML_2_0', requestUri: `/app/${app}/sso/saml` },
      legacyEventType: 'app.auth.sso',
    });
  }

  tokenGrant(us: number, p: Person, client: OktaClient, sessionId: string, app: OktaAppKey, grant: 'id_token' | 'access_token'): void {
    this.add({
      us,
      eventType: `app.oauth2.as.token.grant.${grant}`,
      displayMessage: grant === 'id_token' ? 'OIDC ID token is granted' : 'OAuth2 access token is granted',
      result: 'SUCCESS',
      actor: userActor(p),
      client: { ...client, ua: app === 'k8s' ? 'kubelogin/v1.28.0' : 'pyflyte/1.11.0 python-requests/2.31.0', browser: 'UNKNOWN' },
      sessionId,
      target: [
        { id: `${grant === 'id_token' ? 'ID' : 'AT'}.${this.rng.alnum(43)}`, type: grant, alternateId: 'unknown', displayName: grant === 'id_token' ? 'ID Token' : 'Access Token', detailEntry: { expires: isoMillis(us + HOUR), subject: p.oktaId } },
        { id: oktaAppId(app), type: 'PublicClientApp', alternateId: app === 'k8s' ? 'kubernetes' : 'flytectl', displayName: app === 'k8s' ? 'Kubernetes prod-eks' : 'Flyte Console', detailEntry: null },
      ],
      debugData: { grantType: 'refresh_token', requestUri: '/oauth2/default/v1/token', url: '/oauth2/default/v1/token?' },
    });
  }
}

/** A background person's working day in the System Log. Returns their session id. */
function personDay(log: OktaLog, rng: Rng, ctx: WriterContext, p: Person, from: number, to: number, inOffice: boolean): string {
  const ip = personIp(p, inOffice);
  const client = personClient(p, ip);
  const sessionId = log.sessionId();
  const signIn = from + rng.int(0, 20 * 60) * SECOND + rng.int(0, 1000) * 1000;
  if (rng.chance(0.1)) log.sessionStart(signIn - rng.int(20, 60) * SECOND, p, client, 'unknown', 'FAILURE');
  log.mfa(signIn, p, client, sessionId, 'SUCCESS');
  log.sessionStart(signIn + rng.int(300, 900) * 1000, p, client, sessionId, 'SUCCESS');

  const apps: OktaAppKey[] = ['slack', 'jira'];
  if (p.team !== 'sales' && p.team !== 'finance' && p.team !== 'people') apps.push('github');
  if (p.aws !== 'none') apps.push('aws');
  if (p.gcp) apps.push('gcp');
  if (p.azure) apps.push('azure');
  if (p.flyte) apps.push('flyte');
  if (p.k8s) apps.push('k8s');
  const start = signIn + 2 * SECOND;
  for (const us of rng.instants(scaled(ctx, rng.int(34, 54)), start, to)) log.sso(us, p, client, sessionId, rng.pick(apps));
  if (p.k8s) {
    for (let t = start + rng.int(1, 10) * MINUTE; t < to; t += HOUR + rng.int(0, 120) * SECOND) {
      if (rng.chance(ctx.scale >= 1 ? 1 : ctx.scale)) log.tokenGrant(t, p, client, sessionId, 'k8s', 'id_token');
    }
  }
  if (p.flyte) {
    for (const us of rng.instants(scaled(ctx, rng.int(24, 40)), start, to)) log.tokenGrant(us, p, client, sessionId, 'flyte', 'access_token');
  }
  if (rng.chance(0.04)) log.mfa(start + rng.int(1, 4) * HOUR, p, client, sessionId, 'FAILURE');
  if (p.oktaAdmin) {
    for (const us of rng.instants(scaled(ctx, rng.int(6, 14)), start, to)) {
      const other = rng.pick(PEOPLE.filter((x) => x !== p && x !== ALICE));
      const action = rng.pick([
        ['user.session.access_admin_app', 'User accessing Okta admin app', null],
        ['group.user_membership.add', 'Add user to group membership', other],
        ['user.account.reset_password', 'Fired when the user\'s Okta password is reset', other],
        ['user.mfa.factor.reset_all', 'Reset all factors for user', other],
      ] as const);
      const [eventType, displayMessage, target] = action;
      log.add({
        us,
        eventType,
        displayMessage,
        result: 'SUCCESS',
        actor: userActor(p),
        client,
        sessionId,
        target: target
          ? eventType === 'group.user_membership.add'
            ? [userTarget(target), { id: `00g${rng.alnum(17)}`, type: 'UserGroup', alternateId: 'unknown', displayName: `team-${target.team}`, detailEntry: null }]
            : [userTarget(target)]
          : [{ id: oktaAppId('admin'), type: 'AppInstance', alternateId: 'Okta Admin Console', displayName: 'Okta Admin Console', detailEntry: null }],
      });
    }
  }
  if (rng.chance(0.5)) {
    log.add({ us: to - rng.int(0, 15) * MINUTE, eventType: 'user.session.end', displayMessage: 'User logout from Okta', result: 'SUCCESS', actor: userActor(p), client, sessionId, legacyEventType: 'core.user_auth.logout_success' });
  }
  return sessionId;
}

/** Service clients fetching tokens with client credentials all day. */
function serviceClients(log: OktaLog, rng: Rng, ctx: WriterContext): void {
  const { day } = ctx;
  const clients = [
    { name: 'flytepropeller', everyMin: 10, ip: ORG.natIp, net: NETWORKS.aws, geo: GEO.ashburn, ua: 'flytepropeller/v1.11.0 (linux/amd64) go-http-client/1.1' },
    { name: 'github-actions-deployer', everyMin: 5, ip: ORG.ciIps[0], net: NETWORKS.ci, geo: GEO.ashburn, ua: 'Go-http-client/2.0' },
    { name: 'argocd', everyMin: 10, ip: ORG.natIp, net: NETWORKS.aws, geo: GEO.ashburn, ua: 'argocd-server/v2.10.4 go-oidc' },
  ];
  for (const c of clients) {
    const actor: OktaActor = { id: oktaAppId(`svc:${c.name}`), type: 'PublicClientApp', alternateId: c.name, displayName: c.name, detailEntry: null };
    const client: OktaClient = { ip: c.ip, ua: c.ua, os: 'Unknown', browser: 'UNKNOWN', device: 'Unknown', geo: c.geo, net: c.net };
    const count = scaled(ctx, (24 * 60) / c.everyMin);
    for (let i = 0; i < count; i++) {
      const us = day.start + Math.floor(((i + rng.next()) * (day.end - day.start)) / count);
      log.add({
        us: Math.min(us, day.end - 1),
        eventType: 'app.oauth2.as.token.grant.access_token',
        displayMessage: 'OAuth2 access token is granted',
        result: 'SUCCESS',
        actor,
        client,
        sessionId: 'unknown',
        target: [{ id: `AT.${rng.alnum(43)}`, type: 'access_token', alternateId: 'unknown', displayName: 'Access Token', detailEntry: { expires: isoMillis(us + HOUR), subject: actor.id } }],
        debugData: { grantType: 'client_credentials', requestUri: '/oauth2/default/v1/token', url: '/oauth2/default/v1/token?' },
      });
    }
  }
}

export function writeOkta(ctx: WriterContext): { files: DemoFile[]; counts: SourceCounts; facts: OktaFacts; timeline: TimelineEntry[] } {
  const { day } = ctx;
  const rng = ctx.rng;
  const log = new OktaLog(rng);
  const sessions = new Map<string, string>();

  for (const p of PEOPLE) {
    if (p === ALICE) continue;
    const from = day.start + p.workStartHour * HOUR;
    sessions.set(p.name, personDay(log, rng, ctx, p, from, from + p.workHours * HOUR, rng.chance(0.8)));
  }
  serviceClients(log, rng, ctx);

  // alice: her own morning at the office (07:58-08:40), then the attacker with her password from 08:52.
  const officeClient = personClient(ALICE, ORG.officeIp);
  const aliceSession = log.sessionId();
  const officeMfa = log.mfa(day.at('07:58:02.118'), ALICE, officeClient, aliceSession, 'SUCCESS');
  const officeSignIn = log.sessionStart(day.at('07:58:02.904'), ALICE, officeClient, aliceSession, 'SUCCESS');
  for (const [clock, app] of [['07:59:31.402', 'slack'], ['08:01:12.730', 'jira'], ['08:03:48.116', 'aws'], ['08:06:20.552', 'github'], ['08:11:05.987', 'flyte'], ['08:24:40.310', 'gcp'], ['08:31:15.044', 'slack']] as const) {
    log.sso(day.at(clock), ALICE, officeClient, aliceSession, app);
  }
  log.tokenGrant(day.at('08:09:58.205'), ALICE, officeClient, aliceSession, 'k8s', 'id_token');

  const attackerSignals = { behaviors: '{New Geo-Location=POSITIVE, New Device=POSITIVE, New IP=POSITIVE, New State=POSITIVE, New Country=POSITIVE, Velocity=POSITIVE, New City=POSITIVE}', risk: '{level=HIGH, reasons=Anomalous Geo-Distance, Anomalous Device}' };
  const failedSignIns = ['08:52:14.337', '08:53:08.902', '08:54:41.265'].map((clock) => log.sessionStart(day.at(clock), ALICE, ATTACKER_CLIENT, 'unknown', 'FAILURE', attackerSignals));
  const attackerSession = log.sessionId();
  const mfaPush = log.mfa(day.at('08:55:19.774'), ALICE, ATTACKER_CLIENT, attackerSession, 'SUCCESS', attackerSignals);
  const sessionStart = log.sessionStart(day.at('08:55:20.351'), ALICE, ATTACKER_CLIENT, attackerSession, 'SUCCESS', attackerSignals);
  const tokenId = `00T${rng.alnum(17)}`;
  const tokenName = 'automation-sync';
  const apiTokenCreate = log.add({
    us: day.at('08:57:36.048'),
    eventType: 'system.api_token.create',
    displayMessage: 'Create API token',
    result: 'SUCCESS',
    actor: userActor(ALICE),
    client: ATTACKER_CLIENT,
    sessionId: attackerSession,
    target: [{ id: tokenId, type: 'Token', alternateId: 'unknown', displayName: tokenName, detailEntry: null }],
    debugData: { requestUri: '/api/internal/tokens', url: '/api/internal/tokens?' },
    legacyEventType: 'api.token.create',
  });
  const attackerSso = (
    [
      ['09:00:41.225', 'aws'],
      ['09:05:37.610', 'k8s'],
      ['09:09:50.471', 'flyte'],
      ['09:19:48.902', 'gcp'],
      ['09:24:55.318', 'azure'],
    ] as const
  ).map(([clock, app]) => ({ ...log.sso(day.at(clock), ALICE, ATTACKER_CLIENT, attackerSession, app), app: OKTA_APPS.find((a) => a.key === app)?.label ?? app }));

  const carolSession = sessions.get(CAROL.name) ?? log.sessionId();
  const carolClient = personClient(CAROL, ORG.officeIp);
  const sessionClear = log.add({
    us: day.at('09:50:12.502'),
    eventType: 'user.session.clear',
    displayMessage: 'Clear user session',
    result: 'SUCCESS',
    actor: userActor(CAROL),
    client: carolClient,
    sessionId: carolSession,
    target: [userTarget(ALICE)],
    debugData: { requestUri: `/api/v1/users/${ALICE.oktaId}/sessions`, url: `/api/v1/users/${ALICE.oktaId}/sessions?oauthTokens=true` },
  });
  const suspend = log.add({
    us: day.at('09:50:31.119'),
    eventType: 'user.lifecycle.suspend',
    displayMessage: 'Suspend Okta user',
    result: 'SUCCESS',
    actor: userActor(CAROL),
    client: carolClient,
    sessionId: carolSession,
    target: [userTarget(ALICE)],
    debugData: { requestUri: `/api/v1/users/${ALICE.oktaId}/lifecycle/suspend`, url: `/api/v1/users/${ALICE.oktaId}/lifecycle/suspend?` },
    legacyEventType: 'core.user.config.user_status.suspended',
  });

  // One file per UTC day, in published order (the order a bounded ASCENDING query returns).
  const records = log.records.filter((r) => r.us >= day.start && r.us < day.end);
  records.sort((a, b) => a.us - b.us);
  const files: DemoFile[] = [{ path: `okta/system-log-${day.date}.ndjson`, content: ndjson(records.map((r) => r.event)) }];

  const facts: OktaFacts = { officeMfa, officeSignIn, failedSignIns, mfaPush, sessionStart, apiTokenCreate: { ...apiTokenCreate, tokenId, tokenName }, attackerSso, sessionClear, suspend };
  const tl = (ref: IncidentRef, action: string): TimelineEntry => ({ time: ref.time, source: 'okta', action, id: ref.id });
  const timeline = [
    tl(officeMfa, 'user.authentication.auth_via_mfa'),
    tl(officeSignIn, 'user.session.start'),
    ...failedSignIns.map((f) => tl(f, 'user.session.start (FAILURE)')),
    tl(mfaPush, 'user.authentication.auth_via_mfa'),
    tl(sessionStart, 'user.session.start'),
    tl(apiTokenCreate, 'system.api_token.create'),
    ...attackerSso.map((s) => tl(s, `user.authentication.sso (${s.app})`)),
    tl(sessionClear, 'user.session.clear'),
    tl(suspend, 'user.lifecycle.suspend'),
  ];
  return { files, counts: { path: 'okta', files: files.length, records: records.length }, facts, timeline };
}
