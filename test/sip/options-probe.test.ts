// The reachability probe against a real SIP endpoint (SIPp as a UAS, test/support/sipp.ts) over UDP, TCP and TLS,
// and against what is not one: a refused or silent port, a name that does not resolve, a certificate that does not
// verify, a server that speaks another protocol. Steps and verdicts are asserted, not timings.
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputValidationError } from '../../domain/issues';
import { freePorts } from '../../scripts/dev-server';
import { probeSipDestination, type ProbeResult, type SipTransport } from '../../sip/options-probe';
import { startSippUas, type SippUas, type SippUasOptions } from '../support/sipp';

const stepsOf = (r: ProbeResult) => r.steps.map((s) => `${s.step}:${s.ok ? 'ok' : 'failed'}`);
const failedStep = (r: ProbeResult) => r.steps.find((s) => !s.ok);

/** A UAS of its own for one test. */
async function withUas<T>(transport: SipTransport, options: SippUasOptions, body: (uas: SippUas) => Promise<T>): Promise<T> {
  const uas = await startSippUas(transport, options);
  try {
    return await body(uas);
  } finally {
    await uas.stop();
  }
}

describe.each(['udp', 'tcp', 'tls'] as const)('a SIPp UAS over %s', (transport) => {
  let uas: SippUas;
  beforeAll(async () => {
    uas = await startSippUas(transport);
  });
  afterAll(() => uas?.stop());

  it('is reachable: the OPTIONS request is answered 200 OK, with the Server header', async () => {
    const result = await probeSipDestination(`127.0.0.1:${uas.port};transport=${transport}`, {
      tls: { ca: uas.caPem, servername: 'localhost' },
    });
    expect(result.verdict, result.summary).toBe('reachable');
    const network = { udp: [], tcp: ['connect:ok'], tls: ['connect:ok', 'tls:ok'] }[transport];
    expect(stepsOf(result)).toEqual(['parse:ok', 'dns:ok', ...network, 'options:ok']);
    expect(result.answer).toEqual({ status: 200, reason: 'OK', server: 'SIPp UAS (test/support/sipp.ts)' });
    expect(result.destination).toBe(`127.0.0.1:${uas.port};transport=${transport}`);
    expect(result.addresses).toEqual(['127.0.0.1']);
    expect(result.summary).toContain(`answered OPTIONS over ${transport.toUpperCase()} with 200 OK`);
    for (const step of result.steps) expect(step.durationMs).toBeGreaterThanOrEqual(0);
  });
});

describe('TLS certificate checks', () => {
  let uas: SippUas;
  beforeAll(async () => {
    uas = await startSippUas('tls');
  });
  afterAll(() => uas?.stop());
  const destination = () => `127.0.0.1:${uas.port};transport=tls`;

  it('reports the subject, issuer, expiry and days left of a certificate that verifies', async () => {
    const result = await probeSipDestination(destination(), { tls: { ca: uas.caPem, servername: 'localhost' } });
    expect(result.certificate).toMatchObject({ subject: 'CN=localhost', issuer: 'CN=Probe Test CA', altNames: ['DNS:localhost'], verified: true });
    expect(result.certificate?.daysLeft).toBeGreaterThanOrEqual(28);
    expect(Date.parse(result.certificate?.validTo ?? '')).toBeGreaterThan(Date.now());
    expect(result.steps.find((s) => s.step === 'tls')?.detail).toMatch(/certificate CN=localhost issued by CN=Probe Test CA, valid until \d{4}-\d\d-\d\d \(\d+ days left\), verified for localhost$/);
  });

  it('is tls-failed for a certificate from a CA this machine does not trust, and sends no OPTIONS', async () => {
    const result = await probeSipDestination(destination(), { tls: { servername: 'localhost' } });
    expect(result.verdict).toBe('tls-failed');
    expect(stepsOf(result)).toEqual(['parse:ok', 'dns:ok', 'connect:ok', 'tls:failed']);
    expect(failedStep(result)?.detail).toMatch(/issued by CN=Probe Test CA, a CA this machine does not trust/);
    expect(result.certificate).toMatchObject({ subject: 'CN=localhost', verified: false });
    expect(result.summary).toMatch(/^tls-failed: the tls step failed/);
    expect(result.answer).toBeUndefined();
  });

  it.each([
    ['the address connected to', undefined, '127.0.0.1'],
    ['a servername the certificate does not carry', 'sip.example.com', 'sip.example.com'],
  ])('is tls-failed for a wrong host name: %s', async (_, servername, named) => {
    const result = await probeSipDestination(destination(), { tls: { ca: uas.caPem, ...(servername ? { servername } : {}) } });
    expect(result.verdict).toBe('tls-failed');
    expect(failedStep(result)).toMatchObject({ step: 'tls', detail: expect.stringContaining(`wrong host name: the certificate is for DNS:localhost, not ${named}`) as string });
  });

  it('with rejectUnauthorized false, says the certificate is not verified and goes on to OPTIONS', async () => {
    const result = await probeSipDestination(destination(), { tls: { rejectUnauthorized: false } });
    expect(result.verdict).toBe('reachable');
    expect(result.certificate?.verified).toBe(false);
    expect(result.steps.find((s) => s.step === 'tls')?.detail).toMatch(/NOT verified \(.*does not trust.*\)/);
  });

  it('is tls-failed for a certificate that has expired, saying when', () =>
    withUas('tls', { certificateDays: -1 }, async (expired) => {
      const result = await probeSipDestination(`127.0.0.1:${expired.port};transport=tls`, { tls: { ca: expired.caPem, servername: 'localhost' } });
      expect(result.verdict).toBe('tls-failed');
      expect(failedStep(result)?.detail).toMatch(/^the certificate expired on \d{4}-\d\d-\d\d; /);
      expect(result.certificate?.daysLeft).toBeLessThan(0);
    }));

  it('is tls-failed when the port speaks plain TCP', () =>
    withUas('tcp', {}, async (tcp) => {
      const result = await probeSipDestination(`127.0.0.1:${tcp.port};transport=tls`, { timeoutMs: 2_000 });
      expect(result.verdict).toBe('tls-failed');
      expect(failedStep(result)).toMatchObject({ step: 'tls', detail: expect.stringContaining('does the port speak TLS?') as string });
    }));
});

describe('reachable with a refusal', () => {
  it('counts a 405 answer as reachable: something speaks SIP there', () =>
    withUas('udp', { status: { code: 405, reason: 'Method Not Allowed' } }, async (uas) => {
      const result = await probeSipDestination(`127.0.0.1:${uas.port};transport=udp`);
      expect(result.verdict).toBe('reachable');
      expect(result.answer).toMatchObject({ status: 405, reason: 'Method Not Allowed' });
      expect(result.summary).toContain('405 Method Not Allowed');
      expect(result.summary).toContain('something speaks SIP there');
    }));
});

describe('unreachable', () => {
  it('a closed TCP port: connection refused', async () => {
    const [port] = await freePorts(1);
    const result = await probeSipDestination(`127.0.0.1:${port};transport=tcp`);
    expect(result.verdict).toBe('unreachable');
    expect(stepsOf(result)).toEqual(['parse:ok', 'dns:ok', 'connect:failed']);
    expect(failedStep(result)?.detail).toBe(`connection refused by 127.0.0.1:${port}: nothing listens on that port`);
    expect(result.summary).toMatch(/^unreachable: the connect step failed/);
  });

  describe('a UDP port where nothing answers', () => {
    let silent: UdpSocket;
    const received: string[] = [];
    beforeAll(async () => {
      silent = createSocket('udp4').on('message', (m) => received.push(m.toString('utf8')));
      await new Promise<void>((resolve) => silent.bind(0, '127.0.0.1', resolve));
    });
    afterAll(() => new Promise<void>((resolve) => silent.close(() => resolve())));

    it('times out, after sending an RFC 3261 OPTIONS request again on its retransmission schedule', async () => {
      const port = silent.address().port;
      const result = await probeSipDestination(`127.0.0.1:${port};transport=udp`, { timeoutMs: 1_500, fromDomain: 'probe.example.com' });
      expect(result.verdict).toBe('unreachable');
      expect(stepsOf(result)).toEqual(['parse:ok', 'dns:ok', 'options:failed']);
      expect(failedStep(result)?.detail).toMatch(/^no SIP answer to OPTIONS from UDP 127\.0\.0\.1:\d+ within \d+ ms/);

      expect(received.length).toBeGreaterThanOrEqual(2); // sent at 0 and 500 ms
      expect(new Set(received).size).toBe(1); // a retransmission is the same request
      const [startLine, ...headers] = (received[0] ?? '').split('\r\n');
      expect(startLine).toBe(`OPTIONS sip:127.0.0.1:${port} SIP/2.0`);
      expect(headers).toEqual([
        expect.stringMatching(/^Via: SIP\/2\.0\/UDP 127\.0\.0\.1:\d+;branch=z9hG4bK[0-9a-f]+;rport$/),
        'Max-Forwards: 70',
        expect.stringMatching(/^From: <sip:probe@probe\.example\.com>;tag=[0-9a-f]+$/),
        `To: <sip:127.0.0.1:${port}>`,
        expect.stringMatching(/^Call-ID: [0-9a-f]+@probe\.example\.com$/),
        'CSeq: 1 OPTIONS',
        expect.stringMatching(/^Contact: <sip:probe@127\.0\.0\.1:\d+>$/),
        'Accept: application/sdp',
        'User-Agent: exotel-trunk-provisioner probe',
        'Content-Length: 0',
        '',
        '',
      ]);
    });
  });

  it('a closed UDP port: the host answers "port unreachable"', async () => {
    const [port] = await freePorts(1);
    const result = await probeSipDestination(`127.0.0.1:${port};transport=udp`, { timeoutMs: 2_000 });
    expect(result.verdict).toBe('unreachable');
    expect(failedStep(result)?.step).toBe('options');
  });

  it('a host name that does not resolve', async () => {
    const result = await probeSipDestination('nonexistent.invalid:5061;transport=tls', { timeoutMs: 3_000 });
    expect(result.verdict).toBe('unreachable');
    expect(stepsOf(result)).toEqual(['parse:ok', 'dns:failed']);
    expect(failedStep(result)?.detail).toMatch(/nonexistent\.invalid/);
    expect(result.summary).toMatch(/^unreachable: the dns step failed for nonexistent\.invalid:5061;transport=tls/);
  });

  describe('a server that speaks something else', () => {
    let http: Server;
    beforeAll(async () => {
      http = createServer((socket) => socket.once('data', () => socket.end('HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n')));
      await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    });
    afterAll(() => new Promise<void>((resolve) => http.close(() => resolve())));

    it('is unreachable: no SIP answer', async () => {
      const port = (http.address() as { port: number }).port;
      const result = await probeSipDestination(`127.0.0.1:${port};transport=tcp`);
      expect(result.verdict).toBe('unreachable');
      expect(failedStep(result)).toMatchObject({ step: 'options', detail: 'answered something that is not SIP: "HTTP/1.1 400 Bad Request"' });
    });
  });
});

describe('DNS', () => {
  it('records the addresses a host name resolves to (a resolver of the caller), and connects to them', () =>
    withUas('tcp', {}, async (uas) => {
      const resolver = { resolve4: async () => ['127.0.0.1'], resolve6: async () => Promise.reject(Object.assign(new Error('no AAAA'), { code: 'ENODATA' })) };
      const result = await probeSipDestination(`SIP.Example.com:${uas.port};transport=TCP`, { resolver });
      expect(result.verdict).toBe('reachable');
      expect(result.destination).toBe(`sip.example.com:${uas.port};transport=tcp`);
      expect(result.steps.find((s) => s.step === 'dns')?.detail).toBe('sip.example.com → 127.0.0.1');
      expect(result.addresses).toEqual(['127.0.0.1']);
    }));

  it('a DNS server that does not answer is unreachable within the timeout', async () => {
    const never = () => new Promise<string[]>(() => undefined);
    const result = await probeSipDestination('sip.example.com:5061;transport=tls', { resolver: { resolve4: never, resolve6: never }, timeoutMs: 300 });
    expect(result.verdict).toBe('unreachable');
    expect(failedStep(result)).toMatchObject({ step: 'dns', detail: 'no DNS answer for sip.example.com within 300 ms' });
  });
});

describe('a destination that does not parse', () => {
  it.each([
    ['acme.sip.livekit.cloud', /host:port;transport=tls/],
    ['acme.sip.livekit.cloud:99999;transport=tls', /port must be 1-65535/],
    ['acme.sip.livekit.cloud:5061;transport=ws', /transport must be tls or tcp, not ws/],
    ['not a host:5060;transport=tcp', /fully qualified domain name/],
  ])('%s: throws naming the field, the value and the rule', async (destination, rule) => {
    const error = await probeSipDestination(destination).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(InputValidationError);
    expect((error as InputValidationError).issues).toEqual([{ field: 'destination', value: destination, rule: expect.stringMatching(rule) as string }]);
  });
});
