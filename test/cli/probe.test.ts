// trunkctl probe as people and scripts run it, against a real SIPp UAS: each step with ok/FAILED, the verdict,
// --json, and the exit codes (0 reachable, 1 unreachable or tls-failed, 2 bad input).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePorts } from '../../scripts/dev-server';
import type { ProbeResult } from '../../sip/options-probe';
import { startSippUas, type SippUas } from '../support/sipp';
import { trunkctl } from '../support/trunkctl';

describe('trunkctl probe', () => {
  let tcp: SippUas;
  let tls: SippUas;
  let dir: string;
  beforeAll(async () => {
    [tcp, tls] = await Promise.all([startSippUas('tcp'), startSippUas('tls')]);
    dir = mkdtempSync(path.join(os.tmpdir(), 'probe-cli-'));
    writeFileSync(path.join(dir, 'ca.pem'), tls.caPem);
  });
  afterAll(async () => {
    await Promise.all([tcp?.stop(), tls?.stop()]);
    rmSync(dir, { recursive: true, force: true });
  });

  it('prints each step and the verdict, exit 0, for a destination that answers', async () => {
    const run = await trunkctl(['probe', `127.0.0.1:${tcp.port};transport=tcp`]);
    expect(run.code, run.stderr).toBe(0);
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe(`probe 127.0.0.1:${tcp.port};transport=tcp`);
    expect(lines.slice(1, -1).map((l) => l.trim().split(/\s+/).slice(0, 2).join(' '))).toEqual(['ok parse', 'ok dns', 'ok connect', 'ok options']);
    expect(lines.at(-1)).toMatch(/^reachable: .* answered OPTIONS over TCP with 200 OK \(Server: SIPp UAS/);
  });

  it('--json prints the result', async () => {
    const run = await trunkctl(['probe', `127.0.0.1:${tcp.port};transport=tcp`, '--json']);
    expect(run.code, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout) as ProbeResult;
    expect(result).toMatchObject({ verdict: 'reachable', transport: 'tcp', answer: { status: 200, reason: 'OK' } });
  });

  it('exit 1 with the failing step FAILED: TLS with --ca-file, but the certificate is for localhost, not 127.0.0.1', async () => {
    const run = await trunkctl(['probe', `127.0.0.1:${tls.port};transport=tls`, '--ca-file', path.join(dir, 'ca.pem')]);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^ {2}FAILED {2}tls .*wrong host name: the certificate is for DNS:localhost, not 127\.0\.0\.1/m);
    expect(run.stdout.trimEnd().split('\n').at(-1)).toMatch(/^tls-failed: the tls step failed/);
    const untrusted = await trunkctl(['probe', `127.0.0.1:${tls.port};transport=tls`]);
    expect(untrusted.code).toBe(1);
    expect(untrusted.stdout).toContain('a CA this machine does not trust');
  });

  it('exit 1 for a closed port, within --timeout', async () => {
    const [port] = await freePorts(1);
    const run = await trunkctl(['probe', `127.0.0.1:${port};transport=udp`, '--timeout', '1s', '--json']);
    expect(run.code).toBe(1);
    expect(JSON.parse(run.stdout)).toMatchObject({ verdict: 'unreachable' });
  });

  it('exit 2 for a destination that does not parse, naming the field, the value and the rule', async () => {
    const run = await trunkctl(['probe', 'acme.sip.livekit.cloud']);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('destination = "acme.sip.livekit.cloud": must be host:port;transport=tls');
    const json = await trunkctl(['probe', 'acme.sip.livekit.cloud:99999;transport=tls', '--json']);
    expect(json.code).toBe(2);
    expect(JSON.parse(json.stderr)).toMatchObject({ issues: [{ field: 'destination', value: 'acme.sip.livekit.cloud:99999;transport=tls', rule: 'port must be 1-65535' }], exitCode: 2 });
  });

  it.each([
    [['--timeout', 'soon'], '--timeout soon: must be a duration'],
    [['--timeout', '0'], '--timeout 0: must be a duration above 0'],
    [['--ca-file', '/nonexistent/ca.pem'], '--ca-file /nonexistent/ca.pem: cannot be read (ENOENT)'],
  ])('exit 2 for bad flags: %j', async (flags, said) => {
    const run = await trunkctl(['probe', `127.0.0.1:${tcp.port};transport=tcp`, ...flags]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(said);
  });

  it('--help shows its options and an example', async () => {
    const run = await trunkctl(['probe', '--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Usage: trunkctl probe [options] <destination>');
    expect(run.stdout).toMatch(/Examples?:\n {2}trunkctl probe /);
  });
});
