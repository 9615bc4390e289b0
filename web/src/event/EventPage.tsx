import { useSources } from '../app/sources';
import type { Location } from '../app/router';
import { parseSearch } from '../search/state';
import { EventDetail } from './EventDetail';

/** One event on its own page (`/event?esource=…&eid=…&etime=…`): where evidence links lead. */
export function EventPage({ location }: { location: Location }) {
  const { event } = parseSearch(location.params);
  const { colors } = useSources();
  if (!event) {
    return (
      <main className="page">
        <div className="alert" role="alert">
          An event link names its source, id and time: <span className="mono">/event?esource=…&amp;eid=…&amp;etime=…</span>
        </div>
      </main>
    );
  }
  return (
    <main className="page event-page">
      <EventDetail eventRef={event} colors={colors} />
    </main>
  );
}
