// What ops see of real setups on a worker with the codec: the workflow's summary and details, each activity's
// summary, the details of a setup waiting for a decision and every failure message, all stored encrypted (an
// exported history holds no DID, trunk sid or destination in clear) and all read back in clear by a client with the
// codec and by the codec server the UI calls.
import { randomBytes } from 'node:crypto';
import { Client, type WorkflowHandle } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import type { temporal } from '@temporalio/proto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { dataConverterFor } from '../../codec/data-converter';
import { ENCRYPTED_ENCODING } from '../../codec/encryption-codec';
import { payloadToJson } from '../../codec/payload-json';
import { startCodecServer, type RunningCodecServer } from '../../codec/server';
import type { OutboundSetupResult } from '../../domain/setup-result';
import { failureOf, startHarness, type Harness } from '../support/setup-harness';
import { closeClient, connectClient } from '../support/temporal';
import { call, freshKeys, keyringOf, reveals } from './support';

type History = temporal.api.history.v1.IHistory;

const keyring = keyringOf(freshKeys('ops-2026'));
const dataConverter = dataConverterFor(keyring);
const TOKEN = randomBytes(32).toString('base64url');

let h: Harness;
/** What Temporal's database holds, read without keys. */
let plain: Client;
let codecServer: RunningCodecServer;
beforeAll(async () => {
  h = await startHarness({}, {}, { dataConverter });
  plain = await connectClient();
  codecServer = await startCodecServer({ port: 0, keyring, authToken: TOKEN, allowedOrigin: 'http://localhost:8233' });
});
afterAll(async () => {
  await codecServer?.close();
  await closeClient(plain);
  await h?.stop();
});
beforeEach(async () => {
  await h.admin.clearFaults();
});

const storedHistory = (workflowId: string): Promise<History> => plain.workflow.getHandle(workflowId).fetchHistory();

/** Every failure in a history, as stored: the top of each chain, from activity and workflow failure events. */
function storedFailures(history: History): temporal.api.failure.v1.IFailure[] {
  return (history.events ?? []).flatMap((e) =>
    [e.activityTaskFailedEventAttributes?.failure, e.workflowExecutionFailedEventAttributes?.failure, e.workflowTaskFailedEventAttributes?.failure].filter(
      (f): f is temporal.api.failure.v1.IFailure => !!f,
    ),
  );
}

/** What the UI does with a failure: sends its encoded attributes to the codec server and reads the message. */
async function messageThroughCodecServer(failure: temporal.api.failure.v1.IFailure): Promise<string> {
  expect(failure.encodedAttributes, 'the failure keeps its message in encoded attributes').toBeTruthy();
  const reply = await call(
    `${codecServer.url}/decode`,
    'POST',
    { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json', 'x-namespace': 'default' },
    JSON.stringify({ payloads: [payloadToJson(failure.encodedAttributes!)] }),
  );
  expect(reply.status, reply.text).toBe(200);
  const [decoded] = (JSON.parse(reply.text) as { payloads: { data: string }[] }).payloads;
  return (JSON.parse(Buffer.from(decoded!.data, 'base64').toString('utf8')) as { message: string }).message;
}

async function decodedSummary(handle: WorkflowHandle): Promise<{ summary?: string; details?: string }> {
  const described = await handle.describe();
  return { summary: await described.staticSummary(), details: await described.staticDetails() };
}

describe('a setup that failed because its DID is on another customer’s trunk', () => {
  const did = `+9198${String(Date.now()).slice(-8)}`;
  let first: OutboundSetupResult;
  let second: WorkflowHandle;
  let customerId: string;
  let history: History;

  beforeAll(async () => {
    const a = await h.startOutbound({ customerId: h.customer('first'), did, provider: 'livekit' });
    first = (await a.handle.result()) as OutboundSetupResult;
    customerId = h.customer('second');
    const b = await h.startOutbound({ customerId, did, provider: 'livekit' });
    second = b.handle;
    await failureOf(b.handle.result());
    history = await storedHistory(b.workflowId);
  });

  it('stores no DID or trunk sid in clear: not in the failures, the summaries or anywhere else', () => {
    const json = historyToJSON(history);
    expect(storedFailures(history).length).toBeGreaterThan(0);
    for (const failure of storedFailures(history)) {
      expect(failure.message).toBe('Encoded failure');
      expect(failure.stackTrace ?? '').toBe('');
      expect(failure.encodedAttributes?.metadata?.encoding && Buffer.from(failure.encodedAttributes.metadata.encoding).toString()).toBe(ENCRYPTED_ENCODING);
    }
    for (const secret of [did, did.slice(1), first.trunkSid]) {
      expect(reveals(json, secret), secret).toBe(false);
    }
  });

  it('gives the failure back in clear to a client with the codec, and to the UI through the codec server', async () => {
    const failure = await failureOf(h.client.workflow.getHandle(second.workflowId).result());
    const chain = [failure.message, failure.cause?.message].join(' | ');
    expect(chain).toContain(did);
    const workflowFailure = storedFailures(history).at(-1)!;
    expect(await messageThroughCodecServer(workflowFailure)).toContain(did);
  });

  it('carries a summary and details naming the customer, direction, DID and provider, encrypted', async () => {
    const started = history.events?.[0];
    const stored = started?.userMetadata;
    expect(stored?.summary && Buffer.from(stored.summary.metadata!.encoding!).toString()).toBe(ENCRYPTED_ENCODING);
    expect(stored?.details && Buffer.from(stored.details.metadata!.encoding!).toString()).toBe(ENCRYPTED_ENCODING);
    const { summary, details } = await decodedSummary(h.client.workflow.getHandle(second.workflowId));
    expect(summary).toBe(`outbound setup · ${customerId} · ${did} · livekit`);
    expect(details).toContain(`- **customer**: ${customerId}`);
    expect(details).toContain(`- **DID**: ${did}`);
    expect(details).toContain(`- **Exotel account**: ${h.exotelAccount.accountSid}`);
    // A reader without the keys gets no summary at all.
    await expect(decodedSummary(plain.workflow.getHandle(second.workflowId))).rejects.toThrow(/codec|encoding/i);
  });

  it('names each activity by its Exotel request, encrypted', async () => {
    const scheduled = (history.events ?? []).filter((e) => e.activityTaskScheduledEventAttributes);
    const summaries: string[] = [];
    for (const e of scheduled) {
      const payload = e.userMetadata?.summary;
      expect(payload && Buffer.from(payload.metadata!.encoding!).toString()).toBe(ENCRYPTED_ENCODING);
      const [decoded] = await dataConverter.payloadCodecs![0]!.decode([payload!]);
      summaries.push(JSON.parse(Buffer.from(decoded!.data!).toString()) as string);
    }
    // Trunk sids and names are random: written by role.
    const named = summaries.map((s) => s.replace(/tr(mum|sgp)1[0-9a-z]+/g, '{trunk}').replace(/^POST \/trunks \S+$/, 'POST /trunks {name}'));
    expect(named).toEqual([
      `read the settings of Exotel account ${h.exotelAccount.accountSid}`,
      'read the livekit account default',
      'POST /trunks {name}',
      `map ${did} to {trunk}`,
      'GET /trunks/{trunk}/phone-numbers',
      'DELETE /trunks/{trunk}',
    ]);
  });
});

describe('a setup waiting for a decision', () => {
  it('says in its current details what failed and which decision is expected, and clears them once decided', async () => {
    await h.admin.addFault({ method: 'POST', path: '/credentials$', kind: 'status', status: 400 });
    const customerId = h.customer('waiting');
    const started = await h.startOutbound({ customerId, did: '+919855500071', opsDecisionTimeout: '10m' });
    const metadata = () => started.handle.query<{ currentDetails?: string }>('__temporal_workflow_metadata');
    let details = '';
    while (!details) {
      details = (await metadata()).currentDetails ?? '';
      if (!details) await new Promise((r) => setTimeout(r, 100));
    }
    expect(details).toContain('**Waiting for a decision**: step `create-credential` failed for good.');
    expect(details).toContain('Exotel 400');
    expect(details).toContain(`\`trunkctl retry ${customerId} --direction outbound\` (a retry may correct providerIps)`);
    expect(details).toContain(`\`trunkctl rollback ${customerId} --direction outbound\``);

    await h.admin.clearFaults();
    await started.handle.signal('decision', { action: 'retry' });
    await started.handle.result();
    expect((await metadata()).currentDetails ?? '').toBe('');
  });
});
