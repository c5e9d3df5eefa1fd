// The demo as a person runs it: `npx tsx scripts/demo.ts` in a child process. With livekit-server where
// scripts/livekit-server.sh puts it (.tools/, built on first use like test/support/livekit.ts does), both setups
// configure LiveKit by its API: the output shows each side's steps, LiveKit's objects (compared with LiveKit itself
// while --keep-running holds everything up), the cross-check passing and no sheet to paste, and never the SIP
// password or LiveKit's API secret. Without the binary it says how to get one and runs Exotel-only; --exotel-only
// does that on purpose, with --reveal showing the password.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { SipClient } from 'livekit-server-sdk';
import { Client, Connection } from '@temporalio/client';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { dataConverterFor } from '../../codec/data-converter';
import { loadKeyring } from '../../codec/keyring';
import { payloadToJson } from '../../codec/payload-json';
import type { OutboundSetupResult } from '../../domain/setup-result';

const ROOT = path.join(__dirname, '..', '..');
const CUSTOMER = 'acme-voice-demo';
// livekit-server --dev's placeholder credentials (what test/support/livekit.ts hands out).
const DEV_API_KEY = 'devkey';
const DEV_API_SECRET = 'secret';
/** The demo's own Temporal server, Exotel simulator and, with LiveKit, Redis and livekit-server: a generous bound. */
const READY_MS = 240_000;

interface Demo {
  child: ChildProcess;
  /** Everything printed so far, stdout and stderr interleaved as they came. */
  output: () => string;
  /** Resolves with the output once it matches; rejects if the demo exits first. */
  waitFor: (pattern: RegExp) => Promise<string>;
  exited: Promise<number | null>;
}

const running: Demo[] = [];
afterEach(() => {
  // Its own process group (detached): whatever it started goes with it if a test failed half-way.
  for (const demo of running.splice(0)) {
    if (demo.child.exitCode === null && demo.child.signalCode === null && demo.child.pid) {
      try {
        process.kill(-demo.child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }
});

function startDemo(args: string[], env: NodeJS.ProcessEnv = {}): Demo {
  const child = spawn('npx', ['tsx', 'scripts/demo.ts', ...args], { cwd: ROOT, env: { ...process.env, ...env }, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let printed = '';
  const waiters: { pattern: RegExp; resolve: (s: string) => void }[] = [];
  const seen = (chunk: Buffer) => {
    printed += chunk.toString();
    for (const w of [...waiters]) if (w.pattern.test(printed)) w.resolve(printed);
  };
  child.stdout?.on('data', seen);
  child.stderr?.on('data', seen);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const demo: Demo = {
    child,
    output: () => printed,
    exited,
    waitFor: (pattern) =>
      new Promise((resolve, reject) => {
        if (pattern.test(printed)) return resolve(printed);
        waiters.push({ pattern, resolve });
        void exited.then((code) => reject(new Error(`the demo exited (${code}) before printing ${pattern}:\n${printed}`)));
      }),
  };
  running.push(demo);
  return demo;
}

/** Resolves once no process of the group is left (the test's timeout bounds the wait). */
async function groupGone(pgid: number): Promise<void> {
  for (;;) {
    try {
      process.kill(-pgid, 0);
    } catch {
      return;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Runs the demo to its end; its exit code must be 0. */
async function runDemo(args: string[], env: NodeJS.ProcessEnv = {}): Promise<string> {
  const demo = startDemo(args, env);
  const code = await demo.exited;
  expect(code, demo.output()).toBe(0);
  return demo.output();
}

const captured = (output: string, pattern: RegExp): string => {
  const found = pattern.exec(output)?.[1];
  if (!found) throw new Error(`no ${pattern} in the demo's output:\n${output}`);
  return found;
};

describe('the demo with LiveKit', () => {
  beforeAll(async () => {
    // Finds livekit-server (or builds it into .tools/, minutes, once): the demo itself never builds.
    await promisify(execFile)('bash', [path.join(ROOT, 'scripts', 'livekit-server.sh')], { cwd: ROOT });
  }, 900_000);

  it('configures both sides, shows what LiveKit holds and the cross-check, and no secret; --keep-running holds it up until SIGINT', { timeout: READY_MS + 60_000 }, async () => {
    const demo = startDemo(['--keep-running']);
    const output = await demo.waitFor(/Press Ctrl-C to stop\./);

    // Each step of both sides, as it ran.
    for (const step of [
      /✓ create-trunk +Exotel +done +trunkSid=trmum/,
      /✓ create-credential +Exotel +done +credentialId=\S+ userName=\S+/,
      /✓ platform-outbound-trunk +LiveKit +done +livekitTrunkId=ST_\w+/,
      /✓ use-trunk +Exotel +done/,
      /✓ platform-inbound-trunk +LiveKit +done +livekitTrunkId=ST_\w+/,
      /✓ platform-dispatch-rule +LiveKit +done +livekitDispatchRuleId=SDR_\w+/,
      /✓ add-destinations +Exotel +done/,
    ]) {
      expect(output).toMatch(step);
    }
    expect(output.match(/✓ cross-check +both +done/g)).toHaveLength(2);
    expect(output).toMatch(/^ {2}outbound +passed/m);
    expect(output).toMatch(/^ {2}inbound +passed/m);
    expect(output).toContain('Nothing to paste');
    expect(output).toContain('Outbound trunk ready. LiveKit was given, by its API:');
    // The sheet is the record, not printed to be pasted.
    expect(output).not.toContain('outbound handoff');
    expect(output).not.toContain('inbound handoff');

    // What the demo says LiveKit holds is what LiveKit holds, and what the setups' results name.
    const livekitUrl = captured(output, /^ {2}LiveKit +(http:\/\/127\.0\.0\.1:\d+)/m);
    const sip = new SipClient(livekitUrl, DEV_API_KEY, DEV_API_SECRET);
    const [outTrunks, inTrunks, rules] = await Promise.all([sip.listSipOutboundTrunk(), sip.listSipInboundTrunk(), sip.listSipDispatchRule()]);
    expect([outTrunks.length, inTrunks.length, rules.length]).toEqual([1, 1, 1]);
    const [outTrunk, inTrunk, rule] = [outTrunks[0], inTrunks[0], rules[0]];
    expect(output).toContain(`outbound trunk  ${outTrunk?.sipTrunkId}  exotel-${CUSTOMER}-out  (the setup's result names it)`);
    expect(output).toContain(`inbound trunk   ${inTrunk?.sipTrunkId}  exotel-${CUSTOMER}-in  (the setup's result names it)`);
    expect(output).toContain(`dispatch rule   ${rule?.sipDispatchRuleId}  exotel-${CUSTOMER}-rule  (the setup's result names it)`);
    expect(output).toMatch(/address +in\.voip\.exotel\.com:443 \(SIP_TRANSPORT_TLS\)/);
    expect(output).toMatch(/numbers +\+919800012345/);
    expect(output.match(/media encryption +SIP_MEDIA_ENCRYPT_ALLOW/g)).toHaveLength(2);
    expect(output).toContain(`trunks            ${inTrunk?.sipTrunkId}`);
    expect(output).toContain("password the one Exotel's credential has (--reveal shows it)");

    // The SIP password, as the setup's result and LiveKit hold it, is nowhere in the output; nor the API secret.
    // Temporal holds it encrypted; the keys file the demo names opens it, and so does the codec server the UI is
    // configured with, for a browser on the UI's origin.
    const temporal = captured(output, /^ {2}Temporal +(\S+)/m);
    const uiUrl = captured(output, /^ {2}Temporal +\S+ +UI (http:\/\/\S+)/m);
    const keysFile = path.join(ROOT, captured(output, /TRUNK_CODEC_KEYS_FILE=(\S+)/));
    const connection = await Connection.connect({ address: temporal });
    try {
      const client = new Client({ connection, dataConverter: dataConverterFor(loadKeyring({ TRUNK_CODEC_KEYS_FILE: keysFile })) });
      const workflowId = `trunk-setup-outbound-${CUSTOMER}`;
      const result = (await client.workflow.getHandle(workflowId).result()) as OutboundSetupResult;
      expect(result.sipPassword.length).toBeGreaterThan(8);
      expect(outTrunk?.authPassword).toBe(result.sipPassword);
      expect(outTrunk?.authUsername).toBe(result.sipUserName);
      expect(output).not.toContain(result.sipPassword);

      const history = await new Client({ connection }).workflow.getHandle(workflowId).fetchHistory();
      const stored = history.events?.find((e) => e.workflowExecutionCompletedEventAttributes)?.workflowExecutionCompletedEventAttributes?.result?.payloads?.[0];
      expect(Buffer.from(stored?.metadata?.encoding ?? []).toString()).toBe('binary/encrypted');
      expect(JSON.stringify(history)).not.toContain(result.sipPassword);

      const settings = (await (await fetch(`${uiUrl}/api/v1/settings`)).json()) as { Codec: { Endpoint: string } };
      // The codec server the demo printed, with its token in the path (32 random bytes, base64url).
      const codecUrl = captured(output, /^ {2}Codec +(http:\/\/\S+)/m);
      expect(settings.Codec.Endpoint.slice(0, codecUrl.length + 1)).toBe(`${codecUrl}/`);
      expect(settings.Codec.Endpoint.slice(codecUrl.length + 1)).toMatch(/^[\w-]{43}$/);
      const decoded = await fetch(`${settings.Codec.Endpoint}/decode`, {
        method: 'POST',
        headers: { origin: uiUrl, 'content-type': 'application/json', 'x-namespace': 'default' },
        body: JSON.stringify({ payloads: [payloadToJson(stored!)] }),
      });
      expect(decoded.headers.get('access-control-allow-origin')).toBe(uiUrl);
      const [plainResult] = ((await decoded.json()) as { payloads: { data: string }[] }).payloads;
      expect(Buffer.from(plainResult!.data, 'base64').toString()).toContain(result.sipPassword);
    } finally {
      await connection.close();
    }
    expect(output).not.toMatch(new RegExp(`\\b${DEV_API_SECRET}\\b`));

    // Ctrl-C as a terminal sends it, to the whole process group: the demo stops everything it started, LiveKit
    // included. npm exec ends on a SIGINT its own way (130, or by the signal) whatever its child does: the demo's
    // own last line says it finished.
    process.kill(-(demo.child.pid ?? 0), 'SIGINT');
    await demo.exited;
    await groupGone(demo.child.pid ?? 0);
    expect(demo.output()).toContain('Demo finished; everything it started is stopped.');
    // The run's key went with it.
    expect(existsSync(path.dirname(keysFile))).toBe(false);
    await expect(fetch(livekitUrl)).rejects.toThrow();
  });
});

describe('the demo without LiveKit', () => {
  it('says how to get livekit-server and runs the Exotel side with the sheet when there is none', { timeout: READY_MS }, async () => {
    const missing = path.join(ROOT, '.tools', 'no-such-dir', 'livekit-server');
    const output = await runDemo([], { LIVEKIT_SERVER_PATH: missing });
    expect(output).toContain(`LIVEKIT_SERVER_PATH=${missing} is not an executable file`);
    expect(output).toContain('bash scripts/livekit-server.sh');
    expect(output).not.toContain('Starting Redis');
    expect(output).toContain('Platform side: manual (the handoff sheet below)');
    expect(output).toContain('outbound handoff');
    expect(output).not.toContain('platform-outbound-trunk');
    expect(output).toMatch(/Digest password +\*{8} \(use --reveal to show\)/);
  });

  it('--exotel-only runs without LiveKit on purpose, and --reveal shows the password in the tables and the sheet', { timeout: READY_MS }, async () => {
    const output = await runDemo(['--exotel-only', '--reveal']);
    expect(output).not.toContain('Starting Redis');
    expect(output).not.toContain('livekit-server.sh');
    expect(output).toContain('Platform side: manual (the handoff sheet below)');
    const password = captured(output, /^Digest password +(\S+)$/m);
    expect(password).not.toContain('*');
    expect(output).toMatch(new RegExp(`trunk\\.auth_password +${password.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
  });
});
