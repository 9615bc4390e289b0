import type { LookupAttribute } from '@aws-sdk/client-cloudtrail';
import type { PushedFilter } from '../../domain';
import { parseAssumedRoleArn } from './actor';

/** Long-term (AKIA) and temporary (ASIA) access key ids. */
const ACCESS_KEY = /^(AKIA|ASIA)[A-Z0-9]{12,124}$/;
const IAM_USER_ARN = /^arn:aws[a-z-]*:iam::\d*:user\/(?:.*\/)?([^/]+)$/;

/** The one lookup attribute a query sends, and why a pushed filter was not sent (the engine filters locally). */
export interface LookupPlan {
  attribute?: LookupAttribute;
  notes: string[];
}

/**
 * LookupEvents' `Username` is the IAM user name or the role session name, not an ARN: turn the identity
 * aliases CloudTrail understands into the attribute that matches them, and send nothing (a broader request)
 * for those it cannot match, since an upstream filter may be broader than the query, never narrower.
 */
function identityAttribute(value: string): LookupAttribute | undefined {
  if (ACCESS_KEY.test(value)) return { AttributeKey: 'AccessKeyId', AttributeValue: value };
  const user = value.match(IAM_USER_ARN);
  if (user) return { AttributeKey: 'Username', AttributeValue: user[1] };
  const session = parseAssumedRoleArn(value);
  if (session) return { AttributeKey: 'Username', AttributeValue: session.session };
  // role ARNs, principal ids, other ARNs: no attribute names them
  if (value.startsWith('arn:')) return undefined;
  return { AttributeKey: 'Username', AttributeValue: value };
}

/** `iam:CreateAccessKey` -> `CreateAccessKey`; the engine re-checks the service prefix on what comes back. */
export function eventNameOf(action: string): string {
  const i = action.indexOf(':');
  return i >= 0 ? action.slice(i + 1) : action;
}

/** The lookup attribute for the pushed filter: LookupEvents takes one, so only the first pushed field is sent. */
export function lookupPlanFor(filter: PushedFilter): LookupPlan {
  const notes: string[] = [];
  const identity = filter.identity ?? [];
  const action = filter.action ?? [];
  if (identity.length > 0) {
    if (action.length > 0) notes.push('LookupEvents takes one lookup attribute: action is filtered locally');
    if (identity.length > 1) {
      notes.push(`LookupEvents takes one Username: ${identity.length} identities are filtered locally`);
      return { notes };
    }
    const attribute = identityAttribute(identity[0]);
    if (!attribute) notes.push(`no lookup attribute matches ${identity[0]}: identity is filtered locally`);
    return { attribute, notes };
  }
  if (action.length > 0) {
    if (action.length > 1) {
      notes.push(`LookupEvents takes one EventName: ${action.length} actions are filtered locally`);
      return { notes };
    }
    return { attribute: { AttributeKey: 'EventName', AttributeValue: eventNameOf(action[0]) }, notes };
  }
  return { notes };
}
