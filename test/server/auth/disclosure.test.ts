import { buildAuditgraphSchema } from '../../../src/schema/build';
import { hideLocations, maskCredentials, OPERATIONAL_FIELDS, PathHider } from '../../../src/server/auth/disclosure';
import type { Source } from '../../../src/domain';

const source = (location: string) => ({ location }) as Source;

describe('what callers without an admin role see of locations', () => {
  const hider = new PathHider([source('/srv/audit/cloudtrail (CloudTrail S3 layout, delivery lag 15 min)'), source('/var/log/kubernetes/audit.log and its rotated backups'), source('https://corp.okta.com')]);

  it.each([
    ['/srv/audit/cloudtrail (CloudTrail S3 layout, delivery lag 15 min)', '…/cloudtrail (CloudTrail S3 layout, delivery lag 15 min)'],
    ['CloudTrail log files under /srv/audit/cloudtrail/AWSLogs, e.g. 1111/CloudTrail/x.json.gz', 'CloudTrail log files under …/cloudtrail/AWSLogs, e.g. 1111/CloudTrail/x.json.gz'],
    ['NOT_FOUND: /srv/audit/cloudtrail-old does not exist', 'NOT_FOUND: …/cloudtrail-old does not exist'],
    ['no audit log files in /var/log/kubernetes/audit.log and its rotated backups', 'no audit log files in …/audit.log and its rotated backups'],
    ['cannot read /home/ops/.kube/ca.pem: EACCES', 'cannot read …/ca.pem: EACCES'],
    // API paths and URLs are not the server's filesystem
    ['GET https://corp.okta.com/api/v1/logs answered 429', 'GET https://corp.okta.com/api/v1/logs answered 429'],
    ['requestURI /api/v1/namespaces/ml/secrets', 'requestURI /api/v1/namespaces/ml/secrets'],
    ['1/3 files', '1/3 files'],
  ])('%s', (text, shown) => {
    expect(hider.hide(text)).toBe(shown);
  });

  it('masks credentials in URLs, for every caller', () => {
    expect(maskCredentials('https://bob:hunter2@flyte.corp/api and https://tok@flyte.corp')).toBe('https://***@flyte.corp/api and https://***@flyte.corp');
    expect(maskCredentials('https://acct.blob.core.windows.net/c?sv=2022&sig=abc%2Fdef&se=x')).toBe('https://acct.blob.core.windows.net/c?sv=2022&sig=***&se=x');
  });

  it('knows every field it hides paths in (a renamed field is a start-up error, not a leak)', async () => {
    const schema = await buildAuditgraphSchema();
    expect(() => hideLocations(schema, hider)).not.toThrow();
    expect(OPERATIONAL_FIELDS.length).toBeGreaterThan(5);
  });
});
