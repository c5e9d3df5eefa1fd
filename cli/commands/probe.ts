// trunkctl probe: is anything speaking SIP at a destination, before Exotel is told to send a number's calls there?
// DNS, TCP, the TLS certificate and one SIP OPTIONS request (sip/options-probe.ts), each step printed with its
// outcome. Needs no Temporal. Exit 0 reachable, 1 unreachable or tls-failed, 2 bad usage or input.
import { Command } from '@commander-js/extra-typings';
import { readFileSync } from 'node:fs';
import { durationMs } from '../../domain/rules';
import { DEFAULT_PROBE_TIMEOUT_MS, probeSipDestination, type ProbeResult } from '../../sip/options-probe';
import { durationFlag, ExitCodes, UsageError, type ExitCode } from '../context';
import { table } from '../format';

interface ProbeFlags {
  timeout?: string;
  caFile?: string;
  json?: true;
}

export const probeCommand = new Command('probe')
  .description('check that a SIP destination answers (DNS, TCP, TLS certificate, SIP OPTIONS) before mapping it on Exotel')
  .argument('<destination>', 'host:port;transport=tls|tcp|udp, e.g. acme.sip.livekit.cloud:5061;transport=tls')
  .option('--timeout <duration>', `how long the whole probe may take, e.g. 5s or 1500 (ms); default ${DEFAULT_PROBE_TIMEOUT_MS / 1000}s`)
  .option('--ca-file <path>', "PEM file of the CAs to trust instead of Node's bundled roots (a private PKI)")
  .option('--json', 'print the result (ProbeResult in sip/options-probe.ts) as JSON')
  .addHelpText(
    'after',
    `
Examples:
  trunkctl probe 'acme.sip.livekit.cloud:5061;transport=tls'
  trunkctl probe '203.0.113.10:5060;transport=tcp' --timeout 3s --json

Verdicts: reachable (a SIP final response, any status: even 403/404/405 means something speaks SIP there),
unreachable (the name does not resolve, the connection is refused or times out, no SIP answer), tls-failed (the
handshake or the certificate check failed: self-signed, untrusted, expired, or for another host name).
Exit codes: 0 reachable, 1 unreachable or tls-failed, 2 bad usage or input.`,
  )
  .action(async (destination, flags) => {
    process.exitCode = await probe(destination, flags);
  });

async function probe(destination: string, flags: ProbeFlags): Promise<ExitCode> {
  const timeoutMs = flags.timeout === undefined ? undefined : durationMs(durationFlag(flags.timeout));
  if (timeoutMs === null || timeoutMs === 0) throw new UsageError(`--timeout ${flags.timeout ?? ''}: must be a duration above 0, such as 5s or 1500 (ms)`);
  const ca = flags.caFile === undefined ? undefined : readCaFile(flags.caFile);
  const result = await probeSipDestination(destination, {
    ...(timeoutMs !== undefined ? { timeoutMs } : {}),
    ...(ca !== undefined ? { tls: { ca } } : {}),
  });
  console.log(flags.json ? JSON.stringify(result) : formatProbe(result));
  return result.verdict === 'reachable' ? ExitCodes.done : ExitCodes.failed;
}

function readCaFile(file: string): string {
  let pem: string;
  try {
    pem = readFileSync(file, 'utf8');
  } catch (err) {
    throw new UsageError(`--ca-file ${file}: cannot be read (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
  if (!pem.includes('-----BEGIN CERTIFICATE-----')) throw new UsageError(`--ca-file ${file}: holds no PEM certificate`);
  return pem;
}

export function formatProbe(result: ProbeResult): string {
  const rows = result.steps.map((s) => [s.ok ? 'ok' : 'FAILED', s.step, `${s.durationMs} ms`, s.detail]);
  return [`probe ${result.destination}`, table(rows).replace(/^/gm, '  '), result.summary].join('\n');
}
