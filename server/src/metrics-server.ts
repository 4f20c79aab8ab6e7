/**
 * `SANTA_CHAT_METRICS_PORT`: `/metrics` on a listener of its own, without a token, for a
 * Prometheus that scrapes from the same machine or a private network. It binds 127.0.0.1 unless
 * `SANTA_CHAT_METRICS_HOST` says otherwise, so turning it on exposes nothing by itself.
 * A plain node:http server: it serves one read-only route and needs none of the app's middleware.
 */
import type { AddressInfo } from 'node:net';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { errorBody } from './http/errors.js';
import type { Logger } from './core/logger.js';
import type { RelayMetrics } from './core/metrics.js';

export interface MetricsServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8' });
  response.end(JSON.stringify(body));
}

export function startMetricsServer(options: { metrics: RelayMetrics; host: string; port: number; logger: Logger }): Promise<MetricsServer> {
  const { metrics, logger } = options;
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const path = (request.url ?? '').split('?')[0];
    if (path !== '/metrics' || (request.method !== 'GET' && request.method !== 'HEAD')) {
      sendJson(response, 404, errorBody('NOT_FOUND', 'Only GET /metrics is served here.'));
      return;
    }
    metrics.text().then(
      (text) => {
        response.writeHead(200, { 'Content-Type': metrics.contentType });
        response.end(request.method === 'HEAD' ? undefined : text);
      },
      (error: unknown) => {
        logger.error({ err: error }, 'metrics failed');
        sendJson(response, 500, errorBody('INTERNAL', 'The relay could not collect its metrics.'));
      },
    );
  });
  // A client that drops its connection mid-answer must not take the relay down.
  server.on('clientError', (_error, socket) => socket.destroy());
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      server.on('error', (error) => logger.error({ err: error }, 'metrics listener failed'));
      const port = (server.address() as AddressInfo).port;
      const host = options.host.includes(':') ? `[${options.host}]` : options.host;
      resolve({
        url: `http://${host}:${port}/metrics`,
        port,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}
