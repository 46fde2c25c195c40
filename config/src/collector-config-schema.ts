// The schema of otel-collector.yaml as data: every key the collector accepts, its kind, default
// and meaning. The loader validates against it, docs/configuration.md is checked against it, and
// nothing else defines a key.

export type LeafKind =
  | 'endpoint' // host:port
  | 'url' // http(s) URL
  | 'duration' // Go-style duration, parsed to milliseconds
  | 'bytes' // byte size, parsed to a number of bytes
  | 'positive-integer'
  | 'path'
  | 'secret' // a credential: any printable text without spaces, or empty for none; never shown in messages
  | 'names' // a list of component names
  | 'note-verifier'; // a signed-note verifier key "<name>+<key ID>+<key>", or empty

export interface LeafNode {
  readonly kind: LeafKind;
  readonly default: string | number | readonly string[];
  readonly description: string;
  /** Smallest allowed value after parsing (durations in ms, sizes in bytes). */
  readonly min?: number;
}

export interface ObjectNode {
  readonly kind: 'object';
  readonly description: string;
  readonly fields: Readonly<Record<string, SchemaNode>>;
}

export type SchemaNode = LeafNode | ObjectNode;

const object = (description: string, fields: Record<string, SchemaNode>): ObjectNode => ({ kind: 'object', description, fields });
const leaf = (kind: LeafKind, defaultValue: LeafNode['default'], description: string, min?: number): LeafNode =>
  min === undefined ? { kind, default: defaultValue, description } : { kind, default: defaultValue, description, min };

export const COLLECTOR_CONFIG_SCHEMA: ObjectNode = object('The collector sidecar configuration.', {
  receivers: object('Where telemetry comes in.', {
    otlp: object('The OTLP receiver.', {
      protocols: object('Protocols the OTLP receiver serves (HTTP only).', {
        http: object('OTLP/HTTP on POST /v1/metrics.', {
          endpoint: leaf('endpoint', '127.0.0.1:4318', 'host:port the OTLP/HTTP intake listens on; keep it on loopback in a sidecar.'),
          max_request_body_size: leaf('bytes', 8_388_608, 'Largest request body accepted, measured after decompression (413 above it).', 1024),
        }),
      }),
    }),
  }),
  processors: object('How telemetry is transformed.', {
    lunadefend_aggregate: object('The privacy-preserving aggregation processor.', {
      window: leaf('duration', '24h', 'Length of a UTC-aligned aggregation window; 24h in production, seconds for tests and demos.', 1000),
      send_jitter: leaf('duration', '1h', 'Each sealed report is sent at window end plus a random delay up to this, to spread a fleet out.'),
      max_streams: leaf('positive-integer', 10_000, 'Most cumulative streams tracked at once; points of new streams beyond it are rejected.', 1),
      max_streams_per_producer: leaf('positive-integer', 2_500, 'Most of those streams one producer (one set of resource attributes) may hold; its new streams beyond it are rejected, so a noisy producer cannot take the budget from the others.', 1),
      stream_staleness: leaf('duration', '1h', 'A cumulative stream not seen this long may be evicted to make room for a new one (eviction never causes a double count).', 1000),
    }),
  }),
  exporters: object('Where reports go.', {
    lunadefend: object('The daily report exporter.', {
      endpoint: leaf('url', 'https://metrics.lunadefend.example/v1/reports', 'URL of the central receiver reports are POSTed to.'),
      timeout: leaf('duration', '10s', 'Time limit of one whole send attempt: connect, request and response together.', 1),
      ingest_key: leaf(
        'secret',
        '',
        'Key sent as Authorization: Bearer when the receiver requires one (a private fleet, LUNADEFEND_INGEST_KEYS); empty sends none. Give it as ${env:LUNADEFEND_INGEST_KEY}; it is never logged and never in the ledger.',
      ),
      retry_on_failure: object('Retry of failed sends (429, 5xx, network errors).', {
        initial_interval: leaf('duration', '5s', 'First retry delay; doubled after each failure, with jitter.', 1),
        max_interval: leaf('duration', '1h', 'Largest retry delay.', 1),
        max_age: leaf('duration', '720h', 'A report not delivered this long after its window ended is dropped and counted.', 1),
      }),
      log_public_key: leaf(
        'note-verifier',
        '',
        "Public key of the receiver's transparency log (`lunadefend-receiver keygen` prints it) that `verify` checks checkpoints against; empty: trust the key first seen and record it in the state.",
      ),
    }),
  }),
  extensions: object('Collector extensions.', {
    health_check: object('Health endpoint.', {
      endpoint: leaf('endpoint', '127.0.0.1:13133', 'host:port of the health check (GET / answers 200 when healthy).'),
    }),
    file_storage: object('Durable state.', {
      directory: leaf('path', './data/collector', 'Directory holding the collector state file (stream state, totals, outbox, ledger).'),
    }),
  }),
  service: object('What runs.', {
    extensions: leaf('names', ['health_check', 'file_storage'], 'Extensions to start.'),
    pipelines: object('Pipelines.', {
      metrics: object('The metrics pipeline.', {
        receivers: leaf('names', ['otlp'], 'Receivers of the pipeline.'),
        processors: leaf('names', ['lunadefend_aggregate'], 'Processors of the pipeline, in order.'),
        exporters: leaf('names', ['lunadefend'], 'Exporters of the pipeline.'),
      }),
    }),
    telemetry: object("The collector's own telemetry.", {
      metrics: object('Own metrics in Prometheus text format.', {
        address: leaf('endpoint', '127.0.0.1:8888', 'host:port serving GET /metrics.'),
      }),
    }),
  }),
});

export interface SchemaKey {
  /** Dotted path, e.g. `processors.lunadefend_aggregate.window`. */
  readonly path: string;
  readonly node: LeafNode;
}

/** Every leaf key of the schema with its dotted path, in document order. */
export function collectorConfigKeys(node: ObjectNode = COLLECTOR_CONFIG_SCHEMA, prefix = ''): SchemaKey[] {
  return Object.entries(node.fields).flatMap(([name, child]) => {
    const path = prefix === '' ? name : `${prefix}.${name}`;
    return child.kind === 'object' ? collectorConfigKeys(child, path) : [{ path, node: child }];
  });
}
