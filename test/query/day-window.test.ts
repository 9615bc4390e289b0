import type { AppConfig } from '../../src/config/config';
import { AuditgraphError, ErrorCode } from '../../src/domain';
import { dayWindow } from '../../src/query/window';
import { toWindow } from '../../src/resolvers/args';
import type { TimeWindowInput } from '../../src/schema/window.input';

/** `window: {day, time}`: a UTC day (or the demo's), whole or a span of it, refused clearly when malformed. */

const demoServer = { config: { demo: { date: '2026-03-14' } } as AppConfig };
const fileServer = { config: {} as AppConfig };

function refusal(run: () => unknown): { code?: string; message: string } {
  try {
    run();
  } catch (err) {
    if (err instanceof AuditgraphError) return { code: err.code, message: err.message };
    throw err;
  }
  throw new Error('expected a refusal');
}

describe('a window named by its day', () => {
  it('is the whole UTC day, or the span of it that `time` says, half-open', () => {
    expect(dayWindow('2026-03-14', undefined, undefined)).toEqual({ from: new Date('2026-03-14T00:00:00Z'), to: new Date('2026-03-15T00:00:00Z') });
    expect(dayWindow('2026-03-14', '08:45/10:00', undefined)).toEqual({ from: new Date('2026-03-14T08:45:00Z'), to: new Date('2026-03-14T10:00:00Z') });
    expect(dayWindow('2024-02-29', '23:59:30/24:00', undefined)).toEqual({ from: new Date('2024-02-29T23:59:30Z'), to: new Date('2024-03-01T00:00:00Z') });
  });

  it('names the demo day as "demo" when the server serves the demo', () => {
    expect(toWindow({ day: 'demo', time: '09:00/10:00' } as TimeWindowInput, demoServer)).toEqual({ from: new Date('2026-03-14T09:00:00Z'), to: new Date('2026-03-14T10:00:00Z') });
    expect(refusal(() => toWindow({ day: 'demo' } as TimeWindowInput, fileServer))).toEqual({ code: ErrorCode.BAD_WINDOW, message: expect.stringMatching(/^window\.day: "demo" names the bundled demo's day, and this server does not serve the demo/) });
  });

  it('leaves from/to/last windows as they were', () => {
    const from = new Date('2026-03-14T09:00:00Z');
    expect(toWindow({ from } as TimeWindowInput, fileServer)).toEqual({ from, to: null, last: null });
    expect(toWindow({ last: 'PT1H' } as TimeWindowInput, fileServer)).toEqual({ from: null, to: null, last: 'PT1H' });
  });

  it('refuses a day mixed with other bounds, a time without a day, and malformed days and times, saying which', () => {
    const cases: Array<[TimeWindowInput, RegExp]> = [
      [{ day: 'demo', last: 'PT1H' } as TimeWindowInput, /^window: give `day` \(with `time` for part of it\) or `last`, not both/],
      [{ day: '2026-03-14', from: new Date(), to: new Date() } as TimeWindowInput, /or `from` and `to`, not both/],
      [{ time: '08:00/09:00' } as TimeWindowInput, /^window\.time: a span of a day needs `day`/],
      [{ day: '2026-02-30' } as TimeWindowInput, /^window\.day: expected a calendar date YYYY-MM-DD \(UTC\) or "demo", got "2026-02-30"/],
      [{ day: 'yesterday' } as TimeWindowInput, /^window\.day: expected a calendar date/],
      [{ day: 'demo', time: '8:45/10:00' } as TimeWindowInput, /^window\.time: expected a span of the day HH:MM\[:SS\]\/HH:MM\[:SS\].*got "8:45\/10:00"/],
      [{ day: 'demo', time: '08:45' } as TimeWindowInput, /^window\.time: expected a span/],
      [{ day: 'demo', time: '08:45/24:01' } as TimeWindowInput, /^window\.time: expected a span/],
      [{ day: 'demo', time: '08:00/09:00/10:00' } as TimeWindowInput, /^window\.time: expected a span/],
      [{ day: 'demo', time: '10:00/08:45' } as TimeWindowInput, /^window\.time: the start \(10:00\) must be before the end \(08:45\)/],
      [{ day: 'demo', time: '10:00/10:00' } as TimeWindowInput, /must be before the end/],
    ];
    for (const [input, message] of cases) expect(refusal(() => toWindow(input, demoServer))).toEqual({ code: ErrorCode.BAD_WINDOW, message: expect.stringMatching(message) });
  });

  it('holds exactly the instants of the span: each instant of the day is in one of two adjacent spans', () => {
    const hms = (s: number) => [Math.floor(s / 3600), Math.floor(s / 60) % 60, s % 60].map((n) => String(n).padStart(2, '0')).join(':');
    const dayStart = Date.parse('2026-03-14T00:00:00Z');
    // every cut on a 7-minute-and-a-second step, every probe around it (before, at, after)
    for (let cut = 1; cut < 86_400; cut += 421) {
      const a = dayWindow('2026-03-14', `00:00/${hms(cut)}`, undefined);
      const b = dayWindow('2026-03-14', `${hms(cut)}/24:00`, undefined);
      expect(a.to).toEqual(b.from);
      for (const probeMs of [0, cut * 1000 - 1, cut * 1000, cut * 1000 + 1, 86_400_000 - 1]) {
        const t = dayStart + probeMs;
        const inA = t >= a.from.getTime() && t < a.to.getTime();
        const inB = t >= b.from.getTime() && t < b.to.getTime();
        expect([probeMs, inA, inB]).toEqual([probeMs, probeMs < cut * 1000, probeMs >= cut * 1000]);
      }
    }
  });
});
