import type { ResourceRef } from '../../domain';
import { isJsonObject, type CloudTrailRecord, type JsonObject } from './record';

/** Target type of access keys, the thread the correlation layer follows from a key's creation to its use. */
export const ACCESS_KEY_TARGET = 'AccessKey';

/** Request parameters that name what the call acted on, with the resource type they name. */
const REQUEST_PARAMETER_TARGETS: ReadonlyArray<{ param: string; type: string }> = [
  { param: 'userName', type: 'AWS::IAM::User' },
  { param: 'roleArn', type: 'AWS::IAM::Role' },
  { param: 'roleName', type: 'AWS::IAM::Role' },
  { param: 'groupName', type: 'AWS::IAM::Group' },
  { param: 'policyArn', type: 'AWS::IAM::ManagedPolicy' },
  { param: 'policyName', type: 'AWS::IAM::Policy' },
  { param: 'accessKeyId', type: ACCESS_KEY_TARGET },
  { param: 'serialNumber', type: 'AWS::IAM::MFADevice' },
  { param: 'secretId', type: 'AWS::SecretsManager::Secret' },
  { param: 'bucketName', type: 'AWS::S3::Bucket' },
];

class TargetList {
  readonly items: ResourceRef[] = [];
  add(type: string, name: unknown, uid?: string): void {
    if (typeof name !== 'string' || name === '') return;
    if (this.items.some((t) => t.type === type && t.name === name)) return;
    this.items.push(uid ? { type, name, uid } : { type, name });
  }
}

function str(obj: JsonObject | undefined, key: string): string | undefined {
  const v = obj?.[key];
  return typeof v === 'string' && v !== '' ? v : undefined;
}

function child(obj: JsonObject | null | undefined, key: string): JsonObject | undefined {
  const v = obj?.[key];
  return isJsonObject(v) ? v : undefined;
}

/** What the call acted on: `resources[]`, the request parameters that name resources, and the credentials it issued. */
export function targetsOf(record: CloudTrailRecord): ResourceRef[] {
  const targets = new TargetList();
  for (const r of Array.isArray(record.resources) ? record.resources : []) {
    if (r && typeof r.ARN === 'string') targets.add(typeof r.type === 'string' ? r.type : 'AWS::Resource', r.ARN, r.ARN);
  }

  const params = isJsonObject(record.requestParameters) ? record.requestParameters : undefined;
  for (const { param, type } of REQUEST_PARAMETER_TARGETS) {
    const value = str(params, param);
    if (value) targets.add(type, value, value.startsWith('arn:') ? value : undefined);
  }
  const bucket = str(params, 'bucketName');
  const key = str(params, 'key');
  if (bucket && key) targets.add('AWS::S3::Object', `${bucket}/${key}`);

  const response = isJsonObject(record.responseElements) ? record.responseElements : undefined;
  // STS: the temporary key and the session it belongs to; later calls show the key as userIdentity.accessKeyId
  const credentials = child(response, 'credentials');
  const issuedKey = str(credentials, 'accessKeyId');
  if (issuedKey) targets.add(ACCESS_KEY_TARGET, issuedKey, issuedKey);
  const assumedArn = str(child(response, 'assumedRoleUser'), 'arn');
  if (assumedArn) targets.add('AWS::STS::AssumedRole', assumedArn, assumedArn);
  // IAM CreateAccessKey: the new long-term key and the user it belongs to (absent from the request when the
  // caller creates a key for itself)
  const accessKey = child(response, 'accessKey');
  const createdKey = str(accessKey, 'accessKeyId');
  if (createdKey) targets.add(ACCESS_KEY_TARGET, createdKey, createdKey);
  const keyUser = str(accessKey, 'userName');
  if (keyUser) targets.add('AWS::IAM::User', keyUser);
  return targets.items;
}
