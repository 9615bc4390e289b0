import * as path from 'node:path';
import { getProtoPath } from 'google-proto-files';
import * as protobuf from 'protobufjs';
import { anyToJson, decodeAuditLog, formatTimestamp, logEntryToJson, registerPayloadTypes } from '../../../src/sources/gcp-audit/auditlog';
import { encodeAny, logEntryObject, protos } from './fake-logging';
import { AUDIT_LOG, dataset, type JsonObject, setIamPolicyEntry, systemEventEntry } from './fixtures';

describe('AuditLog decoding', () => {
  it('decodes AuditLog bytes built field by field into proto3 JSON, Structs as plain objects', () => {
    const root = protos();
    const AuditLog = root.lookupType('google.cloud.audit.AuditLog');
    const AuditData = root.lookupType('google.iam.v1.logging.AuditData');
    const serviceData = AuditData.encode(AuditData.fromObject({ policyDelta: { bindingDeltas: [{ action: 1, role: 'roles/owner', member: 'user:mallory.ext@gmail.com' }] } })).finish();
    const message = AuditLog.fromObject({
      serviceName: 'cloudresourcemanager.googleapis.com',
      methodName: 'SetIamPolicy',
      resourceName: 'projects/acme-ml-prod',
      status: { code: 7, message: 'denied' },
      authenticationInfo: { principalEmail: 'alice@example.com', serviceAccountDelegationInfo: [{ firstPartyPrincipal: { principalEmail: 'bob@example.com' } }] },
      authorizationInfo: [{ resource: 'projects/acme-ml-prod', permission: 'resourcemanager.projects.setIamPolicy', granted: true, permissionType: 1 }],
      requestMetadata: { callerIp: '198.51.100.23', requestAttributes: { time: { seconds: 1773480003, nanos: 503162000 } } },
      request: {
        fields: {
          '@type': { stringValue: 'type.googleapis.com/google.iam.v1.SetIamPolicyRequest' },
          resource: { stringValue: 'acme-ml-prod' },
          policy: { structValue: { fields: { version: { numberValue: 3 }, bindings: { listValue: { values: [{ structValue: { fields: { role: { stringValue: 'roles/owner' } } } }] } } } } },
          dryRun: { boolValue: false },
          etag: { nullValue: 0 },
        },
      },
      serviceData: { type_url: 'type.googleapis.com/google.iam.v1.logging.AuditData', value: serviceData },
    });
    const json = decodeAuditLog(AuditLog.encode(message).finish());
    expect(json).toEqual({
      '@type': AUDIT_LOG,
      serviceName: 'cloudresourcemanager.googleapis.com',
      methodName: 'SetIamPolicy',
      resourceName: 'projects/acme-ml-prod',
      status: { code: 7, message: 'denied' },
      authenticationInfo: { principalEmail: 'alice@example.com', serviceAccountDelegationInfo: [{ firstPartyPrincipal: { principalEmail: 'bob@example.com' } }] },
      authorizationInfo: [{ resource: 'projects/acme-ml-prod', permission: 'resourcemanager.projects.setIamPolicy', granted: true, permissionType: 'ADMIN_READ' }],
      requestMetadata: { callerIp: '198.51.100.23', requestAttributes: { time: '2026-03-14T09:20:03.503162Z' } },
      request: {
        '@type': 'type.googleapis.com/google.iam.v1.SetIamPolicyRequest',
        resource: 'acme-ml-prod',
        policy: { version: 3, bindings: [{ role: 'roles/owner' }] },
        dryRun: false,
        etag: null,
      },
      serviceData: {
        '@type': 'type.googleapis.com/google.iam.v1.logging.AuditData',
        policyDelta: { bindingDeltas: [{ action: 'ADD', role: 'roles/owner', member: 'user:mallory.ext@gmail.com' }] },
      },
    });
  });

  it('gives back every fixture payload exactly after encoding it as real Any bytes', () => {
    for (const entry of [...dataset(), systemEventEntry()]) {
      const payload = entry.protoPayload as JsonObject;
      const any = encodeAny(payload);
      expect(any.type_url).toBe(AUDIT_LOG);
      expect(anyToJson(any.type_url, any.value)).toEqual(payload);
    }
  });

  it('turns a LogEntry as the client library returns it into the JSON a sink writes', () => {
    const json = setIamPolicyEntry('2026-03-14T09:20:03.418263001Z');
    // what the library hands back: protobufjs object form, longs as strings, enums by name, Any as bytes
    const sdkShaped = protos().lookupType('google.logging.v2.LogEntry').toObject(protos().lookupType('google.logging.v2.LogEntry').fromObject(logEntryObject(json)), {
      longs: String,
      enums: String,
      defaults: true,
      oneofs: true,
    });
    expect(sdkShaped.timestamp).toEqual({ seconds: '1773480003', nanos: 418263001 });
    expect(Buffer.isBuffer((sdkShaped.protoPayload as { value: unknown }).value) || (sdkShaped.protoPayload as { value: unknown }).value instanceof Uint8Array).toBe(true);
    expect(logEntryToJson(sdkShaped)).toEqual(json);
  });

  it('keeps the bytes of a payload type it does not know, with its @type', () => {
    const value = Uint8Array.from([8, 1]);
    expect(anyToJson('type.googleapis.com/example.Unknown', value)).toEqual({ '@type': 'type.googleapis.com/example.Unknown', value: 'CAE=' });
  });

  it('fails on corrupted AuditLog bytes (counted as malformed by the source)', () => {
    expect(() => decodeAuditLog(Uint8Array.from([0x0a, 0xff, 0xff, 0xff, 0x0f, 0x01]))).toThrow();
  });

  it('formats timestamps with 0, 3, 6 or 9 fractional digits', () => {
    expect(formatTimestamp(1773480003, 0)).toBe('2026-03-14T09:20:03Z');
    expect(formatTimestamp(1773480003, 418000000)).toBe('2026-03-14T09:20:03.418Z');
    expect(formatTimestamp(1773480003, 418263000)).toBe('2026-03-14T09:20:03.418263Z');
    expect(formatTimestamp(1773480003, 418263001)).toBe('2026-03-14T09:20:03.418263001Z');
  });

  it('teaches a REST root the payload types without replacing what it has, and only once', () => {
    const dir = path.dirname(getProtoPath());
    const restRoot = new protobuf.Root();
    restRoot.resolvePath = (_o, t) => (path.isAbsolute(t) ? t : path.join(dir, t));
    restRoot.loadSync('google/logging/v2/logging.proto');
    restRoot.resolveAll();
    const logEntry = restRoot.lookupType('google.logging.v2.LogEntry');
    expect(restRoot.lookup('google.cloud.audit.AuditLog')).toBeNull();
    registerPayloadTypes(restRoot);
    registerPayloadTypes(restRoot);
    expect(restRoot.lookupType('google.logging.v2.LogEntry')).toBe(logEntry);
    // a message nested in another resolves on its own, as the REST parser resolves it
    expect(() => restRoot.lookupType('google.rpc.context.AttributeContext.Peer').resolveAll()).not.toThrow();
    const AuditLog = restRoot.lookupType('google.cloud.audit.AuditLog');
    const AuditData = restRoot.lookupType('google.iam.v1.logging.AuditData');
    // the added types work inside that root: encode with it, decode with ours
    const bytes = AuditLog.encode(
      AuditLog.fromObject({ methodName: 'SetIamPolicy', serviceData: { type_url: 'type.googleapis.com/google.iam.v1.logging.AuditData', value: AuditData.encode(AuditData.fromObject({})).finish() } }),
    ).finish();
    expect(decodeAuditLog(bytes)).toEqual({ '@type': AUDIT_LOG, methodName: 'SetIamPolicy', serviceData: { '@type': 'type.googleapis.com/google.iam.v1.logging.AuditData' } });
  });
});
