/**
 * The two shapes the Azure activity log comes in, typed by the fields auditgraph reads.
 *
 * - `RestEventData`: what `GET /subscriptions/{id}/providers/Microsoft.Insights/eventtypes/management/values`
 *   returns (api-version 2015-04-01), one object per event in `value[]`.
 * - `ExportRecord`: what a diagnostic setting writes to a storage account (`PT1H.json`, one JSON object a line),
 *   in the resource-log schema: `time`, `operationName` as a plain string, `resultType`/`resultSignature` instead of
 *   `status`/`subStatus`, `identity{authorization, claims}` instead of `authorization`/`claims`, and no `caller`
 *   and no `eventDataId`.
 */

export interface LocalizableString {
  value?: string | null;
  localizedValue?: string | null;
}

/** Who the role assignment that allowed the call was for (export schema, sometimes REST too). */
export interface AuthorizationEvidence {
  role?: string;
  roleAssignmentScope?: string;
  roleAssignmentId?: string;
  roleDefinitionId?: string;
  principalId?: string;
  principalType?: string;
}

export interface SenderAuthorization {
  action?: string;
  role?: string;
  scope?: string;
  evidence?: AuthorizationEvidence;
}

export type Claims = Record<string, string>;

export interface RestEventData {
  authorization?: SenderAuthorization;
  caller?: string;
  claims?: Claims;
  correlationId?: string;
  description?: string;
  eventDataId?: string;
  eventName?: LocalizableString;
  category?: LocalizableString;
  httpRequest?: { clientRequestId?: string; clientIpAddress?: string; method?: string; uri?: string };
  id?: string;
  level?: string;
  operationId?: string;
  operationName?: LocalizableString;
  resourceGroupName?: string;
  resourceProviderName?: LocalizableString;
  resourceType?: LocalizableString;
  resourceId?: string;
  status?: LocalizableString;
  subStatus?: LocalizableString;
  eventTimestamp?: string;
  submissionTimestamp?: string;
  subscriptionId?: string;
  tenantId?: string;
  properties?: Record<string, string>;
}

export interface ExportRecord {
  time?: string;
  resourceId?: string;
  operationName?: string;
  category?: string;
  resultType?: string;
  resultSignature?: string;
  resultDescription?: string;
  durationMs?: number | string;
  callerIpAddress?: string;
  /** not in the documented export schema; read when a pipeline adds it */
  caller?: string;
  correlationId?: string;
  identity?: { authorization?: SenderAuthorization; claims?: Claims };
  level?: string;
  location?: string;
  properties?: Record<string, unknown>;
  tenantId?: string;
}

/** The page body of the REST list call, as read from the wire. */
export interface RestEventDataPage {
  value?: unknown[];
  nextLink?: string;
}
