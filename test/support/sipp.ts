// A real SIP endpoint for tests: SIPp as a UAS on 127.0.0.1 (a free port), answering every OPTIONS request with
// 200 OK (or the status asked for), over UDP, TCP or TLS. The binary comes from scripts/sipp.sh (Debian's
// sip-tester); the scenario, a throwaway CA and a server certificate for `localhost` (openssl) live in a temp dir
// that stop() removes.
// TLS: the endpoint is a Node TLS server holding the certificate, in front of SIPp over TCP, so the handshake and
// the certificate are real and the SIP answer is still SIPp's. Debian's SIPp is built without TLS (`-t l1` says
// "you must compile SIPp with OpenSSL"), and SIPp 3.7.7 built with it exits ("Error in SSL_accept: SSL protocol
// error") once a client drops a connection without a TLS close, which is what a probe refusing a certificate does.
import { execFileSync, spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { connect, type Socket } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { createServer as createTlsServer, type Server as TlsServer } from 'node:tls';
import type { SipTransport } from '../../sip/options-probe';
import { freePorts } from '../../scripts/dev-server';

export interface SippUas {
  /** Where it listens, on 127.0.0.1. */
  port: number;
  transport: SipTransport;
  /** The PEM of the CA that issued the TLS certificate (for `localhost`); '' for UDP and TCP. */
  caPem: string;
  /** Kills SIPp (and the TLS front) and removes the temp dir. Idempotent. */
  stop(): Promise<void>;
}

export interface SippUasOptions {
  /** The final response to OPTIONS; default 200 OK. */
  status?: { code: number; reason: string };
  /** TLS: how many days the server certificate is valid from now; default 30, and -1 makes one that has expired. */
  certificateDays?: number;
}

const SCRIPT = path.join(__dirname, '..', '..', 'scripts', 'sipp.sh');
const START_TIMEOUT_MS = 15_000;
const STOP_GRACE_MS = 3_000;

let sippBinary: string | undefined;

/** scripts/sipp.sh's answer (it installs sip-tester on first use); resolved once per process. */
const sipp = (): string =>
  (sippBinary ??= execFileSync('bash', [SCRIPT], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim());

const scenario = ({ code, reason }: { code: number; reason: string }) => `<?xml version="1.0" encoding="ISO-8859-1" ?>
<scenario name="answer OPTIONS">
  <recv request="OPTIONS" />
  <send>
    <![CDATA[

      SIP/2.0 ${code} ${reason}
      [last_Via:]
      [last_From:]
      [last_To:];tag=[pid]SIPpTag[call_number]
      [last_Call-ID:]
      [last_CSeq:]
      Contact: <sip:sipp@[local_ip]:[local_port];transport=[transport]>
      Allow: INVITE, ACK, CANCEL, BYE, OPTIONS
      Accept: application/sdp
      Server: SIPp UAS (test/support/sipp.ts)
      Content-Length: [len]

    ]]>
  </send>
</scenario>
`;

/** A CA and a server certificate for DNS:localhost that it issued, as PEM files in `dir`. */
function makeCertificates(dir: string, days: number): { caPem: string; cert: string; key: string } {
  const file = (name: string) => path.join(dir, name);
  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  openssl('req', '-x509', ...ec, '-keyout', file('ca.key'), '-out', file('ca.pem'), '-days', '30', '-subj', '/CN=Probe Test CA');
  openssl('req', ...ec, '-keyout', file('server.key'), '-out', file('server.csr'), '-subj', '/CN=localhost');
  writeFileSync(file('server.ext'), 'subjectAltName=DNS:localhost\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n');
  openssl('x509', '-req', '-in', file('server.csr'), '-CA', file('ca.pem'), '-CAkey', file('ca.key'), '-CAcreateserial',
    '-out', file('server.pem'), '-days', String(days), '-extfile', file('server.ext'));
  return { caPem: readFileSync(file('ca.pem'), 'utf8'), cert: file('server.pem'), key: file('server.key') };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * True once 127.0.0.1:port is bound (UDP) or listening (TCP), read from /proc: binding the port to find out could
 * steal it, and a test connection would be a call SIPp logs.
 */
async function listening(transport: 'udp' | 'tcp', port: number): Promise<boolean> {
  const table = await readFile(transport === 'udp' ? '/proc/net/udp' : '/proc/net/tcp', 'utf8');
  const local = `0100007F:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  return table.split('\n').some((line) => {
    const [, address, , state] = line.trim().split(/\s+/);
    return address === local && (transport === 'udp' || state === '0A'); // 0A: LISTEN
  });
}

export async function startSippUas(transport: SipTransport, options: SippUasOptions = {}): Promise<SippUas> {
  const binary = sipp();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'sipp-uas-'));
  const [port, backPort] = (await freePorts(2)) as [number, number];
  const certificates = transport === 'tls' ? makeCertificates(dir, options.certificateDays ?? 30) : undefined;
  writeFileSync(path.join(dir, 'uas.xml'), scenario(options.status ?? { code: 200, reason: 'OK' }));
  // u1: one UDP socket; t1: one listening TCP socket (behind the TLS front for tls).
  const sippPort = certificates ? backPort : port;
  const args = ['-sf', 'uas.xml', '-i', '127.0.0.1', '-p', String(sippPort), '-t', transport === 'udp' ? 'u1' : 't1',
    '-nostdin', '-trace_err', '-error_file', 'errors.log'];

  const logFile = path.join(dir, 'sipp.log');
  const fd = openSync(logFile, 'a');
  const child = spawn(binary, args, { cwd: dir, stdio: ['ignore', fd, fd] });
  closeSync(fd);
  let spawnError: Error | undefined;
  child.once('error', (err) => (spawnError = err));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let tlsFront: TlsServer | undefined;
  const connections = new Set<Socket>();
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);

  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      for (const socket of connections) socket.destroy();
      await new Promise((resolve) => (tlsFront ? tlsFront.close(resolve) : resolve(undefined)));
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
        await exited;
        clearTimeout(timer);
      }
      process.removeListener('exit', killOnExit);
      rmSync(dir, { recursive: true, force: true });
    })();
    return stopping;
  };

  try {
    const deadline = Date.now() + START_TIMEOUT_MS;
    for (;;) {
      if (spawnError) throw new Error(`could not run ${binary}: ${spawnError.message}`);
      if (child.exitCode !== null || child.signalCode !== null) throw new Error(`sipp exited early (code ${child.exitCode}, signal ${child.signalCode})`);
      if (await listening(transport === 'udp' ? 'udp' : 'tcp', sippPort)) break;
      if (Date.now() > deadline) throw new Error(`sipp did not listen on ${transport} 127.0.0.1:${sippPort} within ${START_TIMEOUT_MS} ms`);
      await sleep(50);
    }
    if (certificates) {
      // TLS terminated here, each connection piped to SIPp's TCP port.
      tlsFront = createTlsServer({ cert: readFileSync(certificates.cert), key: readFileSync(certificates.key) }, (tls) => {
        const back = connect({ host: '127.0.0.1', port: backPort });
        for (const socket of [tls, back]) {
          connections.add(socket);
          socket.on('error', () => undefined).once('close', () => connections.delete(socket));
        }
        tls.pipe(back).pipe(tls);
        tls.once('close', () => back.destroy());
        back.once('close', () => tls.destroy());
      });
      const server = tlsFront;
      await new Promise<void>((resolve, reject) => server.once('error', reject).listen(port, '127.0.0.1', resolve));
    }
  } catch (err) {
    let log = '';
    try {
      log = readFileSync(logFile, 'utf8').split('\n').filter((l) => l.trim() !== '').slice(-15).join('\n');
    } catch {
      log = '(no log)';
    }
    await stop();
    throw new Error(`SIPp UAS (${transport}) did not start: ${err instanceof Error ? err.message : String(err)}\n${log}`);
  }
  return { port, transport, caPem: certificates?.caPem ?? '', stop };
}
