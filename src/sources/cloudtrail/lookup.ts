import type { LookupAttribute } from '@aws-sdk/client-cloudtrail';
import { actionPatternParts, type PushdownTranslation, type PushedFilter } from '../../domain';
import { broadly, exactly, keptLocal } from '../shared/pushdown';

/**
 * LookupEvents takes one lookup attribute and matches its value exactly, with case. The engine matches identities
 * and actions without case, and actions by pattern, so a value is sent only where case cannot matter:
 * - identity: an access key id (`AKIA…`/`ASIA…`, always upper case) as `AccessKeyId`; a user or session name
 *   (`Username`) can be spelled with any capitals, so it is filtered locally;
 * - action: `<service>:<name or pattern>` as `EventSource=<service>.amazonaws.com` (event sources are lower-case
 *   host names): exact for `iam:*`, broader for one call of the service (the name is re-checked here). A bare event
 *   name (`CreateUser`) is filtered locally: `EventName` would miss `createuser` typed for `CreateUser`.
 */

/** Long-term (AKIA) and temporary (ASIA) access key ids, written in upper case. */
const ACCESS_KEY = /^(AKIA|ASIA)[A-Z0-9]{12,124}$/i;
/** An IAM policy service prefix: `iam`, `s3`, `sso-directory`. */
const SERVICE = /^[a-z0-9][a-z0-9-]*$/i;

/** The one lookup attribute a query sends, and why a pushed filter was not sent (the engine filters locally). */
export interface LookupPlan {
  attribute?: LookupAttribute;
  notes: string[];
}

type Sent = { attribute: LookupAttribute; translation: PushdownTranslation } | { attribute?: undefined; translation: PushdownTranslation };

const shown = (a: LookupAttribute) => `LookupAttributes[${a.AttributeKey}=${a.AttributeValue}]`;

export function identityLookup(values: readonly string[]): Sent {
  if (values.length !== 1) return { translation: keptLocal(`LookupEvents takes one attribute value; ${values.length} identities are filtered locally`) };
  const v = values[0];
  if (!ACCESS_KEY.test(v)) {
    return {
      translation: keptLocal(
        'LookupEvents matches Username with case and auditgraph matches identities without case; only an access key id (AccessKeyId, always upper case) is sent',
      ),
    };
  }
  const attribute: LookupAttribute = { AttributeKey: 'AccessKeyId', AttributeValue: v.toUpperCase() };
  return { attribute, translation: exactly(shown(attribute)) };
}

/** `iam:CreateAccessKey` -> `iam`; undefined for a bare name or a pattern in the service part. */
function serviceOfAction(action: string): { service: string; rest: string } | undefined {
  const i = action.indexOf(':');
  if (i <= 0) return undefined;
  const service = action.slice(0, i);
  return SERVICE.test(service) ? { service: service.toLowerCase(), rest: action.slice(i + 1) } : undefined;
}

export function actionLookup(values: readonly string[]): Sent {
  const parsed = values.map(serviceOfAction);
  if (parsed.some((p) => p === undefined)) {
    return { translation: keptLocal('only a `<service>:…` action can be sent (as its EventSource); EventName matches with case, auditgraph does not') };
  }
  const services = new Set(parsed.map((p) => p!.service));
  if (services.size > 1) return { translation: keptLocal(`LookupEvents takes one attribute value; ${services.size} services are filtered locally`) };
  const [service] = services;
  const attribute: LookupAttribute = { AttributeKey: 'EventSource', AttributeValue: `${service}.amazonaws.com` };
  const wholeService = parsed.some((p) => actionPatternParts(p!.rest).pieces.length === 0);
  if (wholeService) return { attribute, translation: exactly(shown(attribute)) };
  return { attribute, translation: broadly(shown(attribute), `every ${service} call; the event name is matched here, without case`) };
}

/** The lookup attribute for the pushed filter: identity if it can be sent, else action; LookupEvents takes one. */
export function lookupPlanFor(filter: PushedFilter): LookupPlan {
  const notes: string[] = [];
  const identity = filter.identity?.length ? identityLookup(filter.identity) : undefined;
  const action = filter.action?.length ? actionLookup(filter.action) : undefined;
  if (identity && !identity.attribute && !identity.translation.pushed) notes.push(`identity not sent upstream: ${identity.translation.why}`);
  if (identity?.attribute) {
    if (action) notes.push('LookupEvents takes one lookup attribute: action is filtered locally');
    return { attribute: identity.attribute, notes };
  }
  if (action && !action.attribute && !action.translation.pushed) notes.push(`action not sent upstream: ${action.translation.why}`);
  return { attribute: action?.attribute, notes };
}
