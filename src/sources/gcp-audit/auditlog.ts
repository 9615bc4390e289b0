import * as path from 'node:path';
import { getProtoPath } from 'google-proto-files';
import * as protobuf from 'protobufjs';
import type { JsonValue } from '../../domain';

/**
 * Decoding of Cloud Audit Logs payloads. The client library hands `protoPayload` back as a `google.protobuf.Any`
 * (`{type_url, value}` bytes) over gRPC, and over REST cannot even parse it ("cannot find type
 * google.cloud.audit.AuditLog", googleapis/nodejs-logging #785, #991). This module loads the AuditLog protos
 * from google-proto-files and turns an Any, or a whole LogEntry as the SDK returns it, into proto3 JSON: the
 * same JSON the REST API documents and a Cloud Storage sink writes, so one normalizer serves every mode.
 */

export type JsonObject = { [key: string]: JsonValue };

const PROTO_FILES = [
  'google/logging/v2/log_entry.proto',
  'google/cloud/audit/audit_log.proto',
  // `AuditLog.serviceData` is deprecated but still written, e.g. IAM's policy delta on every SetIamPolicy
  'google/iam/v1/logging/audit_data.proto',
  'google/cloud/bigquery/logging/v1/audit_data.proto',
  'google/appengine/legacy/audit_data.proto',
  'google/appengine/v1/audit_data.proto',
];

let loaded: protobuf.Root | undefined;

/** The protobufjs root holding LogEntry, AuditLog and the known `serviceData` types, loaded once. */
export function payloadRoot(): protobuf.Root {
  if (!loaded) {
    // getProtoPath() is `<package>/google`; imports are written from the package root (`google/...`)
    const protoDir = path.dirname(getProtoPath());
    const root = new protobuf.Root();
    root.resolvePath = (_origin, target) => (path.isAbsolute(target) ? target : path.join(protoDir, target));
    root.loadSync(PROTO_FILES);
    root.resolveAll();
    loaded = root;
  }
  return loaded;
}

/** An Any's bytes as proto3 JSON, with `@type` kept. A type these protos do not know keeps its bytes in `value` (base64). */
export function anyToJson(typeUrl: string, value: Uint8Array): JsonObject {
  const typeName = typeUrl.slice(typeUrl.lastIndexOf('/') + 1);
  const found = payloadRoot().lookup(typeName, [protobuf.Type]);
  if (!(found instanceof protobuf.Type)) return { '@type': typeUrl, value: Buffer.from(value).toString('base64') };
  const json = messageToJson(found, found.decode(value) as unknown as Fields);
  // well-known types with their own JSON form are wrapped in `value` (proto3 JSON mapping of Any)
  if (WELL_KNOWN[found.fullName]) return { '@type': typeUrl, value: json };
  return { '@type': typeUrl, ...(json as JsonObject) };
}

/** `google.cloud.audit.AuditLog` bytes as JSON (camelCase, Structs as plain objects, `@type` kept). */
export function decodeAuditLog(value: Uint8Array): JsonObject {
  return anyToJson('type.googleapis.com/google.cloud.audit.AuditLog', value);
}

/**
 * A LogEntry as the SDK returns it (protobufjs object form: `{seconds, nanos}` timestamps, enum names, the
 * payload as `{type_url, value}`), over gRPC or REST alike, as proto3 JSON with the payload decoded.
 */
export function logEntryToJson(entry: object): JsonObject {
  const type = payloadRoot().lookupType('google.logging.v2.LogEntry');
  const message = type.fromObject(entry as Record<string, unknown>);
  return messageToJson(type, message as unknown as Fields) as JsonObject;
}

/** A protobufjs namespace from any copy of protobufjs (the SDK's REST transport has its own). */
export interface ProtoNamespaceLike {
  nested?: Record<string, unknown>;
  addJSON(nested: Record<string, unknown>): unknown;
  resolveAll?(): unknown;
}

/**
 * Teaches a protobufjs root (the REST transport's) the payload types, so that it can parse `protoPayload`
 * JSON. Only names the root lacks are added: the root is shared by every client of the library.
 */
export function registerPayloadTypes(target: ProtoNamespaceLike): void {
  const json = payloadRoot().toJSON() as { nested?: Record<string, unknown> };
  mergeMissing(target, json.nested ?? {});
  // resolve from the root down: a message nested in another (AttributeContext.Peer) only gets its proto
  // edition from its parents, and the REST parser resolves such types on their own
  target.resolveAll?.();
}

function mergeMissing(target: ProtoNamespaceLike, nested: Record<string, unknown>): void {
  for (const [name, def] of Object.entries(nested)) {
    const existing = target.nested?.[name];
    if (existing === undefined) {
      target.addJSON({ [name]: def });
      continue;
    }
    const defNested = (def as { nested?: Record<string, unknown> }).nested;
    if (defNested && isPlainNamespace(def) && isPlainNamespace(existing) && isNamespaceLike(existing)) mergeMissing(existing, defNested);
  }
}

/** A namespace that is not itself a message, enum or service (those are taken as they are). */
function isPlainNamespace(node: unknown): boolean {
  const n = node as Record<string, unknown>;
  return n !== null && typeof n === 'object' && !('fields' in n) && !('values' in n) && !('methods' in n);
}

function isNamespaceLike(node: unknown): node is ProtoNamespaceLike {
  return typeof (node as { addJSON?: unknown }).addJSON === 'function';
}

// ---- proto3 JSON mapping over protobufjs reflection ----

type Fields = Record<string, unknown>;

function messageToJson(type: protobuf.Type, message: Fields): JsonValue {
  const special = WELL_KNOWN[type.fullName];
  if (special) return special(message);
  const out: JsonObject = {};
  for (const field of type.fieldsArray) {
    const value = message[field.name];
    if (value === undefined || value === null) continue;
    const key = protobuf.util.camelCase(field.name);
    if (field.map) {
      const entries = Object.entries(value as Record<string, unknown>);
      if (entries.length === 0) continue;
      const obj: JsonObject = {};
      for (const [k, v] of entries) obj[k] = fieldValueToJson(field, v);
      out[key] = obj;
    } else if (field.repeated) {
      const list = value as unknown[];
      if (list.length === 0) continue;
      out[key] = list.map((v) => fieldValueToJson(field, v));
    } else if (isPresent(field, value, message)) {
      out[key] = fieldValueToJson(field, value);
    }
  }
  return out;
}

/** proto3 JSON leaves out singular fields at their default, except members of a oneof (explicit presence). */
function isPresent(field: protobuf.Field, value: unknown, message: Fields): boolean {
  if (field.partOf) return Object.prototype.hasOwnProperty.call(message, field.name);
  if (field.resolvedType instanceof protobuf.Type) return true;
  if (value === '' || value === 0 || value === false) return false;
  if (value instanceof Uint8Array && value.length === 0) return false;
  if (isLong(value) && value.isZero()) return false;
  return true;
}

function fieldValueToJson(field: protobuf.Field, value: unknown): JsonValue {
  const resolved = field.resolvedType;
  if (resolved instanceof protobuf.Type) return messageToJson(resolved, value as Fields);
  if (resolved instanceof protobuf.Enum) return typeof value === 'number' ? (resolved.valuesById[value] ?? value) : String(value);
  return scalarToJson(field.type, value);
}

const INT64_TYPES = new Set(['int64', 'uint64', 'sint64', 'fixed64', 'sfixed64']);

function scalarToJson(protoType: string, value: unknown): JsonValue {
  if (protoType === 'bytes') return Buffer.from(value as Uint8Array).toString('base64');
  // proto3 JSON writes 64-bit integers as strings
  if (INT64_TYPES.has(protoType)) return String(value);
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  return value as JsonValue;
}

interface LongLike {
  isZero(): boolean;
  toString(): string;
}

function isLong(value: unknown): value is LongLike {
  return value !== null && typeof value === 'object' && typeof (value as LongLike).isZero === 'function';
}

function toNumber(value: unknown): number {
  return value === undefined || value === null ? 0 : Number(String(value));
}

/** RFC 3339 in UTC with 0, 3, 6 or 9 fractional digits, as proto3 JSON writes a Timestamp. */
export function formatTimestamp(seconds: number, nanos: number): string {
  const base = new Date(seconds * 1000).toISOString().slice(0, 19);
  if (nanos === 0) return `${base}Z`;
  const digits = String(nanos).padStart(9, '0');
  const fraction = nanos % 1_000_000 === 0 ? digits.slice(0, 3) : nanos % 1000 === 0 ? digits.slice(0, 6) : digits;
  return `${base}.${fraction}Z`;
}

/** `1.5s`, `-0.000001s`: seconds with 0, 3, 6 or 9 fractional digits (seconds and nanos share their sign). */
function formatDuration(seconds: number, nanos: number): string {
  const negative = seconds < 0 || nanos < 0;
  const s = Math.abs(seconds);
  const n = Math.abs(nanos);
  if (n === 0) return `${negative ? '-' : ''}${s}s`;
  const digits = String(n).padStart(9, '0');
  const fraction = n % 1_000_000 === 0 ? digits.slice(0, 3) : n % 1000 === 0 ? digits.slice(0, 6) : digits;
  return `${negative ? '-' : ''}${s}.${fraction}s`;
}

function own(message: Fields, ...names: string[]): unknown {
  for (const n of names) if (Object.prototype.hasOwnProperty.call(message, n)) return message[n];
  return undefined;
}

function structToJson(message: Fields): JsonValue {
  const out: JsonObject = {};
  for (const [k, v] of Object.entries((message.fields ?? {}) as Record<string, Fields>)) out[k] = valueToJson(v);
  return out;
}

function valueToJson(message: Fields): JsonValue {
  const kinds: [string[], (v: unknown) => JsonValue][] = [
    [['nullValue', 'null_value'], () => null],
    [['numberValue', 'number_value'], (v) => Number(v)],
    [['stringValue', 'string_value'], (v) => String(v)],
    [['boolValue', 'bool_value'], (v) => Boolean(v)],
    [['structValue', 'struct_value'], (v) => structToJson(v as Fields)],
    [['listValue', 'list_value'], (v) => listToJson(v as Fields)],
  ];
  for (const [names, convert] of kinds) {
    const v = own(message, ...names);
    if (v !== undefined) return convert(v);
  }
  return null;
}

function listToJson(message: Fields): JsonValue {
  return ((message.values ?? []) as Fields[]).map(valueToJson);
}

const wrapper = (convert: (v: unknown) => JsonValue) => (m: Fields) => convert(m.value ?? 0);

/** Well-known types whose proto3 JSON form is not an object of their fields. */
const WELL_KNOWN: Record<string, (message: Fields) => JsonValue> = {
  '.google.protobuf.Struct': structToJson,
  '.google.protobuf.Value': valueToJson,
  '.google.protobuf.ListValue': listToJson,
  '.google.protobuf.Timestamp': (m) => formatTimestamp(toNumber(m.seconds), toNumber(m.nanos)),
  '.google.protobuf.Duration': (m) => formatDuration(toNumber(m.seconds), toNumber(m.nanos)),
  '.google.protobuf.Any': (m) => {
    const typeUrl = String(own(m, 'type_url', 'typeUrl') ?? '');
    const value = (m.value ?? new Uint8Array()) as Uint8Array;
    return typeUrl ? anyToJson(typeUrl, value) : {};
  },
  '.google.protobuf.Empty': () => ({}),
  '.google.protobuf.FieldMask': (m) => ((m.paths ?? []) as string[]).map((p) => protobuf.util.camelCase(p)).join(','),
  '.google.protobuf.DoubleValue': wrapper((v) => scalarToJson('double', v)),
  '.google.protobuf.FloatValue': wrapper((v) => scalarToJson('float', v)),
  '.google.protobuf.Int64Value': wrapper((v) => String(v)),
  '.google.protobuf.UInt64Value': wrapper((v) => String(v)),
  '.google.protobuf.Int32Value': wrapper((v) => Number(v)),
  '.google.protobuf.UInt32Value': wrapper((v) => Number(v)),
  '.google.protobuf.BoolValue': (m) => Boolean(m.value),
  '.google.protobuf.StringValue': (m) => String(m.value ?? ''),
  '.google.protobuf.BytesValue': (m) => Buffer.from((m.value ?? new Uint8Array()) as Uint8Array).toString('base64'),
};
