// Is anything speaking SIP at a destination, before Exotel is told to send calls there? The probe resolves the host,
// connects (TCP, TLS), checks the certificate the way a TLS client that verifies host names would, and sends one
// SIP OPTIONS request, recording each step with its outcome, a short detail and its duration.
// A plain async function (no Temporal imports), so an activity can wrap it. It never throws for a network failure:
// that is a verdict. Only a destination that does not parse throws (InputValidationError naming `destination`).
import { randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { Resolver } from 'node:dns/promises';
import { connect as tcpConnect, isIP, type Socket } from 'node:net';
import { connect as tlsConnect, type PeerCertificate, type TLSSocket } from 'node:tls';
import { InputValidationError } from '../domain/issues';
import { parseDestination } from '../domain/rules';

export type SipTransport = 'udp' | 'tcp' | 'tls';
export type ProbeStepName = 'parse' | 'dns' | 'connect' | 'tls' | 'options';
export type ProbeVerdict = 'reachable' | 'unreachable' | 'tls-failed';

export interface ProbeStep {
  step: ProbeStepName;
  ok: boolean;
  /** One short line for people: what was found, or why it failed. */
  detail: string;
  durationMs: number;
}

export interface ProbeCertificate {
  /** `CN=acme.sip.livekit.cloud, O=…` */
  subject: string;
  issuer: string;
  /** The subjectAltName entries, e.g. `DNS:*.sip.livekit.cloud`. */
  altNames: string[];
  /** ISO 8601. */
  validFrom: string;
  validTo: string;
  /** Whole days until validTo (negative once expired). */
  daysLeft: number;
  /** Chain and host name verified (false only when the caller set rejectUnauthorized: false and it did not). */
  verified: boolean;
}

export interface SipAnswer {
  status: number;
  reason: string;
  /** The `Server` header, else undefined. */
  server?: string;
  userAgent?: string;
}

export interface ProbeResult {
  /** The canonical form probed: host:port;transport=… */
  destination: string;
  host: string;
  port: number;
  transport: SipTransport;
  /**
   * reachable: something answered the OPTIONS request with a final SIP response (any status);
   * unreachable: the name did not resolve, nothing accepted the connection, or no SIP answer came;
   * tls-failed: connected, but the TLS handshake or the certificate check failed.
   */
  verdict: ProbeVerdict;
  /** One line naming the failing step, or what answered. */
  summary: string;
  /** In the order run; a step after a failed one is not run. */
  steps: ProbeStep[];
  /** What the host resolved to (the address itself for an IP literal). */
  addresses: string[];
  /** The address connected to or sent to. */
  address?: string;
  certificate?: ProbeCertificate;
  answer?: SipAnswer;
}

/** What DNS is asked: node:dns/promises' Resolver by default; tests may answer themselves. */
export interface ProbeResolver {
  resolve4(host: string): Promise<string[]>;
  resolve6(host: string): Promise<string[]>;
}

export interface ProbeOptions {
  /** How long the whole probe may take, DNS to SIP answer; default (and for a value not above 0) 5000 ms. */
  timeoutMs?: number;
  tls?: {
    /** CAs to trust instead of Node's bundled roots (a test CA, a private PKI). */
    ca?: string | Buffer;
    /** The name the certificate must carry and that SNI sends; default the destination's host. */
    servername?: string;
    /** false: report a certificate that does not verify, but go on to OPTIONS. Default true. */
    rejectUnauthorized?: boolean;
  };
  resolver?: ProbeResolver;
  /** The host part of the From URI and Call-ID; default the local address the request leaves from. */
  fromDomain?: string;
}

export const DEFAULT_PROBE_TIMEOUT_MS = 5_000;
/** RFC 3261 timers T1 and T2: a UDP request is sent again after 500 ms, 1 s, 2 s, then every 4 s. */
const T1_MS = 500;
const T2_MS = 4_000;
const DAY_MS = 86_400_000;
/** How long a closed connection waits for the peer's goodbye before it is dropped. */
const CLOSE_GRACE_MS = 1_000;
const SOON_DAYS = 14;

export interface ProbeTarget {
  host: string;
  port: number;
  transport: SipTransport;
}

/**
 * The project's destination rules (domain/rules.ts), which refuse UDP because Exotel trunks do not take it; the
 * probe also reaches UDP endpoints, so `;transport=udp` is checked as the same host and port over another transport.
 */
export function parseProbeDestination(destination: string): ProbeTarget {
  const udp = /;transport=udp$/i.test(destination.trim());
  const parsed = parseDestination(udp ? destination.trim().replace(/;transport=udp$/i, ';transport=tcp') : destination);
  if (typeof parsed === 'string') throw new InputValidationError([{ field: 'destination', value: destination, rule: parsed }]);
  return udp ? { ...parsed, transport: 'udp' } : parsed;
}

type Outcome<T> = { ok: true; detail: string; value: T } | { ok: false; detail: string };
const passed = <T>(detail: string, value: T): Outcome<T> => ({ ok: true, detail, value });
const failed = (detail: string): Outcome<never> => ({ ok: false, detail });

export async function probeSipDestination(destination: string, options: ProbeOptions = {}): Promise<ProbeResult> {
  const started = performance.now();
  const target = parseProbeDestination(destination);
  const { host, port, transport } = target;
  const timeoutMs = options.timeoutMs !== undefined && options.timeoutMs > 0 ? options.timeoutMs : DEFAULT_PROBE_TIMEOUT_MS;
  const deadline = Date.now() + timeoutMs;
  const left = () => Math.max(0, deadline - Date.now());
  const result: ProbeResult = {
    destination: `${host}:${port};transport=${transport}`,
    ...target,
    verdict: 'unreachable',
    summary: '',
    steps: [{ step: 'parse', ok: true, detail: `${transport.toUpperCase()} to ${host} port ${port}`, durationMs: elapsed(started) }],
    addresses: [],
  };
  const step = async <T>(name: ProbeStepName, body: () => Promise<Outcome<T>>): Promise<T | undefined> => {
    const at = performance.now();
    let outcome: Outcome<T>;
    try {
      outcome = await body();
    } catch (err) {
      outcome = failed(`unexpected error: ${messageOf(err)}`); // a probe reports, it does not throw
    }
    result.steps.push({ step: name, ok: outcome.ok, detail: outcome.detail, durationMs: elapsed(at) });
    return outcome.ok ? outcome.value : undefined;
  };
  const sockets: Socket[] = [];
  try {
    const addresses = await step('dns', () => resolveAddresses(host, options.resolver, left()));
    if (!addresses) return concluded(result, 'unreachable');
    result.addresses = addresses;

    let exchange: (request: (local: Local) => string) => Promise<Outcome<SipAnswer>>;
    if (transport === 'udp') {
      const address = addresses[0] ?? host;
      result.address = address;
      exchange = (request) => exchangeUdp(address, port, request, left());
    } else {
      const connected = await step('connect', () => connectTcp(addresses, port, left()));
      if (!connected) return concluded(result, 'unreachable');
      sockets.push(connected);
      result.address = connected.remoteAddress;
      let stream: Socket = connected;
      if (transport === 'tls') {
        const seen = (certificate: ProbeCertificate) => (result.certificate = certificate); // refused ones too
        const secured = await step('tls', () => handshake(connected, host, options.tls ?? {}, left(), seen));
        if (!secured) return concluded(result, 'tls-failed');
        sockets.push(secured);
        stream = secured;
      }
      exchange = (request) => exchangeStream(stream, transport === 'tls' ? 'TLS' : 'TCP', request, left());
    }
    const answer = await step('options', () => exchange((local) => optionsRequest(target, local, options.fromDomain)));
    if (!answer) return concluded(result, 'unreachable');
    result.answer = answer;
    return concluded(result, 'reachable');
  } finally {
    closePolitely(sockets);
  }
}

function concluded(result: ProbeResult, verdict: ProbeVerdict): ProbeResult {
  result.verdict = verdict;
  const last = result.steps[result.steps.length - 1];
  result.summary =
    verdict === 'reachable'
      ? `reachable: ${result.destination} ${last?.detail ?? ''}`
      : `${verdict}: the ${last?.step ?? 'probe'} step failed for ${result.destination}: ${last?.detail ?? ''}`;
  return result;
}

const elapsed = (since: number) => Math.round(performance.now() - since);
const messageOf = (err: unknown) => (err instanceof Error ? err.message : String(err));
const codeOf = (err: unknown) => (err as NodeJS.ErrnoException | undefined)?.code;
const days = (n: number) => `${n} day${n === 1 ? '' : 's'}`;
const uriHost = (h: string) => (isIP(h) === 6 ? `[${h}]` : h);

/** Settles with `body`'s value, or with `onTimeout()`'s once `ms` have passed; `cleanup` runs either way. */
function within<T>(ms: number, body: Promise<T>, onTimeout: () => T, cleanup: () => void = () => undefined): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<T>((resolve) => (timer = setTimeout(() => resolve(onTimeout()), ms)));
  return Promise.race([body, timeout]).finally(() => {
    clearTimeout(timer);
    cleanup();
  });
}

/** Ends the outermost stream (a TLS close_notify, then FIN), dropping all of them if the peer does not close. */
function closePolitely(sockets: Socket[]): void {
  sockets[sockets.length - 1]?.end();
  setTimeout(() => sockets.forEach((socket) => socket.destroy()), CLOSE_GRACE_MS).unref();
}

// --- DNS ------------------------------------------------------------------------------------------------------

async function resolveAddresses(host: string, given: ProbeResolver | undefined, ms: number): Promise<Outcome<string[]>> {
  if (isIP(host)) return passed(`${host} is an IP address: nothing to resolve`, [host]);
  const resolver = given ?? new Resolver({ timeout: Math.max(1, ms), tries: 1 });
  const lookups = Promise.allSettled([resolver.resolve4(host), resolver.resolve6(host)]);
  const cancel = () => (resolver instanceof Resolver ? resolver.cancel() : undefined);
  const settled = await within(ms, lookups, () => undefined, cancel);
  if (!settled) return failed(`no DNS answer for ${host} within ${ms} ms`);
  const [a, aaaa] = settled;
  const addresses = [...(a.status === 'fulfilled' ? a.value : []), ...(aaaa.status === 'fulfilled' ? aaaa.value : [])];
  if (addresses.length > 0) return passed(`${host} → ${addresses.join(', ')}`, addresses);
  const codes = [a, aaaa].map((r) => (r.status === 'rejected' ? codeOf(r.reason) ?? messageOf(r.reason) : 'ENODATA'));
  if (codes.every((c) => c === 'ENOTFOUND' || c === 'ENODATA')) return failed(`${host} has no A or AAAA record (${[...new Set(codes)].join(', ')})`);
  if (codes.includes('ETIMEOUT')) return failed(`no DNS answer for ${host} within ${ms} ms`);
  return failed(`DNS lookup of ${host} failed (A: ${codes[0]}, AAAA: ${codes[1]})`);
}

// --- TCP --------------------------------------------------------------------------------------------------------

/** The first address (in DNS order, A before AAAA) that accepts a TCP connection. */
async function connectTcp(addresses: string[], port: number, ms: number): Promise<Outcome<Socket>> {
  const deadline = Date.now() + ms;
  const problems: string[] = [];
  for (const address of addresses) {
    const attempt = await connectOne(address, port, Math.max(0, deadline - Date.now()));
    if (attempt.ok) return attempt;
    problems.push(attempt.detail);
  }
  return failed(problems.join('; '));
}

function connectOne(address: string, port: number, ms: number): Promise<Outcome<Socket>> {
  const where = `${uriHost(address)}:${port}`;
  const socket = tcpConnect({ host: address, port });
  const attempt = new Promise<Outcome<Socket>>((resolve) => {
    socket.once('connect', () => resolve(passed(`TCP connection to ${where}`, socket)));
    socket.once('error', (err) => {
      const code = codeOf(err);
      if (code === 'ECONNREFUSED') resolve(failed(`connection refused by ${where}: nothing listens on that port`));
      else if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH') resolve(failed(`${where} is not reachable from here (${code})`));
      else resolve(failed(`TCP connection to ${where} failed: ${code ?? messageOf(err)}`));
    });
  });
  return within(ms, attempt, () => {
    socket.destroy();
    return failed(`no TCP answer from ${where} within ${ms} ms (a firewall may drop the packets)`);
  }).then((outcome) => {
    if (!outcome.ok) socket.destroy();
    socket.removeAllListeners('error');
    socket.on('error', () => undefined); // later errors show in the next step
    return outcome;
  });
}

// --- TLS --------------------------------------------------------------------------------------------------------

type Seen = (certificate: ProbeCertificate) => void;

async function handshake(tcp: Socket, host: string, tls: NonNullable<ProbeOptions['tls']>, ms: number, seen: Seen): Promise<Outcome<TLSSocket>> {
  const name = tls.servername ?? host;
  // Verified below rather than by Node, so that a refused certificate is still described (subject, expiry).
  const socket = tlsConnect({
    socket: tcp,
    host,
    ...(isIP(name) ? {} : { servername: name }),
    ...(tls.ca !== undefined ? { ca: tls.ca } : {}),
    rejectUnauthorized: false,
  });
  const secured = new Promise<Outcome<TLSSocket>>((resolve) => {
    socket.once('secureConnect', () => resolve(inspect(socket, name, tls.rejectUnauthorized !== false, seen)));
    socket.once('error', (err) => resolve(failed(`TLS handshake failed: ${messageOf(err)} (does the port speak TLS?)`)));
  });
  const outcome = await within(ms, secured, () => failed(`no TLS handshake within ${ms} ms (does the port speak TLS?)`));
  socket.removeAllListeners('error');
  socket.on('error', () => undefined);
  if (!outcome.ok) closePolitely([socket]);
  return outcome;
}

function inspect(socket: TLSSocket, name: string, mustVerify: boolean, seen: Seen): Outcome<TLSSocket> {
  const peer = socket.getPeerCertificate();
  if (!peer || Object.keys(peer).length === 0) return failed('the server sent no certificate');
  const validTo = new Date(peer.valid_to);
  const certificate: ProbeCertificate = {
    subject: distinguishedName(peer.subject),
    issuer: distinguishedName(peer.issuer),
    altNames: (peer.subjectaltname ?? '').split(', ').filter(Boolean),
    validFrom: new Date(peer.valid_from).toISOString(),
    validTo: validTo.toISOString(),
    daysLeft: Math.floor((validTo.getTime() - Date.now()) / DAY_MS),
    verified: socket.authorized,
  };
  seen(certificate);
  const left = certificate.daysLeft >= 0 ? `${days(certificate.daysLeft)} left` : `expired ${days(-certificate.daysLeft)} ago`;
  const described = `certificate ${certificate.subject} issued by ${certificate.issuer}, valid until ${certificate.validTo.slice(0, 10)} (${left})`;
  const protocol = socket.getProtocol() ?? 'TLS';
  if (socket.authorized) {
    const soon = certificate.daysLeft <= SOON_DAYS ? `; expires in ${days(certificate.daysLeft)}: renew it` : '';
    return passed(`${protocol}, ${described}, verified for ${name}${soon}`, socket);
  }
  const why = refusal(socket.authorizationError, certificate, name);
  if (mustVerify) return failed(`${why}; ${described}`);
  return passed(`${protocol}, ${described}, NOT verified (${why}); going on because rejectUnauthorized is false`, socket);
}

function distinguishedName(dn: PeerCertificate['subject'] | undefined): string {
  const parts = Object.entries(dn ?? {}).map(([k, v]) => `${k}=${Array.isArray(v) ? v.join('+') : String(v)}`);
  return parts.length > 0 ? parts.join(', ') : '(empty)';
}

/** Why the certificate was not accepted, in words (Node gives an OpenSSL code). */
function refusal(code: string | Error | null | undefined, cert: ProbeCertificate, name: string): string {
  const reason = typeof code === 'string' ? code : (code?.message ?? 'unknown');
  switch (reason) {
    case 'DEPTH_ZERO_SELF_SIGNED_CERT':
      return 'the certificate is self-signed';
    case 'SELF_SIGNED_CERT_IN_CHAIN':
      return 'the certificate chains to a self-signed root this machine does not trust';
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
    case 'UNABLE_TO_GET_ISSUER_CERT':
    case 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY':
      return `the certificate is issued by ${cert.issuer}, a CA this machine does not trust (or the server does not send its intermediate certificates)`;
    case 'CERT_HAS_EXPIRED':
      return `the certificate expired on ${cert.validTo.slice(0, 10)}`;
    case 'CERT_NOT_YET_VALID':
      return `the certificate is not valid before ${cert.validFrom.slice(0, 10)}`;
    case 'ERR_TLS_CERT_ALTNAME_INVALID':
      return `wrong host name: the certificate is for ${cert.altNames.join(', ') || cert.subject}, not ${name}`;
    default:
      return `the certificate does not verify (${reason})`;
  }
}

// --- SIP --------------------------------------------------------------------------------------------------------

interface Local {
  address: string;
  port: number;
}

const token = (bytes: number) => randomBytes(bytes).toString('hex');

/** An RFC 3261 OPTIONS request (section 11) from the probe's local address, with fresh branch, tag and Call-ID. */
function optionsRequest(target: ProbeTarget, local: Local, fromDomain?: string): string {
  const transportParam = target.transport === 'udp' ? '' : `;transport=${target.transport}`;
  const uri = `sip:${uriHost(target.host)}:${target.port}${transportParam}`;
  const here = `${uriHost(local.address)}:${local.port}`;
  const domain = fromDomain ?? uriHost(local.address);
  return [
    `OPTIONS ${uri} SIP/2.0`,
    `Via: SIP/2.0/${target.transport.toUpperCase()} ${here};branch=z9hG4bK${token(8)};rport`,
    'Max-Forwards: 70',
    `From: <sip:probe@${domain}>;tag=${token(6)}`,
    `To: <${uri}>`,
    `Call-ID: ${token(12)}@${domain}`,
    'CSeq: 1 OPTIONS',
    `Contact: <sip:probe@${here}${transportParam}>`,
    'Accept: application/sdp',
    'User-Agent: exotel-trunk-provisioner probe',
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');
}

interface SipMessage {
  startLine: string;
  headers: Map<string, string>;
}

/** RFC 3261 compact header forms the probe reads. */
const COMPACT: Record<string, string> = { i: 'call-id', l: 'content-length', v: 'via', f: 'from', t: 'to' };

function parseHead(head: string): SipMessage {
  const lines = head.split(/\r?\n/).reduce<string[]>((all, line) => {
    if (/^[ \t]/.test(line) && all.length > 0) all[all.length - 1] += ` ${line.trim()}`; // folded header
    else all.push(line);
    return all;
  }, []);
  const headers = new Map<string, string>();
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    const key = COMPACT[name] ?? name;
    if (!headers.has(key)) headers.set(key, line.slice(colon + 1).trim());
  }
  return { startLine: lines[0] ?? '', headers };
}

/** The answer to our request (same Call-ID and CSeq), or why this message is not one. */
function answerOf(message: SipMessage, callId: string): SipAnswer | 'not-sip' | 'other' {
  const status = /^SIP\/2\.0 ([1-6][0-9]{2})(?: (.*))?$/.exec(message.startLine);
  if (!status) return /^[A-Z]+ \S+ SIP\/2\.0$/.test(message.startLine) ? 'other' : 'not-sip';
  if (message.headers.get('call-id') !== callId || !/^1\s+OPTIONS$/i.test(message.headers.get('cseq') ?? '')) return 'other';
  const server = message.headers.get('server');
  const userAgent = message.headers.get('user-agent');
  return {
    status: Number(status[1]),
    reason: status[2] ?? '',
    ...(server !== undefined ? { server } : {}),
    ...(userAgent !== undefined ? { userAgent } : {}),
  };
}

const callIdOf = (request: string) => /^Call-ID: (.*)$/m.exec(request)?.[1]?.trim() ?? '';

function describeAnswer(a: SipAnswer, over: string): string {
  const who = a.server ?? a.userAgent;
  const by = who ? ` (${a.server !== undefined ? 'Server' : 'User-Agent'}: ${who})` : '';
  const said = `answered OPTIONS over ${over} with ${a.status} ${a.reason}`.trimEnd() + by;
  if (a.status < 300) return said;
  return `${said}: something speaks SIP there, though it did not accept this OPTIONS request`;
}

/**
 * The final response, awaited on a stream (TCP, TLS). `request` is built once the local address is known.
 * Provisional (1xx) responses and other messages (keep-alive CRLFs, requests) are skipped.
 */
function exchangeStream(socket: Socket, over: 'TCP' | 'TLS', request: (local: Local) => string, ms: number): Promise<Outcome<SipAnswer>> {
  const text = request({ address: socket.localAddress ?? '0.0.0.0', port: socket.localPort ?? 0 });
  const callId = callIdOf(text);
  let buffered: Buffer = Buffer.alloc(0);
  let provisional = '';
  let settle: (outcome: Outcome<SipAnswer>) => void = () => undefined;
  const onData = (chunk: Buffer) => {
    buffered = Buffer.concat([buffered, chunk]);
    for (;;) {
      const taken = takeMessage(buffered);
      if (taken === 'incomplete') return;
      if (taken === 'not-sip') return settle(failed(`answered something that is not SIP: ${firstLine(buffered)}`));
      buffered = taken.rest;
      const answer = answerOf(taken.message, callId);
      if (answer === 'not-sip') return settle(failed(`answered something that is not SIP: ${JSON.stringify(taken.message.startLine.slice(0, 80))}`));
      if (answer === 'other') continue;
      if (answer.status >= 200) return settle(passed(describeAnswer(answer, over), answer));
      provisional = ` (after ${answer.status} ${answer.reason})`;
    }
  };
  const onClose = () => settle(failed(`the connection closed without a SIP answer to OPTIONS${provisional}`));
  const onError = (err: Error) => settle(failed(`the connection failed before a SIP answer: ${codeOf(err) ?? err.message}`));
  const answered = new Promise<Outcome<SipAnswer>>((resolve) => {
    settle = resolve;
    socket.on('data', onData).on('close', onClose).on('error', onError);
    socket.write(text);
  });
  return within(ms, answered, () => failed(`no SIP answer to OPTIONS over ${over} within ${ms} ms${provisional}`), () => {
    socket.off('data', onData).off('close', onClose).off('error', onError);
  });
}

const firstLine = (data: Buffer) => JSON.stringify(data.subarray(0, 80).toString('latin1').split(/\r?\n/)[0] ?? '');

/** One SIP message off the front of a stream (RFC 3261 18.3: Content-Length frames it); leading CRLFs are keep-alives. */
function takeMessage(data: Buffer): { message: SipMessage; rest: Buffer } | 'incomplete' | 'not-sip' {
  let start = 0;
  while (start < data.length && (data[start] === 0x0d || data[start] === 0x0a)) start++;
  const end = data.indexOf('\r\n\r\n', start);
  if (end < 0) {
    if (data.length - start > 4 && !/^(SIP\/|[A-Z]+ )/.test(data.subarray(start, start + 8).toString('latin1'))) return 'not-sip';
    return data.length - start > 65_536 ? 'not-sip' : 'incomplete';
  }
  const message = parseHead(data.subarray(start, end).toString('utf8'));
  const length = Number(message.headers.get('content-length') ?? 0);
  const bodyEnd = end + 4 + (Number.isFinite(length) && length > 0 ? length : 0);
  if (data.length < bodyEnd) return 'incomplete';
  return { message, rest: data.subarray(bodyEnd) };
}

/** The final response over UDP, retransmitting on RFC 3261's schedule (Timer E) until it comes or time is up. */
function exchangeUdp(address: string, port: number, request: (local: Local) => string, ms: number): Promise<Outcome<SipAnswer>> {
  const where = `${uriHost(address)}:${port}`;
  const socket = createSocket(isIP(address) === 6 ? 'udp6' : 'udp4');
  let timer: NodeJS.Timeout | undefined;
  let provisional = '';
  const answered = new Promise<Outcome<SipAnswer>>((resolve) => {
    socket.on('error', (err) => {
      // A connected UDP socket hears the ICMP "port unreachable" as ECONNREFUSED.
      if (codeOf(err) === 'ECONNREFUSED') resolve(failed(`UDP ${where} is closed: the host answered "port unreachable"`));
      else resolve(failed(`sending to UDP ${where} failed: ${codeOf(err) ?? err.message}`));
    });
    socket.connect(port, address, () => {
      const local = socket.address();
      const text = request({ address: local.address, port: local.port });
      const callId = callIdOf(text);
      socket.on('message', (datagram: Buffer) => {
        const end = datagram.indexOf('\r\n\r\n');
        const answer = answerOf(parseHead(datagram.subarray(0, end < 0 ? datagram.length : end).toString('utf8')), callId);
        if (answer === 'not-sip') resolve(failed(`answered something that is not SIP: ${firstLine(datagram)}`));
        else if (answer !== 'other' && answer.status < 200) provisional = ` (after ${answer.status} ${answer.reason})`;
        else if (answer !== 'other') resolve(passed(describeAnswer(answer, 'UDP'), answer));
      });
      const send = (interval: number) => {
        socket.send(text);
        timer = setTimeout(() => send(Math.min(interval * 2, T2_MS)), interval);
      };
      send(T1_MS);
    });
  });
  return within(
    ms,
    answered,
    () => failed(`no SIP answer to OPTIONS from UDP ${where} within ${ms} ms${provisional} (nothing answering, or a firewall dropping it)`),
    () => {
      clearTimeout(timer);
      socket.close(() => undefined);
    },
  );
}
