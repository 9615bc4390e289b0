import * as path from 'node:path';
import { checkPlausibleTime, recordMalformed, type AuditEvent, type SourceStats } from '../../domain';
import { readLines } from '../shared/files';
import { stringsOf, type Prefilter, type PrefilterSpec } from '../shared/prefilter';
import { capRaw } from '../shared/raw';
import type { ExportPartition } from './layout';
import { normalizeExportRecord } from './normalize';

/**
 * The events of one `PT1H.json`: JSON Lines, one record a line (the format since November 2018). A line holding
 * `{"records":[…]}` (the format before, and Event Hubs') is read as its records. Lines that do not parse or
 * normalize are counted as malformed, with file and line.
 */
export async function* readExportFile(
  root: string,
  partition: ExportPartition,
  ctx: { sourceId: string; signal: AbortSignal; stats: SourceStats; maxRawBytes: number; prefilter?: Prefilter; text?: { bytes: number } },
): AsyncGenerator<AuditEvent> {
  ctx.stats.requests += 1;
  ctx.stats.partitionsRead += 1;
  const normalizeContext = { sourceId: ctx.sourceId, subscriptionId: partition.subscriptionId };
  for await (const { line, lineNo } of readLines(path.join(root, partition.relPath), partition.relPath, ctx.stats, ctx.signal)) {
    if (line.trim() === '') continue;
    if (ctx.text) ctx.text.bytes += line.length;
    const where = `${partition.relPath}:${lineNo}`;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch (err) {
      ctx.stats.scanned += 1;
      recordMalformed(ctx.stats, where, `not JSON: ${(err as Error).message}`);
      continue;
    }
    const records = recordsOf(parsed);
    for (const record of records) {
      ctx.stats.scanned += 1;
      if (ctx.prefilter && !ctx.prefilter.mayMatchStrings(filterStrings(record))) {
        ctx.stats.prefiltered += 1;
        continue;
      }
      let event: AuditEvent;
      try {
        event = normalizeExportRecord(record, normalizeContext);
      } catch (err) {
        recordMalformed(ctx.stats, where, (err as Error).message);
        continue;
      }
      checkPlausibleTime(ctx.stats, event.time.getTime(), where);
      // one line may wrap many records (`{"records": [...]}`): each is sized on its own then
      yield records.length === 1 ? capRaw(event, line, line.length, ctx.maxRawBytes, ctx.stats) : capRaw(event, () => JSON.stringify(record), line.length, ctx.maxRawBytes, ctx.stats);
    }
  }
}

function recordsOf(parsed: unknown): unknown[] {
  const wrapped = parsed as { records?: unknown; time?: unknown } | null;
  if (wrapped && typeof wrapped === 'object' && Array.isArray(wrapped.records) && wrapped.time === undefined) return wrapped.records;
  return [parsed];
}

/**
 * What the normalizer makes actor names and the source IP of an export record from (normalize.ts): `caller`,
 * `identity` (the token's claims: upn, object id, app id; the authorization evidence's principal), each trimmed,
 * and `callerIpAddress`. The one name it makes up is `unknown` (a record naming nobody).
 */
export const PREFILTER: PrefilterSpec = {
  fields: ['identity', 'sourceIp'],
  madeUpNames: ['unknown'],
  skips: 'a record whose caller, identity and callerIpAddress hold',
  stage: 'before it is normalized',
};

/** Every string of those fields, for `Prefilter.mayMatchStrings`. */
function filterStrings(record: unknown): string[] {
  if (record === null || typeof record !== 'object' || Array.isArray(record)) return [];
  const r = record as Record<string, unknown>;
  return stringsOf(r.caller, r.identity, r.callerIpAddress);
}
