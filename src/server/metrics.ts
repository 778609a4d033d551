import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** A request count kept as a plain number by a hot path; folded into `rolebridge_http_requests_total` when scraped. */
export interface RequestTally {
  count: number;
}

/**
 * One registry per server instance (tests run many servers in one process). Rooms register their own
 * metrics on `registry`; names start with `rolebridge_`.
 */
export class Metrics {
  readonly registry = new Registry();
  readonly httpRequests: Counter<'method' | 'route' | 'status'>;
  readonly httpDuration: Histogram<'method' | 'route'>;
  private readonly tallies = new Map<string, { labels: { method: string; route: string; status: string }; tally: RequestTally }>();

  constructor(options: { defaultMetrics?: boolean } = {}) {
    if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: this.registry, prefix: 'rolebridge_process_' });
    const tallies = this.tallies;
    this.httpRequests = new Counter({
      name: 'rolebridge_http_requests_total',
      help: 'HTTP requests answered, by route and status.',
      labelNames: ['method', 'route', 'status'],
      registers: [this.registry],
      // Hot paths count with `tally.count++` (no label hashing per request); a scrape adds the counts here.
      collect() {
        for (const { labels, tally } of tallies.values()) {
          if (tally.count === 0) continue;
          this.inc(labels, tally.count);
          tally.count = 0;
        }
      },
    });
    this.httpDuration = new Histogram({
      name: 'rolebridge_http_request_duration_seconds',
      help: 'HTTP request duration by route.',
      labelNames: ['method', 'route'],
      buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5],
      registers: [this.registry],
    });
  }

  /** The plain counter behind one `rolebridge_http_requests_total` series; keep it and increment `count`. */
  requestTally(method: string, route: string, status: number): RequestTally {
    const key = `${method} ${route} ${status}`;
    let entry = this.tallies.get(key);
    if (!entry) {
      entry = { labels: { method, route, status: String(status) }, tally: { count: 0 } };
      this.tallies.set(key, entry);
    }
    return entry.tally;
  }
}
