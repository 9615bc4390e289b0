import fc from 'fast-check';
import { SortOrder } from '../../src/domain';
import { QueryEngine } from '../../src/query/engine';
import { ReadSlots } from '../../src/query/read-slots';
import { makeEvent, MemorySource } from '../helpers/memory-source';

const tick = (ms = 0) => new Promise((r) => setTimeout(r, ms));

describe('ReadSlots: how many pages are read at once, and who goes next', () => {
  it('never runs more than `max` reads at once, and runs every read (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 4 }),
        fc.array(fc.record({ caller: fc.constantFrom('a', 'b', 'c'), ms: fc.integer({ min: 0, max: 4 }) }), { minLength: 1, maxLength: 25 }),
        async (max, reads) => {
          const slots = new ReadSlots(max);
          let running = 0;
          let peak = 0;
          const done = await Promise.all(
            reads.map((r, i) =>
              slots.run(r.caller, undefined, async () => {
                running += 1;
                peak = Math.max(peak, running);
                await tick(r.ms);
                running -= 1;
                return i;
              }),
            ),
          );
          expect(done).toEqual(reads.map((_, i) => i));
          expect(peak).toBeLessThanOrEqual(max);
          expect(peak).toBe(Math.min(max, reads.length));
          expect(slots.active).toBe(0);
          expect(slots.pending).toBe(0);
        },
      ),
      { numRuns: 50 },
    );
  });

  it('serves callers in turn: a caller with many reads queued does not hold back another caller\'s first', async () => {
    const slots = new ReadSlots(1);
    const order: string[] = [];
    const read = (name: string) => async () => {
      order.push(name);
      await tick(2);
    };
    const heavy = Array.from({ length: 6 }, (_, i) => slots.run('script', undefined, read(`script-${i}`)));
    await tick();
    const light = slots.run('responder', undefined, read('responder-0'));
    await Promise.all([...heavy, light]);
    // the script's first read was running and its second was queued first; the responder's comes next
    expect(order.indexOf('responder-0')).toBeLessThanOrEqual(2);
    expect(order.filter((o) => o.startsWith('script'))).toEqual(Array.from({ length: 6 }, (_, i) => `script-${i}`));
  });

  it('lets a read whose caller went away while it waited go at once, leaving the others their turn', async () => {
    const slots = new ReadSlots(1);
    let release!: () => void;
    const blocker = slots.run('a', undefined, () => new Promise<void>((r) => (release = r)));
    const gone = new AbortController();
    const ran: string[] = [];
    const waiting = slots.run('b', gone.signal, async () => {
      ran.push(`b aborted=${gone.signal.aborted}`);
    });
    const other = slots.run('c', undefined, async () => {
      ran.push('c');
    });
    await tick();
    expect(ran).toEqual([]);
    gone.abort();
    await waiting;
    expect(ran).toEqual(['b aborted=true']);
    release();
    await Promise.all([blocker, other]);
    expect(ran).toEqual(['b aborted=true', 'c']);
    expect(slots.active).toBe(0);
  });
});

describe('the engine reads pages through its slots', () => {
  const T0 = Date.UTC(2026, 2, 14, 8);
  const window = { from: new Date(T0), to: new Date(T0 + 3_600_000) };

  async function fourAtOnce(slots: ReadSlots): Promise<{ sizes: number[]; startedBeforeAnyAnswer: number }> {
    let answered = false;
    let startedBeforeAnyAnswer = 0;
    class Watching extends MemorySource {
      override events(...args: Parameters<MemorySource['events']>) {
        if (!answered) startedBeforeAnyAnswer += 1;
        return super.events(...args);
      }
    }
    const source = new Watching('s', Array.from({ length: 20 }, (_, i) => makeEvent('s', T0 + i * 60_000, { id: `s-${i}` })));
    source.delayMs = 3;
    const engine = new QueryEngine([source], { cursorSecret: 'read-slots-test', now: () => new Date(T0 + 86_400_000 * 30), readSlots: slots });
    const pages = await Promise.all(
      [5, 6, 7, 8].map((first) =>
        engine.events({ window, order: SortOrder.OLDEST_FIRST, first }).then((p) => {
          answered = true;
          return p;
        }),
      ),
    );
    return { sizes: pages.map((p) => p.edges.length), startedBeforeAnyAnswer };
  }

  it('with one slot, reads one page before the next begins; every caller is answered', async () => {
    const slots = new ReadSlots(1);
    const one = await fourAtOnce(slots);
    expect(one.sizes).toEqual([5, 6, 7, 8]);
    // the first read, and the second, which takes its slot as the first's answer is on its way back
    expect(one.startedBeforeAnyAnswer).toBe(2);
    expect(slots.queued).toBe(3);
    // without a limit all four are read at once
    const all = await fourAtOnce(new ReadSlots(0));
    expect(all.sizes).toEqual([5, 6, 7, 8]);
    expect(all.startedBeforeAnyAnswer).toBe(4);
  });
});
