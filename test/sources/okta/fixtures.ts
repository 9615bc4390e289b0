/** Okta System Log LogEvents shaped as `/api/v1/logs` returns them (from the API reference's examples). */

export interface Who {
  id: string;
  type: string;
  alternateId: string;
  displayName: string;
  detailEntry?: unknown;
}

export const ALICE: Who = { id: '00u1alice00000000001', type: 'User', alternateId: 'alice@example.com', displayName: 'Alice Example', detailEntry: null };
export const BOB: Who = { id: '00u1bob0000000000002', type: 'User', alternateId: 'bob@example.com', displayName: 'Bob Example', detailEntry: null };
export const CAROL: Who = { id: '00u1carol00000000003', type: 'User', alternateId: 'carol@example.com', displayName: 'Carol Admin', detailEntry: null };
export const OKTA_SYSTEM: Who = { id: '0oa1system0000000001', type: 'SystemPrincipal', alternateId: 'system@okta.com', displayName: 'Okta System', detailEntry: null };

export const OFFICE_IP = '203.0.113.7';
export const ATTACKER_IP = '198.51.100.23';
const CHROME = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/122.0.0.0 Safari/537.36';

export interface LogEventSpec {
  uuid: string;
  published: string;
  eventType: string;
  actor?: Who | null;
  ip?: string | null;
  result?: string;
  reason?: string | null;
  target?: Who[] | null;
  sessionId?: string | null;
  transactionId?: string;
  displayMessage?: string;
  /** drop the client block entirely (server-side events have none) */
  noClient?: boolean;
}

export function logEvent(s: LogEventSpec): Record<string, unknown> {
  const event: Record<string, unknown> = {
    actor: s.actor === undefined ? ALICE : s.actor,
    client: s.noClient
      ? undefined
      : {
          userAgent: { rawUserAgent: CHROME, os: 'Mac OS X', browser: 'CHROME' },
          zone: 'null',
          device: 'Computer',
          id: null,
          ipAddress: s.ip === undefined ? OFFICE_IP : s.ip,
          geographicalContext: { city: 'San Francisco', state: 'California', country: 'United States', postalCode: '94107', geolocation: { lat: 37.7758, lon: -122.3977 } },
        },
    device: null,
    authenticationContext: {
      authenticationProvider: null,
      credentialProvider: null,
      credentialType: null,
      issuer: null,
      interface: null,
      authenticationStep: 0,
      rootSessionId: s.sessionId ?? 'unknown',
      externalSessionId: s.sessionId === undefined ? 'idx1sessAAAA0000000000001' : s.sessionId,
    },
    displayMessage: s.displayMessage ?? s.eventType,
    eventType: s.eventType,
    outcome: { result: s.result ?? 'SUCCESS', reason: s.reason ?? null },
    published: s.published,
    securityContext: { asNumber: 64496, asOrg: 'example isp', isp: 'example isp', domain: 'example.net', isProxy: false },
    severity: s.result === 'FAILURE' ? 'WARN' : 'INFO',
    debugContext: { debugData: { requestId: `req-${s.uuid}`, requestUri: '/idp/idx/identify', url: '/idp/idx/identify?' } },
    legacyEventType: null,
    transaction: { type: 'WEB', id: s.transactionId ?? `tx-${s.uuid}`, detail: {} },
    uuid: s.uuid,
    version: '0',
    request: { ipChain: s.ip === null ? [] : [{ ip: s.ip ?? OFFICE_IP, geographicalContext: null, version: 'V4', source: null }] },
    target: s.target === undefined ? null : s.target,
  };
  if (s.noClient) delete event.client;
  return event;
}

/** A day of events for source tests: `count` events every `stepMs` from `start`, varied actors and types. */
export function eventSeries(start: string, count: number, stepMs: number, prefix = 'evt'): Record<string, unknown>[] {
  const actors = [ALICE, BOB, CAROL];
  const types = ['user.session.start', 'user.authentication.sso', 'user.session.end', 'application.user_membership.add'];
  const t0 = Date.parse(start);
  return Array.from({ length: count }, (_, i) =>
    logEvent({
      uuid: `${prefix}-${String(i).padStart(4, '0')}`,
      published: new Date(t0 + i * stepMs).toISOString(),
      eventType: types[i % types.length],
      actor: actors[i % actors.length],
      ip: i % 5 === 0 ? ATTACKER_IP : OFFICE_IP,
      result: i % 7 === 3 ? 'FAILURE' : 'SUCCESS',
      reason: i % 7 === 3 ? 'INVALID_CREDENTIALS' : null,
    }),
  );
}
