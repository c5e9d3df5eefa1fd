// The codec server: lets the Temporal UI and CLI show encrypted payloads in clear, for whoever holds the token.
//
//   POST [/<token>]/decode, POST [/<token>]/encode   body and answer { "payloads": [...] } (see payload-json.ts)
//   GET /health                                      no auth; says nothing about keys
// Query strings are ignored (UI 2.54 appends ?preserveStorageRefs=true). Its /download, for externally stored
// payloads, is not served: this project stores none.
//
// The token travels as `Authorization: Bearer <token>` (CLI: --codec-auth "Bearer <token>") or as the endpoint's one
// path segment (UI: codec endpoint http://host:port/<token>), because the browser UI cannot send a header of our
// choosing: it sends Content-Type, X-Namespace and, only with "pass access token" over https, its user's own OIDC
// tokens (Authorization, Authorization-Extras).
import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { EncryptionCodec, PayloadDecryptionError } from './encryption-codec';
import type { Keyring } from './keyring';
import { PayloadJsonError, payloadsFromJson, payloadToJson, type JsonPayload } from './payload-json';

export const DEFAULT_CODEC_SERVER_PORT = 8888;
export const DEFAULT_UI_ORIGIN = 'http://localhost:8233';
/** One request carries the payloads of one history event (the UI) or one gRPC message (the CLI): a few MB at most. */
export const DEFAULT_MAX_BODY_BYTES = 8 * 1024 * 1024;
const ALLOWED_HEADERS = 'authorization, authorization-extras, content-type, x-namespace';
const PREFLIGHT_MAX_AGE_SECONDS = 600;

export interface CodecServerOptions {
  /** Default 127.0.0.1: the server decrypts on demand, so it is not exposed unless asked. */
  host?: string;
  /** Default 8888; 0 picks a free port. */
  port?: number;
  keyring: Keyring;
  authToken: string;
  /** The Temporal UI's origin (scheme://host:port); browsers on any other origin are refused. */
  allowedOrigin: string;
  maxBodyBytes?: number;
  /** Why an encode or decode request failed (key ids, never tokens or payload contents). */
  log?: (message: string) => void;
}

export interface RunningCodecServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

/** The token is also a URL path segment, so it is limited to characters that need no escaping there. */
export function authTokenRule(token: string): string | null {
  return /^[A-Za-z0-9._~-]{32,512}$/.test(token)
    ? null
    : 'must be 32-512 characters of letters, digits and . _ ~ - (e.g. node -p "crypto.randomBytes(32).toString(\'base64url\')")';
}

export function originRule(origin: string): string | null {
  let normalised: string | undefined;
  try {
    normalised = new URL(origin).origin;
  } catch {
    // Reported below.
  }
  return normalised === origin && /^https?:/.test(origin)
    ? null
    : 'must be an http(s) origin, scheme://host[:port] with no path or trailing slash, e.g. http://localhost:8233';
}

type Route = { kind: 'health' } | { kind: 'codec'; operation: 'encode' | 'decode'; pathToken: string | undefined };

function routeOf(url: string | undefined): Route | undefined {
  const segments = (url ?? '/').split('?')[0]?.split('/').filter((s) => s !== '') ?? [];
  if (segments.length === 1 && segments[0] === 'health') return { kind: 'health' };
  const operation = segments.at(-1);
  if ((operation === 'encode' || operation === 'decode') && segments.length <= 2) {
    return { kind: 'codec', operation, pathToken: segments.length === 2 ? segments[0] : undefined };
  }
  return undefined;
}

const sha256 = (text: string): Buffer => createHash('sha256').update(text).digest();

export async function startCodecServer(o: CodecServerOptions): Promise<RunningCodecServer> {
  const tokenProblem = authTokenRule(o.authToken);
  if (tokenProblem) throw new Error(`authToken ${tokenProblem}`);
  const originProblem = originRule(o.allowedOrigin);
  if (originProblem) throw new Error(`allowedOrigin ${JSON.stringify(o.allowedOrigin)} ${originProblem}`);

  const tokenDigest = sha256(o.authToken);
  // Digests have one length, so the comparison takes the same time whatever the candidate's length.
  const isToken = (candidate: string | undefined): boolean => candidate !== undefined && timingSafeEqual(sha256(candidate), tokenDigest);
  const codec = new EncryptionCodec(o.keyring);
  const maxBodyBytes = o.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Vary', 'Origin');
    const origin = req.headers.origin;
    if (origin !== undefined) {
      if (origin !== o.allowedOrigin) return sendText(res, 403, 'origin not allowed');
      res.setHeader('Access-Control-Allow-Origin', origin);
    }
    const route = routeOf(req.url);
    if (!route) return sendText(res, 404, 'not found: POST /encode, POST /decode, GET /health');
    if (req.method === 'OPTIONS') return preflight(req, res, origin);
    if (route.kind === 'health') {
      return req.method === 'GET' ? sendJson(res, 200, { status: 'ok' }) : sendText(res, 405, 'use GET', { Allow: 'GET, OPTIONS' });
    }

    const bearer = /^Bearer +(\S+) *$/i.exec(req.headers.authorization ?? '')?.[1];
    // Either credential suffices: a UI configured to pass its users' OIDC tokens sends one we cannot check.
    if (!isToken(bearer) && !isToken(route.pathToken)) {
      // Worth a line: the CLI retries a refused codec call until it times out, without showing the 401.
      o.log?.(`${route.operation} refused: no token or a wrong one`);
      return sendText(res, 401, 'unauthorized: send "Authorization: Bearer <token>" or use the endpoint http(s)://host:port/<token>', {
        'WWW-Authenticate': 'Bearer',
      });
    }
    if (req.method !== 'POST') return sendText(res, 405, 'use POST', { Allow: 'POST, OPTIONS' });

    const body = await readBody(req, maxBodyBytes);
    if (body === 'too large') {
      res.once('finish', () => req.destroy());
      return sendText(res, 413, `the body is larger than ${maxBodyBytes} bytes`, { Connection: 'close' });
    }
    try {
      const { json, payloads } = payloadsFromJson(JSON.parse(body.toString('utf8')));
      const converted = route.operation === 'encode' ? await codec.encode(payloads) : await codec.decode(payloads);
      // A payload the codec passed through goes back exactly as it came, fields this server ignores included.
      const out: JsonPayload[] = converted.map((p, i) => (p === payloads[i] ? (json[i] as JsonPayload) : payloadToJson(p)));
      return sendJson(res, 200, { payloads: out });
    } catch (err) {
      if (err instanceof SyntaxError) return sendText(res, 400, 'the body is not JSON');
      if (err instanceof PayloadJsonError || err instanceof PayloadDecryptionError) {
        o.log?.(`${route.operation} failed: ${err.message}`);
        return sendText(res, 400, err.message);
      }
      o.log?.(`${route.operation} failed: ${err instanceof Error ? err.name : 'error'}`);
      return sendText(res, 500, 'internal error');
    }
  }

  const server = createServer({ requestTimeout: 30_000, headersTimeout: 10_000 }, (req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) sendText(res, 500, 'internal error');
      else res.destroy();
    });
  });
  const host = o.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port ?? DEFAULT_CODEC_SERVER_PORT, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
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

/** Only reached for the allowed origin (or none): others were refused above. */
function preflight(req: IncomingMessage, res: ServerResponse, origin: string | undefined): void {
  const headers: Record<string, string> = { Allow: 'GET, POST, OPTIONS' };
  if (origin !== undefined) {
    headers['Access-Control-Allow-Methods'] = 'GET, POST, OPTIONS';
    headers['Access-Control-Allow-Headers'] = ALLOWED_HEADERS;
    headers['Access-Control-Max-Age'] = String(PREFLIGHT_MAX_AGE_SECONDS);
    // Chrome asks before a public page (e.g. a hosted UI) calls a server on localhost.
    if (req.headers['access-control-request-private-network'] === 'true') headers['Access-Control-Allow-Private-Network'] = 'true';
  }
  res.writeHead(204, headers).end();
}

function readBody(req: IncomingMessage, limit: number): Promise<Buffer | 'too large'> {
  if (Number(req.headers['content-length'] ?? 0) > limit) return Promise.resolve('too large');
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.removeAllListeners('data');
        req.pause();
        resolve('too large');
      } else chunks.push(chunk);
    });
    req.once('end', () => resolve(Buffer.concat(chunks)));
    req.once('error', reject);
  });
}

function sendText(res: ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
  // Plain text on purpose: older UIs call r.json() without checking the status, and a failed parse makes them show
  // the payloads undecoded instead of taking an error object for decoded payloads.
  res.writeHead(status, { ...headers, 'Content-Type': 'text/plain; charset=utf-8' }).end(`${text}\n`);
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
}
