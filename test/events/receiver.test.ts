import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { setupWorkflowId, trunkNameFor } from '../../domain/naming';
import { signEvent } from '../../events/signature';
import { startSignupReceiver, type SignupReceiver } from '../../events/receiver';
import { startHarness, type Harness } from '../support/setup-harness';

const SECRET = 'whsec_test_0123456789abcdef';
let h: Harness;
let receiver: SignupReceiver;
beforeAll(async () => {
  h = await startHarness();
  receiver = await startSignupReceiver({ client: h.client, taskQueue: h.taskQueue, secret: SECRET, opsDecisionTimeout: 0, maxBodyBytes: 4096 });
});
afterAll(async () => {
  await receiver.close();
  await h.stop();
});
beforeEach(() => h.mark());

const now = () => Math.floor(Date.now() / 1000);

async function post(body: string, headers: Record<string, string>) {
  const res = await fetch(`${receiver.url}/signup-events`, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } });
  return { status: res.status, json: (await res.json()) as { workflowId?: string; status?: string; error?: string; issues?: { field: string }[] } };
}

function signed(event: unknown, timestamp = now(), secret = SECRET) {
  const body = JSON.stringify(event);
  return { body, headers: { 'x-signature-timestamp': String(timestamp), 'x-signature': signEvent(secret, timestamp, body) } };
}

async function workflowExists(workflowId: string): Promise<boolean> {
  try {
    await h.client.workflow.getHandle(workflowId).describe();
    return true;
  } catch {
    return false;
  }
}

let dids = 0;
const event = (customerId: string) => ({
  direction: 'outbound',
  customerId,
  exotelAccountSid: h.exotelAccount.accountSid,
  did: `+9198444${String(++dids).padStart(5, '0')}`,
  provider: 'livekit',
});

describe('signup events', () => {
  it('starts the setup of a signed event and answers with its workflow id', async () => {
    const customerId = h.customer('signup');
    const { body, headers } = signed(event(customerId));
    const res = await post(body, headers);
    expect(res.status).toBe(202);
    expect(res.json).toEqual({ workflowId: setupWorkflowId('outbound', customerId), status: 'accepted' });
    await h.client.workflow.getHandle(res.json.workflowId!).result();
    const described = await h.client.workflow.getHandle(res.json.workflowId!).describe();
    expect(described.typedSearchAttributes.get({ name: 'TrunkProvider', type: 'KEYWORD' } as never)).toBe('livekit');
  });

  it('starts one setup when the same event arrives twice', async () => {
    const customerId = h.customer('twice');
    const first = signed(event(customerId));
    const [a, b] = await Promise.all([post(first.body, first.headers), post(first.body, first.headers)]);
    expect(a.json.workflowId).toBe(b.json.workflowId);
    await h.client.workflow.getHandle(a.json.workflowId!).result();
    const again = signed({ ...event(customerId), did: (JSON.parse(first.body) as { did: string }).did });
    const c = await post(again.body, again.headers);
    expect(c.json).toEqual({ workflowId: a.json.workflowId, status: 'already-succeeded' });
    const trunks = (await h.admin.state()).accounts[h.exotelAccount.accountSid]?.trunks.filter((t) => t.trunk_name === trunkNameFor(customerId, 'outbound'));
    expect(trunks).toHaveLength(1);
    expect((await h.requestsSinceMark()).filter((r) => r === 'POST /trunks')).toHaveLength(1);
  });

  const refusals: [string, () => { body: string; headers: Record<string, string> }, number, RegExp][] = [
    ['no signature', () => ({ body: JSON.stringify(event('nosig')), headers: { 'x-signature-timestamp': String(now()) } }), 401, /missing x-signature header/],
    ['no timestamp', () => ({ body: JSON.stringify(event('nots')), headers: { 'x-signature': 'v1=00' } }), 401, /missing x-signature-timestamp/],
    ['a wrong secret', () => signed(event('wrongsecret'), now(), 'not-the-secret-at-all'), 401, /does not match/],
    ['a tampered body', () => ({ ...signed(event('tamper')), body: JSON.stringify(event('tampered')) }), 401, /does not match/],
    ['a stale timestamp (a replay)', () => signed(event('stale'), now() - 3600), 401, /3600 s old.*replay/],
    ['a malformed body', () => signed('{not json'), 422, /must be a JSON object/],
    ['an oversized body', () => signed({ ...event('big'), provider: 'x'.repeat(5000) }), 413, /at most 4096/],
    ['an invalid setup', () => signed({ ...event('bad id!'), did: '12345', direction: 'sideways' }), 422, /direction = "sideways"[\s\S]*customerId = "bad id!"[\s\S]*did = "12345"/],
  ];
  for (const [what, make, status, message] of refusals) {
    it(`refuses ${what} with ${status} and starts nothing`, async () => {
      const { body, headers } = make();
      const res = await post(body, headers);
      expect(res.status).toBe(status);
      expect(res.json.error).toMatch(message);
      expect(res.json.workflowId).toBeUndefined();
      expect(await h.requestsSinceMark()).toEqual([]);
      const customerId = (JSON.parse(body.startsWith('{') && body.endsWith('}') ? body : '{}') as { customerId?: string }).customerId;
      if (customerId) expect(await workflowExists(setupWorkflowId('outbound', customerId))).toBe(false);
    });
  }

  it('refuses a body that is not JSON, with 400', async () => {
    const timestamp = now();
    const body = '{not json';
    const res = await post(body, { 'x-signature-timestamp': String(timestamp), 'x-signature': signEvent(SECRET, timestamp, body) });
    expect(res.status).toBe(400);
    expect(res.json.error).toBe('body is not valid JSON');
  });

  it('refuses another content type with 415', async () => {
    const { body, headers } = signed(event('ctype'));
    const res = await fetch(`${receiver.url}/signup-events`, { method: 'POST', body, headers: { ...headers, 'content-type': 'text/plain' } });
    expect(res.status).toBe(415);
  });
});
