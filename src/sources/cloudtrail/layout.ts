/**
 * CloudTrail's S3 layout, read in a local folder:
 *   AWSLogs/[<org-id>/]<account>/CloudTrail/<region>/YYYY/MM/DD/<account>_CloudTrail_<region>_YYYYMMDDTHHmmZ_<id>.json.gz
 * The date folders and the time in the name are the file's delivery time (UTC, to the minute); its records are
 * up to a delivery lag older than that.
 */

import type { TimeWindow } from '../../domain';
import type { Ignore } from '../shared/walk';

const MINUTE_MS = 60_000;
export const ACCOUNT = /^\d{12}$/;
const ORG_ID = /^o-[a-z0-9]{10,32}$/;
/**
 * `<account>_CloudTrail_<region>_<YYYYMMDDTHHmmZ>_<unique>.json.gz`. AWS: the unique string "has no meaning, and log
 * processing software should ignore it", so anything may follow the time; the content (gzip or not, JSON) is read
 * for what it is. The account is taken as it is written, like the account folder.
 */
const FILE_NAME = /^([^_/]+)_CloudTrail_([A-Za-z0-9-]+)_(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})Z(?:[_.].*)?$/;
const REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;
export const NOT_A_TRAIL_FILE = 'not a CloudTrail log file name: <account>_CloudTrail_<region>_<YYYYMMDDTHHmmZ>_<unique>.json.gz';

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

export type FolderVerdict = 'descend' | 'prune' | Ignore;

/**
 * Whether to list a folder (path relative to the AWSLogs folder): other accounts and regions than configured, and
 * whole years, months and days no file of the window can sit in, are pruned; so are CloudTrail's digest and
 * Insights folders (other record shapes). Any folder name is taken as an account (a copy may have renamed it);
 * folders that fit nowhere in the layout are ignored, with why.
 */
export function shouldDescend(relDir: string, filter: LayoutFilter): FolderVerdict {
  const segments = relDir.split('/');
  const a = accountIndex(segments)!;
  if (segments.length === 1 && a === 1) return 'descend'; // the org-id folder
  const account = segments[a];
  if (account === undefined) return 'descend';
  if (filter.accounts.size > 0 && !filter.accounts.has(account)) return 'prune';
  const service = segments[a + 1];
  if (service === undefined) return 'descend';
  if (service === 'CloudTrail-Digest' || service === 'CloudTrail-Insight') return 'prune';
  if (service !== 'CloudTrail') return { ignore: 'not CloudTrail, CloudTrail-Digest or CloudTrail-Insight' };
  const region = segments[a + 2];
  if (region === undefined) return 'descend';
  if (!REGION.test(region)) return { ignore: 'not an AWS region' };
  if (filter.regions.size > 0 && !filter.regions.has(region)) return 'prune';
  if (segments.length > a + 6) return { ignore: 'a folder below the YYYY/MM/DD day folders' };
  const [y, m, d] = segments.slice(a + 3, a + 6).map((s) => (/^\d+$/.test(s) ? Number(s) : NaN));
  if (y === undefined) return 'descend';
  if (Number.isNaN(y) || (m !== undefined && (Number.isNaN(m) || m < 1 || m > 12)) || (d !== undefined && (Number.isNaN(d) || d < 1 || d > 31))) {
    return { ignore: 'not a YYYY/MM/DD date folder' };
  }
  const meets = (start: number, end: number) => (dateRangeMeets(filter, start, end) ? 'descend' : 'prune');
  if (m === undefined) return meets(Date.UTC(y, 0, 1), Date.UTC(y + 1, 0, 1));
  if (d === undefined) return meets(Date.UTC(y, m - 1, 1), Date.UTC(y, m, 1));
  return meets(Date.UTC(y, m - 1, d), Date.UTC(y, m - 1, d + 1));
}

/** The account folder of a path below AWSLogs, when it is not a 12-digit account id (read anyway, and said). */
export function oddAccountFolder(relDir: string): string | undefined {
  const segments = relDir.split('/');
  const a = accountIndex(segments)!;
  if (segments.length !== a + 1) return undefined;
  return ACCOUNT.test(segments[a]) ? undefined : relDir;
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
