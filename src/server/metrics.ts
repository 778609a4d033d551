import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** A request count kept as a plain number by a hot path; folded into `rolebridge_http_requests_total` when scraped. */
export interface RequestTally {
  count: number;
}

/**
 * prom-client's default gauges that end in `_total` (which Prometheus reserves for counters; `promtool check
 * metrics` flags them). Each repeats the sum of its per-type sibling (`nodejs_active_handles{type}` etc.),
 * so `sum(nodejs_active_handles)` answers the same question.
 */
const TOTAL_SUFFIXED_GAUGES = ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total'];

/**
 * One registry per server instance (tests run many servers in one process). Rooms register their own
 * metrics on `registry`; names start with `rolebridge_`. The default process and Node.js metrics keep their
 * standard unprefixed names (`process_cpu_seconds_total`, `nodejs_heap_size_used_bytes`, ...): stock Node.js
 * dashboards and alerts query exactly those, and the scrape's `job`/`instance` labels tell services apart.
 */
export class Metrics {
  readonly registry = new Registry();
  readonly httpRequests: Counter<'method' | 'route' | 'status'>;
  readonly httpDuration: Histogram<'method' | 'route'>;
  private readonly tallies = new Map<string, { labels: { method: string; route: string; status: string }; tally: RequestTally }>();

  constructor(options: { defaultMetrics?: boolean } = {}) {
    if (options.defaultMetrics ?? true) {
      collectDefaultMetrics({ register: this.registry });
      for (const name of TOTAL_SUFFIXED_GAUGES) this.registry.removeSingleMetric(name);
    }
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
