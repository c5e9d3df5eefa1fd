import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { lookUpLine } from '../../client/lines';
import { lineWorkflowId, setupWorkflowId, signupEventWorkflowId, trunkNameFor } from '../../domain/naming';
import { signEvent } from '../../events/signature';
import { startSignupReceiver, type SignupReceiver } from '../../events/receiver';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputValidationError } from '../../domain/issues';
import { receiverSettings } from '../../events/main';
import { JsonLogger } from '../../platform/logger';
import { statusQuery } from '../../workflows/progress';
import { keepHistory, startHarness, type Harness } from '../support/setup-harness';

const SECRET = 'whsec_test_0123456789abcdef';

interface ReceiverAnswer {
  eventId?: string;
  workflowId?: string;
  status?: string;
  error?: string;
  issues?: { field: string }[];
  setupState?: string;
  differences?: { field: string; current: unknown; asked: unknown }[];
}
let h: Harness;
let receiver: SignupReceiver;
beforeAll(async () => {
  h = await startHarness();
  receiver = await startSignupReceiver({ client: h.client, taskQueue: h.taskQueue, secrets: [SECRET], opsDecisionTimeout: 0, maxBodyBytes: 4096 });
});
afterAll(async () => {
  await receiver.close();
  await h.stop();
});
beforeEach(() => h.mark());

const now = () => Math.floor(Date.now() / 1000);

async function post(body: string, headers: Record<string, string>) {
  const res = await fetch(`${receiver.url}/signup-events`, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } });
  return { status: res.status, json: (await res.json()) as ReceiverAnswer };
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
let events = 0;
const event = (customerId: string) => ({
  eventId: `evt-${customerId}-${++events}`,
  direction: 'outbound',
  customerId,
  exotelAccountSid: h.exotelAccount.accountSid,
  did: `+9198444${String(++dids).padStart(5, '0')}`,
  provider: 'livekit',
});

describe('signup events', () => {
  it('starts the setup of a signed event and answers with its workflow id', async () => {
    const customerId = h.customer('signup');
    const sent = event(customerId);
    const { body, headers } = signed(sent);
    const res = await post(body, headers);
    expect(res.status).toBe(202);
    expect(res.json).toEqual({ eventId: sent.eventId, workflowId: setupWorkflowId('outbound', customerId), status: 'accepted' });
    await keepHistory('signup-event-started', h.client.workflow.getHandle(signupEventWorkflowId(sent.eventId)));
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
    const later = { ...event(customerId), did: (JSON.parse(first.body) as { did: string }).did };
    const again = signed(later);
    const c = await post(again.body, again.headers);
    expect(c.json).toEqual({ eventId: later.eventId, workflowId: a.json.workflowId, status: 'already-succeeded' });
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

  it('requires the event id, naming it', async () => {
    const { eventId: _, ...withoutId } = event(h.customer('noid'));
    const res = await post(...Object.values(signed(withoutId)) as [string, Record<string, string>]);
    expect(res.status).toBe(422);
    expect(res.json.issues?.map((i) => i.field)).toEqual(['eventId']);
  });

  it('never starts anything again for an event id it processed: a replay after ops rolled the setup back is a duplicate', async () => {
    await h.admin.addFault({ method: 'POST', path: '/credentials$', kind: 'status', status: 400, count: 1 });
    const customerId = h.customer('replayed');
    const first = signed(event(customerId));
    const accepted = await post(first.body, first.headers);
    expect(accepted.status).toBe(202);
    await h.client.workflow.getHandle(accepted.json.workflowId!).result().catch(() => undefined);
    expect((await h.client.workflow.getHandle(accepted.json.workflowId!).describe()).status.name).toBe('FAILED');
    await h.mark();

    // The same signed request again, within its signature's window: answered, nothing started.
    const replay = await post(first.body, first.headers);
    expect(replay.status).toBe(200);
    expect(replay.json).toMatchObject({ status: 'duplicate', eventId: (JSON.parse(first.body) as { eventId: string }).eventId, workflowId: accepted.json.workflowId, setupState: 'failed' });
    // Durably: another receiver (after a restart, say) knows it too.
    const other = await startSignupReceiver({ client: h.client, taskQueue: h.taskQueue, secrets: [SECRET], opsDecisionTimeout: 0 });
    try {
      const res = await fetch(`${other.url}/signup-events`, { method: 'POST', body: first.body, headers: { 'content-type': 'application/json', ...first.headers } });
      expect(((await res.json()) as ReceiverAnswer).status).toBe('duplicate');
    } finally {
      await other.close();
    }
    expect(await h.requestsSinceMark()).toEqual([]);

    // A deliberate re-setup is a new event.
    const fresh = signed({ ...event(customerId), did: (JSON.parse(first.body) as { did: string }).did });
    const again = await post(fresh.body, fresh.headers);
    expect(again.status).toBe(202);
    await h.client.workflow.getHandle(again.json.workflowId!).result();
  });

  it('refuses with 409 a different event for a customer whose setup is running, saying how it differs', async () => {
    await h.admin.addFault({ method: 'POST', path: '/credentials$', kind: 'status', status: 400 });
    const customerId = h.customer('running');
    const first = { ...event(customerId), opsDecisionTimeout: '10m' };
    const accepted = await post(...(Object.values(signed(first)) as [string, Record<string, string>]));
    expect(accepted.status).toBe(202);
    const handle = h.client.workflow.getHandle(accepted.json.workflowId!);
    for (;;) {
      if ((await handle.query(statusQuery)).phase === 'awaiting-ops') break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const second = { ...event(customerId), opsDecisionTimeout: '10m' };
    const res = await post(...(Object.values(signed(second)) as [string, Record<string, string>]));
    expect(res.status).toBe(409);
    expect(res.json).toMatchObject({ status: 'conflict', workflowId: accepted.json.workflowId, setupState: 'running' });
    expect(res.json.differences).toEqual([{ field: 'did', current: first.did, asked: second.did }]);
    // The same request under a new id attaches to it.
    const same = await post(...(Object.values(signed({ ...first, eventId: `${first.eventId}-resent` })) as [string, Record<string, string>]));
    expect(same.json).toMatchObject({ status: 'accepted', workflowId: accepted.json.workflowId });
    await h.admin.clearFaults();
    await handle.executeUpdate('decide', { args: [{ action: 'rollback' }] });
  });
});

describe('a hostile or broken sender', () => {
  let small: SignupReceiver;
  const logged: string[] = [];
  beforeAll(async () => {
    small = await startSignupReceiver({
      client: h.client,
      taskQueue: h.taskQueue,
      secrets: [SECRET],
      opsDecisionTimeout: 0,
      maxBodyBytes: 4096,
      headersTimeoutMs: 1_000,
      requestTimeoutMs: 1_000,
      maxConnections: 3,
      logger: new JsonLogger({ write: (line) => logged.push(line) }),
    });
  });
  afterAll(() => small.close());

  /** A raw exchange: what the server answered (status, or null) and whether it closed the connection. */
  function exchange(send: (socket: Socket) => void): Promise<{ status: number | null; closed: boolean }> {
    return new Promise((resolve) => {
      const socket = connect(small.port, '127.0.0.1');
      let answer = '';
      socket.on('data', (d: Buffer) => (answer += d.toString()));
      socket.on('close', () => resolve({ status: /^HTTP\/1\.1 (\d{3})/.exec(answer) ? Number(/^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1]) : null, closed: true }));
      socket.on('error', () => undefined);
      socket.on('connect', () => send(socket));
    });
  }

  it('answers a chunked body past the limit with 413, not a reset', async () => {
    const result = await exchange((socket) => {
      socket.write('POST /signup-events HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n');
      const chunk = 'x'.repeat(1000);
      for (let i = 0; i < 6; i++) socket.write(`${chunk.length.toString(16)}\r\n${chunk}\r\n`);
    });
    expect(result.status).toBe(413);
  });

  it('answers a deeply nested value inside a known field with 422, not 503', async () => {
    let nested: unknown = 'x';
    for (let i = 0; i < 500; i++) nested = { a: nested };
    const body = { ...event(h.customer('nested')), providerFields: nested };
    const raw = JSON.stringify(body);
    const res = await fetch(`${small.url}/signup-events`, { method: 'POST', body: raw, headers: { 'content-type': 'application/json', ...signed(body).headers } });
    expect(res.status).toBe(422);
    expect(((await res.json()) as ReceiverAnswer).error).toMatch(/nested more than 16 levels/);
  });

  it('cuts off a body that drips in, and headers that never end', async () => {
    const dripped = await exchange((socket) => {
      socket.write('POST /signup-events HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 4000\r\n\r\n{');
      const drip = setInterval(() => socket.write(' '), 200);
      socket.on('close', () => clearInterval(drip));
    });
    expect(dripped.closed).toBe(true);
    expect(dripped.status).toBe(408);
    const endless = await exchange((socket) => {
      socket.write('POST /signup-events HTTP/1.1\r\nHost: x\r\n');
      const drip = setInterval(() => socket.write('X-Drip: 1\r\n'), 200);
      socket.on('close', () => clearInterval(drip));
    });
    expect(endless.closed).toBe(true);
  });

  it('holds at most its connection cap open', async () => {
    const idle = await Promise.all(
      [0, 1, 2].map(
        () =>
          new Promise<Socket>((resolve) => {
            const s = connect(small.port, '127.0.0.1', () => resolve(s));
          }),
      ),
    );
    try {
      const extra = await exchange(() => undefined);
      expect(extra).toEqual({ status: null, closed: true });
    } finally {
      for (const s of idle) s.destroy();
    }
  });

  it('logs one JSON line per event, with its id and outcome and without the secret', async () => {
    const sent = event(h.customer('logged'));
    const res = await fetch(`${small.url}/signup-events`, { method: 'POST', ...signed(sent), headers: { 'content-type': 'application/json', ...signed(sent).headers } });
    expect(res.status).toBe(202);
    const line = logged.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.eventId === sent.eventId);
    expect(line).toMatchObject({ level: 'INFO', message: 'signup event', status: 'accepted', customerId: sent.customerId });
    expect(logged.join('')).not.toContain(SECRET);
    await h.client.workflow.getHandle(setupWorkflowId('outbound', sent.customerId)).result();
  });

  it('listens on loopback unless told otherwise', () => {
    expect(new URL(small.url).hostname).toBe('127.0.0.1');
    expect(receiverSettings({}, { SIGNUP_EVENTS_SECRET: SECRET }).host).toBe('127.0.0.1');
  });
});


describe('rotating the secret: several accepted at once', () => {
  const OLD = 'whsec_old_0123456789abcdefghij';
  const NEW = 'whsec_new_9876543210zyxwvutsrq';
  const dir = mkdtempSync(join(tmpdir(), 'signup-secrets-'));
  const file = join(dir, 'signup-events-secret');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** A receiver configured the way `trunkctl events` is: from SIGNUP_EVENTS_SECRET_FILE, through receiverSettings. */
  async function receiverFromFile(text: string, logged: string[]) {
    writeFileSync(file, text);
    const settings = receiverSettings({}, { SIGNUP_EVENTS_SECRET_FILE: file });
    const started = await startSignupReceiver({
      client: h.client,
      taskQueue: h.taskQueue,
      secrets: settings.secrets,
      opsDecisionTimeout: 0,
      logger: new JsonLogger({ write: (line) => logged.push(line) }),
    });
    return { settings, receiver: started };
  }

  async function postTo(to: SignupReceiver, path: string, { body, headers }: { body: string; headers: Record<string, string> }) {
    const res = await fetch(`${to.url}${path}`, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } });
    return { status: res.status, json: (await res.json()) as ReceiverAnswer };
  }

  const noLineEvent = (customerId: string) => ({ eventId: `evt-rot-line-${customerId}`, direction: 'outbound', customerId, operation: { kind: 'offboard' }, confirm: true });

  it('accepts events signed with the old and with the new secret while both are configured, and refuses the old once it is removed', async () => {
    // Pasted by hand: spaces around the values, CRLF line ends, a trailing line break.
    const logged: string[] = [];
    const both = await receiverFromFile(`  ${OLD}  \r\n\t${NEW}\r\n`, logged);
    try {
      expect(both.settings.secrets).toEqual([OLD, NEW]);
      const byOld = event(h.customer('rot-old'));
      const byNew = event(h.customer('rot-new'));
      const a = await postTo(both.receiver, '/signup-events', signed(byOld, now(), OLD));
      const b = await postTo(both.receiver, '/signup-events', signed(byNew, now(), NEW));
      expect([a.status, a.json.status, b.status, b.json.status]).toEqual([202, 'accepted', 202, 'accepted']);
      // The log says which line each event's signature matched (never the secret), so the operator sees the sender move over.
      const lines = logged.map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(lines.find((l) => l.eventId === byOld.eventId)).toMatchObject({ message: 'signup event', status: 'accepted', signedWith: 1 });
      expect(lines.find((l) => l.eventId === byNew.eventId)).toMatchObject({ message: 'signup event', status: 'accepted', signedWith: 2 });
      // /line-events checks the same secrets: signed with either, it gets past the signature (here to "no line yet").
      for (const secret of [OLD, NEW]) {
        const line = await postTo(both.receiver, '/line-events', signed(noLineEvent(h.customer(`rot-line-${secret.slice(6, 9)}`)), now(), secret));
        expect([line.status, line.json.status], secret.slice(0, 9)).toEqual([409, 'no-line']);
      }
      const wrong = await postTo(both.receiver, '/signup-events', signed(event(h.customer('rot-wrong')), now(), 'whsec_neither_of_them_0123'));
      expect([wrong.status, wrong.json.error]).toEqual([401, 'x-signature does not match the body and timestamp']);
      expect(logged.join('')).not.toContain(OLD);
      expect(logged.join('')).not.toContain(NEW);
      await h.client.workflow.getHandle(a.json.workflowId!).result();
      await h.client.workflow.getHandle(b.json.workflowId!).result();
    } finally {
      await both.receiver.close();
    }

    // The sender has moved over: the old line is dropped, and the receiver restarted with the new one alone.
    const only = await receiverFromFile(`${NEW}\n`, []);
    try {
      expect(only.settings.secrets).toEqual([NEW]);
      await h.mark();
      const late = event(h.customer('rot-late'));
      const refused = await postTo(only.receiver, '/signup-events', signed(late, now(), OLD));
      expect([refused.status, refused.json.error, refused.json.workflowId]).toEqual([401, 'x-signature does not match the body and timestamp', undefined]);
      const line = await postTo(only.receiver, '/line-events', signed(noLineEvent(h.customer('rot-line-late')), now(), OLD));
      expect(line.status).toBe(401);
      expect(await h.requestsSinceMark()).toEqual([]);
      expect(await workflowExists(setupWorkflowId('outbound', late.customerId))).toBe(false);
      // The same event, signed with the new secret, goes through.
      const resent = await postTo(only.receiver, '/signup-events', signed(late, now(), NEW));
      expect([resent.status, resent.json.status]).toEqual([202, 'accepted']);
      await h.client.workflow.getHandle(resent.json.workflowId!).result();
    } finally {
      await only.receiver.close();
    }
  });

  it('keeps the single-secret form: inline, or a file with or without its trailing newline', () => {
    expect(receiverSettings({}, { SIGNUP_EVENTS_SECRET: SECRET }).secrets).toEqual([SECRET]);
    for (const text of [SECRET, `${SECRET}\n`, `${SECRET}\r\n`]) {
      writeFileSync(file, text);
      expect(receiverSettings({}, { SIGNUP_EVENTS_SECRET_FILE: file }).secrets, JSON.stringify(text)).toEqual([SECRET]);
    }
    // Inline, several are one a line too.
    expect(receiverSettings({}, { SIGNUP_EVENTS_SECRET: `${OLD}\n${NEW}` }).secrets).toEqual([OLD, NEW]);
  });

  const SHORT = 'tooShort_x1';
  const badConfigurations: [string, NodeJS.ProcessEnv | string, string[]][] = [
    ['a blank line between two secrets', `${OLD}\n\n${NEW}\n`, ['SIGNUP_EVENTS_SECRET_FILE line 2 = "***": is empty: one secret a line, no blank lines']],
    ['a blank first line', `\n${OLD}\n`, ['SIGNUP_EVENTS_SECRET_FILE line 1 = "***": is empty: one secret a line, no blank lines']],
    ['a line of spaces', `${OLD}\n   \n${NEW}`, ['SIGNUP_EVENTS_SECRET_FILE line 2 = "***": is empty: one secret a line, no blank lines']],
    ['an empty file', '', ['SIGNUP_EVENTS_SECRET_FILE = "***": is empty: it must hold the secret senders sign events with']],
    ['a short new secret', `${OLD}\n${SHORT}\n`, ['SIGNUP_EVENTS_SECRET_FILE line 2 = "***": must be at least 16 characters']],
    ['the same secret twice', `${OLD}\r\n ${OLD} \r\n`, ['SIGNUP_EVENTS_SECRET_FILE line 2 = "***": is the secret of line 1 again: each line must be another secret']],
    ['more than 8 lines', Array.from({ length: 9 }, (_, i) => `${NEW}-${i}`).join('\n'), ['SIGNUP_EVENTS_SECRET_FILE = "***": holds 9 lines: at most 8 secrets']],
    ['every problem at once', `${SHORT}\n\n${OLD}\n${OLD}`, ['line 1 = "***": must be at least 16', 'line 2 = "***": is empty', 'line 4 = "***": is the secret of line 3 again']],
    ['inline, a blank line', { SIGNUP_EVENTS_SECRET: `${OLD}\n\n${NEW}` }, ['SIGNUP_EVENTS_SECRET line 2 = "***": is empty']],
    ['inline, one short secret', { SIGNUP_EVENTS_SECRET: SHORT }, ['SIGNUP_EVENTS_SECRET = "***": must be at least 16 characters']],
  ];
  for (const [what, config, messages] of badConfigurations) {
    it(`refuses ${what}, naming the variable and the rule, never a secret`, () => {
      let env: NodeJS.ProcessEnv;
      if (typeof config === 'string') {
        writeFileSync(file, config);
        env = { SIGNUP_EVENTS_SECRET_FILE: file };
      } else env = config;
      let error: unknown;
      try {
        receiverSettings({}, env);
      } catch (err) {
        error = err;
      }
      expect(error).toBeInstanceOf(InputValidationError);
      const message = (error as InputValidationError).message;
      for (const expected of messages) expect(message).toContain(expected);
      for (const secret of [OLD, NEW, SHORT, `${NEW}-0`]) expect(message).not.toContain(secret);
    });
  }

  it('will not start without a secret', async () => {
    await expect(startSignupReceiver({ client: h.client, taskQueue: h.taskQueue, secrets: [] })).rejects.toThrow('secrets must hold at least one secret');
  });
});

describe('line events', () => {
  async function postLine(event: unknown) {
    const { body, headers } = signed(event);
    const res = await fetch(`${receiver.url}/line-events`, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } });
    return { status: res.status, json: (await res.json()) as ReceiverAnswer & { operationId?: string; lineWorkflowId?: string } };
  }

  async function lineView(customerId: string) {
    for (;;) {
      const found = await lookUpLine(h.client, 'outbound', customerId);
      if (found.state === 'managed' && found.view.line.trunk) return found.view;
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  it('queues the operation on the line once, however often the event is delivered', async () => {
    const customerId = h.customer('line-event');
    const setup = event(customerId);
    await (await h.startOutbound({ customerId, did: setup.did })).handle.result();
    await lineView(customerId);
    const added = `+9198555${String(++dids).padStart(5, '0')}`;
    const lineEvent = { eventId: `evt-line-${customerId}`, direction: 'outbound', customerId, operation: { kind: 'add-dids', dids: [` ${added} `] } };
    const first = await postLine(lineEvent);
    expect(first.status).toBe(202);
    expect(first.json).toMatchObject({ status: 'accepted', operationId: lineEvent.eventId, lineWorkflowId: lineWorkflowId('outbound', customerId) });
    for (;;) {
      const view = await lineView(customerId);
      if (view.recent.some((r) => r.operationId === lineEvent.eventId)) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const again = await postLine(lineEvent);
    expect(again.status).toBe(200);
    expect(again.json.status).toBe('duplicate');
    const view = await lineView(customerId);
    expect(view.line.numbers.map((n) => n.did)).toEqual([setup.did, added]);
    expect((await h.requestsSinceMark()).filter((r) => r.startsWith('POST /trunks/{trunk}/phone-numbers'))).toHaveLength(2);
  });

  it('refuses a malformed operation with every issue named, and an event for a customer with no line', async () => {
    const bad = await postLine({ eventId: 'evt-line-bad', direction: 'sideways', customerId: 'acme', operation: { kind: 'add-dids', dids: ['98'] }, confirm: 'yes' });
    expect(bad.status).toBe(422);
    expect(bad.json.issues?.map((i) => i.field)).toEqual(['direction', 'confirm', 'operation.dids[0]']);
    const none = await postLine({ eventId: `evt-line-none-${Date.now()}`, direction: 'outbound', customerId: h.customer('no-line'), operation: { kind: 'offboard' }, confirm: true });
    expect(none.status).toBe(409);
    expect(none.json.status).toBe('no-line');
  });
});
