// End to end on the real dev server: what Temporal stores is ciphertext; the worker, a client with the codec, the
// codec server and the Temporal CLI pointed at it all read it back in clear.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client, type WorkflowHandle } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { temporal } from '@temporalio/proto';
import { bundleWorkflowCode, DefaultLogger, NativeConnection, Runtime, Worker, type WorkflowBundle } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataConverterFor } from '../../codec/data-converter';
import { payloadToJson, type JsonPayload } from '../../codec/payload-json';
import { startCodecServer, type RunningCodecServer } from '../../codec/server';
import { resolveTemporalCli } from '../../scripts/dev-server';
import { closeClient, connectClient, temporalAddress, temporalNamespace, uniqueTaskQueue, uniqueWorkflowId } from '../support/temporal';
import type { echo } from './fixtures/echo-workflow';
import { call, freshKeys, keyringOf, reveals } from './support';

const keyring = keyringOf(freshKeys('e2e-2025'));
const TOKEN = randomBytes(32).toString('base64url');
const quietLogger = { trace() {}, debug() {}, info() {}, warn() {}, error() {} } as never;

interface EchoRun {
  handle: WorkflowHandle<typeof echo>;
  result: unknown;
  /** The stored history, read by a client without the codec: what Temporal's database holds. */
  json: string;
  binary: Buffer;
  startedInput: temporal.api.common.v1.IPayload;
}

let bundle: WorkflowBundle;
let connection: NativeConnection;
let plain: Client;
let server: RunningCodecServer;
beforeAll(async () => {
  try {
    Runtime.install({ logger: new DefaultLogger('ERROR') });
  } catch {
    // Already installed by another file in this process.
  }
  bundle = await bundleWorkflowCode({ workflowsPath: join(__dirname, 'fixtures', 'echo-workflow.ts'), logger: quietLogger });
  connection = await NativeConnection.connect({ address: temporalAddress() });
  plain = await connectClient();
  server = await startCodecServer({ port: 0, keyring, authToken: TOKEN, allowedOrigin: 'http://localhost:8233' });
});
afterAll(async () => {
  await server?.close();
  await closeClient(plain);
  await connection?.close();
});

/** Runs `echo(input)` (with `memo`) on a worker and client that share `dataConverter`, then reads the stored history. */
async function runEcho(dataConverter: DataConverter | undefined, input: unknown, memo: Record<string, unknown>): Promise<EchoRun> {
  const taskQueue = uniqueTaskQueue('codec-echo');
  const client = new Client({ connection: plain.connection, namespace: temporalNamespace(), dataConverter });
  const worker = await Worker.create({ connection, namespace: temporalNamespace(), taskQueue, workflowBundle: bundle, dataConverter });
  const handle = await client.workflow.start<typeof echo>('echo', { taskQueue, workflowId: uniqueWorkflowId('codec-echo'), args: [input], memo });
  const result = await worker.runUntil(handle.result());
  const history = await plain.workflow.getHandle(handle.workflowId).fetchHistory();
  const started = history.events?.[0]?.workflowExecutionStartedEventAttributes;
  return {
    handle,
    result,
    json: historyToJSON(history),
    binary: Buffer.from(temporal.api.history.v1.History.encode(history).finish()),
    startedInput: started?.input?.payloads?.[0] ?? {},
  };
}

const metadataOf = (p: temporal.api.common.v1.IPayload): Record<string, string> =>
  Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('utf8')]));

describe('workflow histories with the encryption codec', () => {
  const secret = `sip-secret-${randomBytes(9).toString('hex')}`;
  const memoSecret = `memo-secret-${randomBytes(9).toString('hex')}`;
  const input = { customerId: 'acme-42', sipPassword: secret, nested: { note: `again ${secret}` } };
  let run: EchoRun;
  beforeAll(async () => {
    run = await runEcho(dataConverterFor(keyring), input, { note: memoSecret });
  });

  it('the detector finds a secret in a history stored without the codec (control)', async () => {
    const control = await runEcho(undefined, input, { note: memoSecret });
    expect(control.result).toEqual(input);
    expect(reveals(control.json, secret)).toBe(true);
    expect(reveals(control.json, memoSecret)).toBe(true);
    expect(control.binary.includes(secret)).toBe(true);
  });

  it('stores no trace of the secret: input, result and memo are ciphertext', () => {
    for (const hidden of [secret, memoSecret, 'sipPassword']) {
      expect(reveals(run.json, hidden)).toBe(false);
      expect(run.binary.includes(hidden)).toBe(false);
    }
    expect(metadataOf(run.startedInput)).toEqual({ encoding: 'binary/encrypted', 'encryption-key-id': 'e2e-2025' });
    expect(run.json).toContain('"workflowExecutionCompletedEventAttributes"');
  });

  it('gives the result and memo back in clear to a client with the codec', async () => {
    expect(run.result).toEqual(input);
    const reader = new Client({ connection: plain.connection, namespace: temporalNamespace(), dataConverter: dataConverterFor(keyring) });
    const handle = reader.workflow.getHandle<typeof echo>(run.handle.workflowId);
    expect(await handle.result()).toEqual(input);
    expect((await handle.describe()).memo).toEqual({ note: memoSecret });
  });

  it('decodes a stored payload through the codec server', async () => {
    const reply = await call(
      `${server.url}/decode`,
      'POST',
      { 'Content-Type': 'application/json', 'X-Namespace': temporalNamespace(), Authorization: `Bearer ${TOKEN}` },
      JSON.stringify({ payloads: [payloadToJson(run.startedInput)] }),
    );
    expect(reply.status).toBe(200);
    const [decoded] = (JSON.parse(reply.text) as { payloads: JsonPayload[] }).payloads;
    expect(decoded?.metadata).toEqual({ encoding: Buffer.from('json/plain').toString('base64') });
    expect(JSON.parse(Buffer.from(decoded?.data ?? '', 'base64').toString('utf8'))).toEqual(input);
  });

  it('shows the secret to the Temporal CLI only through the codec server (--codec-endpoint, --codec-auth)', async () => {
    const cli = await resolveTemporalCli();
    const show = async (...codec: string[]): Promise<string> =>
      (
        await promisify(execFile)(cli, [
          'workflow', 'show', '--workflow-id', run.handle.workflowId, '--address', temporalAddress(),
          '--namespace', temporalNamespace(), '--output', 'json', ...codec,
        ], { env: { PATH: process.env.PATH, HOME: process.env.HOME } })
      ).stdout;
    expect(reveals(await show(), secret)).toBe(false);
    expect(reveals(await show('--codec-endpoint', server.url, '--codec-auth', `Bearer ${TOKEN}`), secret)).toBe(true);
    // The endpoint form the UI uses (token as the path) works for the CLI too.
    expect(reveals(await show('--codec-endpoint', `${server.url}/${TOKEN}`), secret)).toBe(true);
    // A wrong token fails the command (the CLI keeps retrying the codec until its timeout).
    const refused = await show('--codec-endpoint', server.url, '--codec-auth', 'Bearer wrong-token', '--command-timeout', '2s').catch((err: unknown) => err);
    expect(refused).toBeInstanceOf(Error);
    expect(String(refused)).not.toContain(TOKEN);
  });
});
