import { ElasticsearchSink } from './elasticsearch';
import type { Sink } from './sink';
import { SplunkHecSink } from './splunk-hec';
import { WebhookSink } from './webhook';

export class SinkUrlError extends Error {}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

/**
 * A sink from its URL: `splunk-hec://host:8088`, `elasticsearch://host:9200/index`, `https://…` (a webhook).
 * HTTPS unless the scheme says `+http` (`splunk-hec+http://`, `elasticsearch+http://`) or a webhook is `http://`,
 * which only a loopback host may be: the token is never sent in the clear over a network.
 */
export function sinkFromUrl(text: string, token: string | undefined): Sink {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new SinkUrlError(`--sink: not a URL: ${JSON.stringify(text)} (splunk-hec://host:8088, elasticsearch://host:9200/index, https://…)`);
  }
  const scheme = url.protocol.replace(/:$/, '');
  const plain = scheme.endsWith('+http') || scheme === 'http';
  if (plain && !LOOPBACK.has(url.hostname)) throw new SinkUrlError(`--sink: ${scheme}:// sends the token unencrypted; only a loopback host may use it (use https)`);
  const origin = `${plain ? 'http' : 'https'}://${url.host}`;
  switch (scheme.replace(/\+http$/, '')) {
    case 'splunk-hec':
      if (!token) throw new SinkUrlError('--sink splunk-hec: set AUDITGRAPH_SINK_TOKEN to the HEC token');
      return new SplunkHecSink(origin, token);
    case 'elasticsearch': {
      const index = url.pathname.replace(/^\/+|\/+$/g, '');
      if (!index || index.includes('/')) throw new SinkUrlError(`--sink elasticsearch: name the index as the path (elasticsearch://host:9200/audit-events), got ${JSON.stringify(url.pathname)}`);
      return new ElasticsearchSink(origin, index, token);
    }
    case 'https':
    case 'http':
      return new WebhookSink(url.toString(), token);
    default:
      throw new SinkUrlError(`--sink: unknown scheme ${scheme}: (splunk-hec://, elasticsearch://, https://)`);
  }
}
