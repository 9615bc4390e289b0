import { familiesOf, selectFiles, JITTER_MS } from '../../../src/sources/k8s-audit/layout';
import { cheapIdentity, cheapLineTimes, parseTimestamp } from '../../../src/sources/k8s-audit/time';
import { T0, HOUR, backupName, stageRecord } from './fixtures';

describe('parseTimestamp', () => {
  it.each([
    '2026-03-14T09:06:12.123456Z',
    '2026-03-14T09:06:12Z',
    '2026-03-14T09:06:12.1Z',
    '2026-03-14T09:06:12.12Z',
    '2024-02-29T23:59:59.999Z',
    '1999-12-31T00:00:00.000000Z',
    '2100-03-01T00:00:00.5Z',
    '2026-03-14T09:06:12+02:00',
    '2026-03-14T09:06:12.250-05:30',
  ])('reads %s as Date.parse does (to the millisecond)', (value) => {
    expect(parseTimestamp(value)).toBe(Date.parse(value));
  });

  it.each(['2026-13-14T09:06:12Z', '2026-03-14T09:06:12.Z', '2026-03-14T09:06:12.12a4Z', 'yesterday', '2026-03-14', '', 'x026-03-14T09:06:12Z'])('refuses %j', (value) => {
    expect(parseTimestamp(value)).toBeUndefined();
  });

  it('refuses what is not a string', () => {
    expect(parseTimestamp(1773479172123)).toBeUndefined();
    expect(parseTimestamp(undefined)).toBeUndefined();
  });
});

describe('reading a line by substring', () => {
  it('finds the top-level times even when an object inside holds the same keys', () => {
    // a custom resource whose spec happens to use these names: the apiserver writes it before the top-level ones
    const requestObject = { kind: 'Thing', metadata: { name: 'x' }, ...({ spec: { requestReceivedTimestamp: '2000-01-01T00:00:00.000000Z', stageTimestamp: '2000-01-01T00:00:00.000000Z' } } as object) };
    const line = JSON.stringify(stageRecord({ auditID: 'id-1', receivedMs: T0 + 1000, requestObject }, 'ResponseComplete', 25));
    expect(line.indexOf('2000-01-01')).toBeLessThan(line.indexOf('"requestReceivedTimestamp":"2026'));
    expect(cheapLineTimes(line)).toEqual({ receivedMs: T0 + 1000, stageMs: T0 + 1025 });
    expect(cheapIdentity(line)).toEqual({ auditID: 'id-1', stage: 'ResponseComplete' });
  });

  it('gives up on other layouts, so that the line is parsed instead', () => {
    // keys in another order (a re-encoding tool): the timestamps are not side by side at the end
    const reordered = '{"stageTimestamp":"2026-03-14T00:00:01.000000Z","auditID":"id-4","requestReceivedTimestamp":"2026-03-14T00:00:00.000000Z","stage":"ResponseComplete"}';
    expect(cheapLineTimes(reordered)).toBeUndefined();
    const spaced = '{"kind": "Event", "auditID": "id-2", "stage": "RequestReceived", "stageTimestamp": "2026-03-14T00:00:00.000000Z"}';
    expect(cheapLineTimes(spaced)).toBeUndefined();
    expect(cheapIdentity(spaced)).toBeUndefined();
    // auditID after a nested object: not the apiserver's order
    expect(cheapIdentity('{"user":{"auditID":"fake"},"auditID":"id-3","stage":"ResponseComplete"}')).toBeUndefined();
  });
});

describe('families and their time ranges', () => {
  const b1 = backupName(T0 + HOUR);
  const b2 = backupName(T0 + 2 * HOUR);
  const b3 = backupName(T0 + 3 * HOUR);

  it('orders backups by rotation time, prefers a .log over its .gz, puts the live file last', () => {
    const [family] = familiesOf('/var/log/kubernetes', [`${b3}.gz`, 'audit.log', `${b1}.gz`, b2, `${b2}.gz`, 'notes.txt', 'policy.yaml']);
    expect(family.key).toBe('audit.log');
    expect(family.files.map((f) => f.rel)).toEqual([`${b1}.gz`, b2, `${b3}.gz`, 'audit.log']);
    expect(family.files.map((f) => [f.lowMs, f.highMs])).toEqual([
      [-Infinity, T0 + HOUR + 1],
      [T0 + HOUR - JITTER_MS, T0 + 2 * HOUR + 1],
      [T0 + 2 * HOUR - JITTER_MS, T0 + 3 * HOUR + 1],
      [T0 + 3 * HOUR - JITTER_MS, Infinity],
    ]);
    expect(family.files[0].abs).toBe(`/var/log/kubernetes/${b1}.gz`);
  });

  it('selects the files a stage-time range meets, edges included', () => {
    const [family] = familiesOf('/a', [b1, b2, b3, 'audit.log']);
    expect(selectFiles(family, T0 + HOUR + 2, T0 + 2 * HOUR - JITTER_MS - 1).map((f) => f.rel)).toEqual([b2]);
    expect(selectFiles(family, T0 + 2 * HOUR + 1, T0 + 2 * HOUR + 1).map((f) => f.rel)).toEqual([b2, b3]);
    expect(selectFiles(family, T0 + 5 * HOUR, T0 + 6 * HOUR).map((f) => f.rel)).toEqual(['audit.log']);
    expect(selectFiles(family, T0 - HOUR, T0).map((f) => f.rel)).toEqual([b1]);
  });

  it('keeps families apart: other live names, other folders', () => {
    const families = familiesOf('/a', ['audit.log', backupName(T0, 'kube-apiserver-audit'), 'kube-apiserver-audit.log', `node-2/${b1}.gz`, 'node-2/audit.log']);
    expect(families.map((f) => [f.key, f.files.map((x) => x.rel)])).toEqual([
      ['audit.log', ['audit.log']],
      ['kube-apiserver-audit.log', [backupName(T0, 'kube-apiserver-audit'), 'kube-apiserver-audit.log']],
      ['node-2/audit.log', [`node-2/${b1}.gz`, 'node-2/audit.log']],
    ]);
  });

  it('restricts to one family when the config names a live file, whatever its name', () => {
    const families = familiesOf('/a', ['audit.json', backupName(T0, 'audit', '.json'), 'audit.log', b1], 'audit.json');
    expect(families.map((f) => f.files.map((x) => x.rel))).toEqual([[backupName(T0, 'audit', '.json'), 'audit.json']]);
  });
});
