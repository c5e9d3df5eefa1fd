// GET /metrics (the SDK's and the project's metrics, Prometheus text, relayed from Core's exporter) and GET /healthz
// for a production process: one port for a scraper and a probe. Nothing here is secret, so it needs no token; keep
// the port on the private network all the same.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { HealthSource } from './health';
import type { MetricsText } from './runtime-telemetry';

export interface OpsServerOptions {
  /** 0 picks a free port. */
  port: number;
  /** Default 0.0.0.0: scrapers and probes come from outside the container. */
  host?: string;
  /** What GET /metrics answers: installRuntimeTelemetry({ metrics: true }).scrape. */
  metrics: () => Promise<MetricsText>;
  health: HealthSource;
}

export interface OpsServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

export async function startOpsServer(o: OpsServerOptions): Promise<OpsServer> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' }).end('method not allowed\n');
      return;
    }
    if (path === '/metrics') {
      o.metrics().then(
        ({ contentType, body }) => res.writeHead(200, { 'content-type': contentType, 'cache-control': 'no-store' }).end(req.method === 'HEAD' ? undefined : body),
        // A scrape that fails shows as a failed scrape (Prometheus' `up` is 0), not as an empty set of metrics.
        (err: unknown) =>
          res.writeHead(503, { 'content-type': 'text/plain; charset=utf-8' }).end(`metrics unavailable: ${err instanceof Error ? err.message : String(err)}\n`),
      );
      return;
    }
    if (path === '/healthz') {
      const status = o.health.state();
      res
        .writeHead(status === 'serving' ? 200 : 503, { 'content-type': 'application/json', 'cache-control': 'no-store' })
        .end(req.method === 'HEAD' ? undefined : `${JSON.stringify({ status })}\n`);
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('not found: GET /metrics or /healthz\n');
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const host = o.host === undefined || o.host === '0.0.0.0' ? '127.0.0.1' : o.host;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}
