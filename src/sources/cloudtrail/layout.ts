/**
 * CloudTrail's S3 layout, read in a local folder:
 *   AWSLogs/[<org-id>/]<account>/CloudTrail/<region>/YYYY/MM/DD/<account>_CloudTrail_<region>_YYYYMMDDTHHmmZ_<id>.json.gz
 * The date folders and the time in the name are the file's delivery time (UTC, to the minute); its records are
 * up to a delivery lag older than that.
 */

import type { TimeWindow } from '../../domain';

const MINUTE_MS = 60_000;
const ACCOUNT = /^\d{12}$/;
const ORG_ID = /^o-[a-z0-9]{10,32}$/;
const FILE_NAME = /^(\d{12})_CloudTrail_([a-z0-9-]+)_(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})Z_[A-Za-z0-9]+\.json(\.gz)?$/;

export interface TrailFile {
  /** path relative to the `AWSLogs` folder's parent, with `/` separators */
  path: string;
  account: string;
  region: string;
  /** the delivery time in the name */
  delivered: Date;
}

/** Which accounts, regions and delivery times are worth listing. */
export interface LayoutFilter {
  accounts: ReadonlySet<string>;
  regions: ReadonlySet<string>;
  /** delivery times that can hold a record of the window: (from, to + lag) widened to the minute */
  delivered: { from: number; to: number };
}

/**
 * The span of records a file delivered at `delivered` can hold: [delivered - lag, delivered + 1 min). The extra
 * minute covers the name's truncation to the minute.
 */
export function recordSpan(delivered: Date, lagMinutes: number): { from: number; to: number } {
  const t = delivered.getTime();
  return { from: t - lagMinutes * MINUTE_MS, to: t + MINUTE_MS };
}

export function layoutFilter(window: TimeWindow, lagMinutes: number, accounts: readonly string[], regions: readonly string[]): LayoutFilter {
  return {
    accounts: new Set(accounts),
    regions: new Set(regions),
    // a file's span [T - lag, T + 1 min) meets [from, to) iff from - 1 min < T < to + lag
    delivered: { from: window.from.getTime() - MINUTE_MS, to: window.to.getTime() + lagMinutes * MINUTE_MS },
  };
}

function dateRangeMeets(filter: LayoutFilter, start: number, end: number): boolean {
  // delivery times inside the folder are in [start, end); candidates are in (from, to)
  return start < filter.delivered.to && end > filter.delivered.from;
}

/** Offset of the account segment below AWSLogs: organization trails put `<org-id>/` first. */
function accountIndex(segments: string[]): number | undefined {
  if (segments.length === 0) return undefined;
  if (ORG_ID.test(segments[0])) return 1;
  return 0;
}

/**
 * Whether to list a folder (path relative to the AWSLogs folder): skips other accounts and regions, CloudTrail's
 * digest and Insights folders, and whole years, months and days that no file of the window can sit in.
 */
export function shouldDescend(relDir: string, filter: LayoutFilter): boolean {
  const segments = relDir.split('/');
  const a = accountIndex(segments)!;
  if (segments.length === 1 && a === 1) return true; // the org-id folder
  const account = segments[a];
  if (account === undefined) return true;
  if (!ACCOUNT.test(account)) return false;
  if (filter.accounts.size > 0 && !filter.accounts.has(account)) return false;
  const service = segments[a + 1];
  if (service === undefined) return true;
  if (service !== 'CloudTrail') return false; // CloudTrail-Digest, CloudTrail-Insight: other record shapes
  const region = segments[a + 2];
  if (region === undefined) return true;
  if (filter.regions.size > 0 && !filter.regions.has(region)) return false;
  const [y, m, d] = segments.slice(a + 3, a + 6).map((s) => (/^\d+$/.test(s) ? Number(s) : NaN));
  if (segments.length > a + 6) return false;
  if (y === undefined) return true;
  if (Number.isNaN(y)) return false;
  if (m === undefined) return dateRangeMeets(filter, Date.UTC(y, 0, 1), Date.UTC(y + 1, 0, 1));
  if (Number.isNaN(m)) return false;
  if (d === undefined) return dateRangeMeets(filter, Date.UTC(y, m - 1, 1), Date.UTC(y, m, 1));
  if (Number.isNaN(d)) return false;
  return dateRangeMeets(filter, Date.UTC(y, m - 1, d), Date.UTC(y, m - 1, d + 1));
}

/** A trail log file's account, region and delivery time, from its name; undefined for anything else. */
export function parseTrailFile(relPath: string): TrailFile | undefined {
  const name = relPath.slice(relPath.lastIndexOf('/') + 1);
  const m = name.match(FILE_NAME);
  if (!m) return undefined;
  const [, account, region, y, mo, d, h, mi] = m;
  const delivered = new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi)));
  if (Number.isNaN(delivered.getTime())) return undefined;
  return { path: relPath, account, region, delivered };
}

/** Whether a listed file can hold a record of the window, and is of an account and region asked for. */
export function fileSelected(file: TrailFile, filter: LayoutFilter): boolean {
  if (filter.accounts.size > 0 && !filter.accounts.has(file.account)) return false;
  if (filter.regions.size > 0 && !filter.regions.has(file.region)) return false;
  const t = file.delivered.getTime();
  return t > filter.delivered.from && t < filter.delivered.to;
}
