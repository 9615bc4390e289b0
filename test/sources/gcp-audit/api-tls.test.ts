// must come first: makes the throwaway certificate grpc-js's default trust root before grpc-js loads
import { certFile, cleanupTls, keyFile } from './tls-roots';
import * as fs from 'node:fs';
import { ConfigNode } from '../../../src/config/fields';
import { SortOrder } from '../../../src/domain';
import { gcpAuditDefinition } from '../../../src/sources/gcp-audit';
import type { GcpAuditApiSource } from '../../../src/sources/gcp-audit/client';
import { collect } from '../../contract/source-contract';
import { testDeps } from '../../helpers/deps';
import { FakeLogging, startGrpc, VALID_TOKEN } from './fake-logging';
import { dataset, idOf } from './fixtures';

/**
 * The production transport: gRPC over TLS, where the client library itself attaches the credentials
 * (here the access-token client this source hands it) as call credentials.
 */
const TOKEN_ENV = 'GCP_AUDIT_TLS_TOKEN';
process.env[TOKEN_ENV] = VALID_TOKEN;

describe('gcp-audit api over gRPC with TLS', () => {
  const fake = new FakeLogging(dataset());
  let server: { port: number; close: () => Promise<void> };
  let source: GcpAuditApiSource;

  beforeAll(async () => {
    server = await startGrpc(fake, { cert: fs.readFileSync(certFile), key: fs.readFileSync(keyFile) });
    const config = { id: 'gcp-tls', type: 'gcp-audit', mode: 'api', projectId: 'acme-ml-prod', logs: ['activity', 'data_access'], apiEndpoint: `localhost:${server.port}`, accessTokenEnv: TOKEN_ENV };
    source = gcpAuditDefinition.create(ConfigNode.of(config, 'sources[0]'), { id: 'gcp-tls', mode: 'api' }, testDeps()) as GcpAuditApiSource;
  });

  afterAll(async () => {
    await source?.close();
    await server?.close();
    cleanupTls();
  });

  it('sends the token as call credentials and reads every page', async () => {
    const window = { from: new Date('2026-03-14T08:00:00Z'), to: new Date('2026-03-14T11:00:00Z') };
    const { events } = await collect(source, { window, order: SortOrder.NEWEST_FIRST, filter: {}, pageSizeHint: 5 });
    expect(events.map((e) => e.id).sort()).toEqual(dataset().map(idOf).sort());
    expect(fake.requests.length).toBe(3);
    expect(fake.requests.every((r) => r.authorization === `Bearer ${VALID_TOKEN}`)).toBe(true);
  });
});
