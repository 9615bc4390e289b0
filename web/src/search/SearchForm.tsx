import { Search } from 'lucide-react';
import { useEffect, useState, type FormEvent, type Ref } from 'react';
import type { Outcome, SourceKind } from '../generated/graphql';
import { KINDS, OUTCOMES, PRESETS, splitAlternatives, type SearchState, type WindowChoice } from './state';

export interface SourceInfo {
  id: string;
  type: string;
  kind: SourceKind;
  mode: string;
}

interface Props {
  state: SearchState;
  sources: SourceInfo[];
  colors: Map<string, string>;
  onSearch: (next: SearchState) => void;
  /** the identity field, focused by `/` */
  inputRef?: Ref<HTMLInputElement>;
}

const KIND_LABEL: Record<SourceKind, string> = {
  IDENTITY_PROVIDER: 'Identity provider',
  CLOUD_AUDIT: 'Cloud audit',
  KUBERNETES_AUDIT: 'Kubernetes',
  EXECUTION: 'Workflow runs',
  ACCESS_LOG: 'auditgraph access log',
};

interface Draft {
  identity: string;
  sourceIp: string;
  action: string;
  resource: string;
  runId: string;
  outcome: '' | Outcome;
  from: string;
  to: string;
}

function draftOf(state: SearchState): Draft {
  return {
    identity: state.identity.join(', '),
    sourceIp: state.sourceIp.join(', '),
    action: state.action.join(', '),
    resource: state.resource,
    runId: state.runId.join(', '),
    outcome: state.outcome.length === 1 ? state.outcome[0] : '',
    from: 'from' in state.window ? state.window.from : '',
    to: 'to' in state.window ? state.window.to : '',
  };
}

/** `2026-03-14 08:45`, `2026-03-14T08:45:00Z` … read as UTC; undefined when it is not a time. */
export function parseUtc(text: string): string | undefined {
  const t = text.trim();
  const m = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2})(:\d{2}(\.\d{1,3})?)?Z?$/.exec(t);
  if (!m) return undefined;
  const ms = Date.parse(`${m[1]}T${m[2]}${m[3] ?? ':00'}Z`);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

/** The search: fields (alternatives separated by commas), the window, sources and kinds as chips. */
export function SearchForm({ state, sources, colors, onSearch, inputRef }: Props) {
  const [draft, setDraft] = useState<Draft>(() => draftOf(state));
  const [rangeError, setRangeError] = useState<string | null>(null);
  useEffect(() => setDraft(draftOf(state)), [state]);
  const set = (key: keyof Draft) => (e: { target: { value: string } }) => setDraft({ ...draft, [key]: e.target.value });

  const fromDraft = (window: WindowChoice): SearchState => ({
    ...state,
    identity: splitAlternatives(draft.identity),
    sourceIp: splitAlternatives(draft.sourceIp),
    action: splitAlternatives(draft.action),
    resource: draft.resource.trim(),
    runId: splitAlternatives(draft.runId),
    outcome: draft.outcome ? [draft.outcome] : [],
    window,
    event: undefined,
  });

  const submit = (e: FormEvent) => {
    e.preventDefault();
    let window = state.window;
    if (draft.from.trim() || draft.to.trim()) {
      const from = parseUtc(draft.from);
      const to = parseUtc(draft.to);
      if (!from || !to) {
        setRangeError('From and To take a UTC time: 2026-03-14 08:45 or 2026-03-14T08:45:00Z');
        return;
      }
      if (Date.parse(from) >= Date.parse(to)) {
        setRangeError('From must be before To');
        return;
      }
      window = { from, to };
    }
    setRangeError(null);
    onSearch(fromDraft(window));
  };

  const preset = (last: string) => {
    setRangeError(null);
    onSearch({ ...fromDraft({ last }), event: undefined });
  };
  const toggle = <T extends string>(list: T[], value: T): T[] => (list.includes(value) ? list.filter((v) => v !== value) : [...list, value]);
  const activePreset = 'last' in state.window ? state.window.last : undefined;

  return (
    <form className="search-form" onSubmit={submit} role="search" aria-label="Search events">
      <div className="fields">
        <label>
          <span>Identity (any alias)</span>
          <input ref={inputRef} name="identity" value={draft.identity} onChange={set('identity')} placeholder="alice@example.com, ARN, access key…" autoComplete="off" spellCheck={false} />
        </label>
        <label>
          <span>Source IP</span>
          <input name="sourceIp" value={draft.sourceIp} onChange={set('sourceIp')} placeholder="198.51.100.23" autoComplete="off" spellCheck={false} />
        </label>
        <label>
          <span>Action (* wildcard)</span>
          <input name="action" value={draft.action} onChange={set('action')} placeholder="iam:*, secrets.list" autoComplete="off" spellCheck={false} />
        </label>
        <label>
          <span>Resource</span>
          <input name="resource" value={draft.resource} onChange={set('resource')} placeholder="ci-bot, prod/db-password" autoComplete="off" spellCheck={false} />
        </label>
        <label>
          <span>Run id</span>
          <input name="runId" value={draft.runId} onChange={set('runId')} placeholder="ml/production/fz3k9q2m1x" autoComplete="off" spellCheck={false} />
        </label>
        <label className="narrow">
          <span>Outcome</span>
          <select name="outcome" value={draft.outcome} onChange={set('outcome')}>
            <option value="">any</option>
            {OUTCOMES.map((o) => (
              <option key={o} value={o}>
                {o}
              </option>
            ))}
          </select>
        </label>
      </div>
      <div className="window-row">
        <div className="presets" role="group" aria-label="Window presets">
          {PRESETS.map((p) => (
            <button key={p.last} type="button" className={activePreset === p.last ? 'chip active' : 'chip'} aria-pressed={activePreset === p.last} onClick={() => preset(p.last)}>
              {p.label}
            </button>
          ))}
        </div>
        <label className="range">
          <span>From (UTC)</span>
          <input name="from" value={draft.from} onChange={set('from')} placeholder="YYYY-MM-DD HH:MM" autoComplete="off" spellCheck={false} aria-invalid={rangeError ? true : undefined} />
        </label>
        <label className="range">
          <span>To (UTC)</span>
          <input name="to" value={draft.to} onChange={set('to')} placeholder="YYYY-MM-DD HH:MM" autoComplete="off" spellCheck={false} aria-invalid={rangeError ? true : undefined} />
        </label>
        <label className="narrow">
          <span>Order</span>
          <select name="order" value={state.order} onChange={(e) => onSearch({ ...fromDraft(state.window), order: e.target.value === 'OLDEST_FIRST' ? 'OLDEST_FIRST' : 'NEWEST_FIRST' })}>
            <option value="NEWEST_FIRST">newest first</option>
            <option value="OLDEST_FIRST">oldest first</option>
          </select>
        </label>
        <button type="submit" className="primary">
          <Search size={16} aria-hidden="true" /> Search
        </button>
      </div>
      {rangeError && (
        <p className="error-text" role="alert">
          {rangeError}
        </p>
      )}
      <div className="chips-row">
        <div className="chips" role="group" aria-label="Sources">
          <span className="chips-label">Sources</span>
          {sources.map((s) => {
            const on = state.sources.includes(s.id);
            return (
              <button
                key={s.id}
                type="button"
                className={on ? 'chip active' : 'chip'}
                aria-pressed={on}
                title={`${s.type} (${s.mode})`}
                onClick={() => onSearch({ ...fromDraft(state.window), sources: toggle(state.sources, s.id) })}
              >
                <i className="dot" style={{ background: colors.get(s.id) }} aria-hidden="true" />
                {s.id}
              </button>
            );
          })}
          {state.sources.length === 0 && <span className="muted">all</span>}
        </div>
        <div className="chips" role="group" aria-label="Kinds">
          <span className="chips-label">Kinds</span>
          {KINDS.map((k) => {
            const on = state.kinds.includes(k);
            return (
              <button key={k} type="button" className={on ? 'chip active' : 'chip'} aria-pressed={on} onClick={() => onSearch({ ...fromDraft(state.window), kinds: toggle(state.kinds, k) })}>
                {KIND_LABEL[k]}
              </button>
            );
          })}
        </div>
      </div>
    </form>
  );
}
