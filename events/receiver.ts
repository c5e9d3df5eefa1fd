// The signup-event endpoint: `POST /signup-events` with a signed JSON body starts the customer's setup. The same
// event delivered twice starts one setup (the workflow id comes from the customer id and a running setup is
// attached to); the answer carries that workflow id. Nothing is started unless the request is authentic, fresh,
// well-formed and valid.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Client } from '@temporalio/client';
import type { Duration } from '@temporalio/common';
import { InputValidationError } from '../domain/issues';
import { parseSetupRequest } from '../domain/setup-request';
import { startSetup } from '../client/setups';
import { SIGNATURE_HEADER, SignatureError, TIMESTAMP_HEADER, verifySignature } from './signature';

export interface SignupReceiverOptions {
  client: Client;
  taskQueue: string;
  /** The shared HMAC secret; never logged or echoed. */
  secret: string;
  host?: string;
  port?: number;
  maxBodyBytes?: number;
  toleranceSeconds?: number;
  /** Applied to setups whose event does not say. */
  opsDecisionTimeout?: Duration;
  log?: (line: string) => void;
}

export interface SignupReceiver {
  url: string;
  port: number;
  close(): Promise<void>;
}

const DEFAULT_MAX_BODY_BYTES = 64 * 1024;

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

function readBody(req: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? '0');
    if (declared > limit) {
      reject(new HttpError(413, `body is ${declared} bytes; at most ${limit} are accepted`));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        reject(new HttpError(413, `body exceeds ${limit} bytes`));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function reply(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

export async function startSignupReceiver(o: SignupReceiverOptions): Promise<SignupReceiver> {
  const log = o.log ?? (() => {});
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/health' && req.method === 'GET') return reply(res, 200, { status: 'ok' });
    if (path !== '/signup-events') throw new HttpError(404, `no such endpoint ${path}; events go to POST /signup-events`);
    if (req.method !== 'POST') throw new HttpError(405, `${req.method} not allowed; use POST`);
    const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim();
    if (type !== 'application/json') throw new HttpError(415, `content-type ${type || '(none)'}: must be application/json`);

    const body = await readBody(req, o.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES);
    try {
      verifySignature({
        secret: o.secret,
        body,
        signature: req.headers[SIGNATURE_HEADER] as string | undefined,
        timestamp: req.headers[TIMESTAMP_HEADER] as string | undefined,
        nowSeconds: Math.floor(Date.now() / 1000),
        toleranceSeconds: o.toleranceSeconds,
      });
    } catch (err) {
      if (err instanceof SignatureError) throw new HttpError(401, err.message);
      throw err;
    }
    let event: unknown;
    try {
      event = JSON.parse(body);
    } catch {
      throw new HttpError(400, 'body is not valid JSON');
    }
    let request;
    try {
      // The body is `{ direction, …the setup input of that direction }`.
      request = parseSetupRequest(event, { what: 'body', defaults: { opsDecisionTimeout: o.opsDecisionTimeout } });
    } catch (err) {
      if (err instanceof InputValidationError) throw new HttpError(422, err.message, err.issues);
      throw err;
    }
    const started = await startSetup(o.client, request, { taskQueue: o.taskQueue });
    log(`signup event for ${request.input.customerId} (${request.direction}): ${started.workflowId}`);
    reply(res, 202, {
      workflowId: started.workflowId,
      status: started.alreadySucceeded ? 'already-succeeded' : 'accepted',
    });
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (res.headersSent) return;
      if (err instanceof HttpError) {
        reply(res, err.status, { error: err.message, ...(err.details ? { issues: err.details } : {}) });
        return;
      }
      // Temporal unreachable or similar: the sender should try again later.
      log(`signup event not accepted: ${err instanceof Error ? err.message : String(err)}`);
      reply(res, 503, { error: 'could not start the setup now; retry later' });
    });
  });
  await new Promise<void>((resolve) => server.listen(o.port ?? 0, o.host ?? '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${o.host ?? '127.0.0.1'}:${port}`,
    port,
    close: () => new Promise((resolve, reject) => server.close((err) => (err ? reject(err) : resolve()))),
  };
}
