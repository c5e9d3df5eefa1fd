// The ElevenLabs stand-in through the official SDK (@elevenlabs/elevenlabs-js), exactly as the project will call
// ElevenLabs: no HTTP mock. The SDK checks required fields itself and strips fields it does not know, so what the
// server must refuse is sent the way a user reaches undocumented fields: `additionalBodyParameters`.

import { ElevenLabs, ElevenLabsClient, ElevenLabsError } from '@elevenlabs/elevenlabs-js';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startElevenLabsStandIn, type ElevenLabsStoredNumber, type RunningStandIn } from '../../simulator/voice-ai';

const AGENT = 'agent_7001k2frontdesk';
const OTHER_AGENT = 'agent_7002k2sales';
const NUMBER = '+918047112233';
const INBOUND_PASSWORD = 'Inbound_Pass_51c0';
const OUTBOUND_PASSWORD = 'Outbound_Pass_a7e2';

let standIn: RunningStandIn<ElevenLabsStoredNumber>;
/** No SDK retries: each test sees one request per call (Temporal activities retry on their own). */
let client: ElevenLabsClient;
let phoneNumbers: ElevenLabsClient['conversationalAi']['phoneNumbers'];

const sipTrunk = (overrides: Partial<ElevenLabs.conversationalAi.PhoneNumbersCreateRequestBody.SipTrunk> = {}) => ({
  provider: 'sip_trunk' as const,
  phoneNumber: NUMBER,
  label: 'Acme front desk',
  agentId: AGENT,
  inboundTrunkConfig: {
    allowedNumbers: ['+918047000000'],
    mediaEncryption: 'allowed' as const,
    credentials: { username: 'acme_in', password: INBOUND_PASSWORD },
  },
  outboundTrunkConfig: {
    address: 'in.voip.exotel.com',
    transport: 'tls' as const,
    mediaEncryption: 'required' as const,
    headers: { 'X-Customer': 'acme' },
    credentials: { username: 'acme_out', password: OUTBOUND_PASSWORD },
    enabledCodecs: ['PCMA/8000' as const, 'PCMU/8000' as const],
  },
  ...overrides,
});

/** The error the SDK rejects with (fails the test if it resolves). */
const failure = (call: Promise<unknown>): Promise<ElevenLabsError> =>
  call.then(() => expect.unreachable('the SDK call should fail'), (e: unknown) => (expect(e).toBeInstanceOf(ElevenLabsError), e as ElevenLabsError));

beforeAll(async () => {
  standIn = await startElevenLabsStandIn({ agents: [{ id: AGENT, name: 'Front desk' }, { id: OTHER_AGENT, name: 'Sales' }] });
  client = new ElevenLabsClient({ apiKey: standIn.apiKey, baseUrl: standIn.url, maxRetries: 0 });
  phoneNumbers = client.conversationalAi.phoneNumbers;
});
afterAll(async () => standIn.close());
beforeEach(async () => standIn.admin.reset());

describe('ElevenLabs stand-in through @elevenlabs/elevenlabs-js', () => {
  it('imports a SIP trunk number with trunk settings and an agent, reads it back, rebinds it, lists and deletes it', async () => {
    const { phoneNumberId } = await phoneNumbers.create(sipTrunk());
    expect(phoneNumberId).toMatch(/^[A-Za-z0-9]{20}$/);

    const read = await phoneNumbers.get(phoneNumberId);
    expect(read).toMatchObject({
      provider: 'sip_trunk',
      phoneNumberId,
      phoneNumber: NUMBER,
      label: 'Acme front desk',
      assignedAgent: { agentId: AGENT, agentName: 'Front desk' },
      livekitStack: 'standard',
      inboundTrunk: { allowedAddresses: [], allowedNumbers: ['+918047000000'], mediaEncryption: 'allowed', hasAuthCredentials: true, username: 'acme_in' },
      outboundTrunk: {
        address: 'in.voip.exotel.com',
        transport: 'tls',
        mediaEncryption: 'required',
        headers: { 'X-Customer': 'acme' },
        hasAuthCredentials: true,
        username: 'acme_out',
        enabledCodecs: ['PCMA/8000', 'PCMU/8000'],
      },
    });
    expect(JSON.stringify(read)).not.toMatch(/Pass_/);

    const updated = await phoneNumbers.update(phoneNumberId, {
      agentId: OTHER_AGENT,
      // No password: the stored one stays (SDK: "if not specified, then remain unchanged").
      outboundTrunkConfig: { address: 'in.voip.exotel.com', transport: 'tcp', credentials: { username: 'acme_out2' } },
    });
    expect(updated).toMatchObject({
      assignedAgent: { agentId: OTHER_AGENT, agentName: 'Sales' },
      outboundTrunk: { transport: 'tcp', mediaEncryption: 'allowed', hasAuthCredentials: true, username: 'acme_out2' },
    });
    expect(await phoneNumbers.get(phoneNumberId)).toEqual(updated);

    const second = await phoneNumbers.create(sipTrunk({ phoneNumber: '+918047112244', agentId: undefined, outboundTrunkConfig: undefined }));
    const listed = await phoneNumbers.list();
    expect(listed.map((n) => n.phoneNumberId)).toEqual([phoneNumberId, second.phoneNumberId]);
    expect((await phoneNumbers.list({ agentId: OTHER_AGENT })).map((n) => n.phoneNumberId)).toEqual([phoneNumberId]);

    await phoneNumbers.delete(phoneNumberId);
    const gone = await failure(phoneNumbers.get(phoneNumberId));
    expect(gone.statusCode).toBe(404);
    expect(gone.body).toEqual({ detail: { status: 'phone_number_not_found', message: `Phone number ${phoneNumberId} not found` } });
    expect((await standIn.admin.state()).numbers.map((n) => n.phone_number)).toEqual(['+918047112244']);
  });

  it('refuses a missing required field, an unknown field and a wrong type with a FastAPI-style 422', async () => {
    // The SDK itself refuses a body without a required field, before any request.
    const { label: _label, ...withoutLabel } = sipTrunk();
    const local = await phoneNumbers.create(withoutLabel as ElevenLabs.conversationalAi.PhoneNumbersCreateRequestBody).catch((e: unknown) => e);
    expect(local).not.toBeInstanceOf(ElevenLabsError);
    expect(String(local)).toContain('label');
    expect(await standIn.admin.requests()).toEqual([]);

    const missing = await failure(phoneNumbers.create(sipTrunk(), { additionalBodyParameters: { label: undefined } }));
    expect(missing).toBeInstanceOf(ElevenLabs.UnprocessableEntityError);
    expect(missing.statusCode).toBe(422);
    expect(missing.body).toEqual({ detail: [{ type: 'missing', loc: ['body', 'sip_trunk', 'label'], msg: 'Field required' }] });

    const unknown = await failure(phoneNumbers.create(sipTrunk(), { additionalBodyParameters: { sip_password: 'x' } }));
    expect(unknown.statusCode).toBe(422);
    expect(unknown.body).toEqual({ detail: [{ type: 'extra_forbidden', loc: ['body', 'sip_trunk', 'sip_password'], msg: 'Extra inputs are not permitted' }] });

    const nested = await failure(
      phoneNumbers.create(sipTrunk(), { additionalBodyParameters: { outbound_trunk_config: { address: 7, transport: 'sctp' } } }),
    );
    expect(nested.body).toEqual({
      detail: [
        { type: 'string_type', loc: ['body', 'sip_trunk', 'outbound_trunk_config', 'address'], msg: 'Input should be a valid string' },
        {
          type: 'enum',
          loc: ['body', 'sip_trunk', 'outbound_trunk_config', 'transport'],
          msg: "Input should be 'auto', 'udp', 'tcp' or 'tls'",
          ctx: { expected: "'auto', 'udp', 'tcp' or 'tls'" },
        },
      ],
    });

    const patch = await failure(phoneNumbers.update('TeaqRRdTcIfIu2i7BYfT', {}, { additionalBodyParameters: { agent: AGENT } }));
    expect(patch.statusCode).toBe(422);
    expect(await standIn.admin.state()).toMatchObject({ numbers: [] });
  });

  it('refuses a provider it does not model (twilio) with a clear 400', async () => {
    const twilio = await failure(phoneNumbers.create({ provider: 'twilio', phoneNumber: NUMBER, label: 'x', sid: 'AC1', token: 'tok' }));
    expect(twilio.statusCode).toBe(400);
    expect(twilio.body).toMatchObject({ detail: { status: 'unsupported_provider' } });
  });

  it('refuses an unknown agent (404), a duplicate number (409), deleting a missing number (404) and a bad API key (401)', async () => {
    const unknownAgent = await failure(phoneNumbers.create(sipTrunk({ agentId: 'agent_nobody' })));
    expect(unknownAgent.statusCode).toBe(404);
    expect(unknownAgent.body).toMatchObject({ detail: { status: 'agent_not_found' } });

    const { phoneNumberId } = await phoneNumbers.create(sipTrunk());
    expect((await failure(phoneNumbers.update(phoneNumberId, { agentId: 'agent_nobody' }))).statusCode).toBe(404);
    expect((await phoneNumbers.get(phoneNumberId)).assignedAgent?.agentId).toBe(AGENT);

    const duplicate = await failure(phoneNumbers.create(sipTrunk({ label: 'again' })));
    expect(duplicate.statusCode).toBe(409);
    expect((await phoneNumbers.list()).map((n) => n.label)).toEqual(['Acme front desk']);

    const missing = await failure(phoneNumbers.delete('TeaqRRdTcIfIu2i7BYfT'));
    expect(missing.statusCode).toBe(404);

    const stranger = new ElevenLabsClient({ apiKey: 'sk_wrong', baseUrl: standIn.url, maxRetries: 0 });
    const refused = await failure(stranger.conversationalAi.phoneNumbers.list());
    expect(refused.statusCode).toBe(401);
    expect(refused.body).toEqual({ detail: { status: 'invalid_api_key', message: 'Invalid API key' } });
  });

  it('answers an injected 500 without applying it, and a commit-then-fail after applying it', async () => {
    await standIn.admin.addFault({ kind: 'status', status: 500, method: 'POST', path: '^/v1/convai/phone-numbers$' });
    const failed = await failure(phoneNumbers.create(sipTrunk()));
    expect(failed.statusCode).toBe(500);
    expect(failed.body).toMatchObject({ detail: { status: 'internal_server_error' } });
    expect((await standIn.admin.state()).numbers).toEqual([]);

    await standIn.admin.addFault({ kind: 'commit-then-fail', then: 502, method: 'POST', path: '^/v1/convai/phone-numbers$' });
    const lost = await failure(phoneNumbers.create(sipTrunk()));
    expect(lost.statusCode).toBe(502);
    // The SDK never saw the id, but the number is there: a retry must find it, not import it again.
    const held = await phoneNumbers.list();
    expect(held.map((n) => n.phoneNumber)).toEqual([NUMBER]);
    expect((await failure(phoneNumbers.create(sipTrunk()))).statusCode).toBe(409);
  });

  it('is retried twice by the SDK by default on a 5xx', async () => {
    await standIn.admin.addFault({ kind: 'status', status: 503, method: 'GET', path: '^/v1/convai/phone-numbers$', count: 0 });
    const defaults = new ElevenLabsClient({ apiKey: standIn.apiKey, baseUrl: standIn.url });
    expect((await failure(defaults.conversationalAi.phoneNumbers.list())).statusCode).toBe(503);
    expect((await standIn.admin.requests()).map((r) => r.status)).toEqual([503, 503, 503]);
  }, 20_000);

  it('logs requests with passwords masked', async () => {
    const { phoneNumberId } = await phoneNumbers.create(sipTrunk());
    await phoneNumbers.update(phoneNumberId, { inboundTrunkConfig: { credentials: { username: 'acme_in', password: `${INBOUND_PASSWORD}_new` } } });
    const log = await standIn.admin.requests();
    expect(log.map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual([
      'POST /v1/convai/phone-numbers 200',
      `PATCH /v1/convai/phone-numbers/${phoneNumberId} 200`,
    ]);
    expect(log[0]?.body).toMatchObject({
      inbound_trunk_config: { credentials: { username: 'acme_in', password: '***' } },
      outbound_trunk_config: { credentials: { username: 'acme_out', password: '***' } },
    });
    const everything = JSON.stringify([log, await standIn.admin.state()]);
    expect(everything).not.toContain(INBOUND_PASSWORD);
    expect(everything).not.toContain(OUTBOUND_PASSWORD);
    expect(everything).not.toContain(standIn.apiKey);
  });
});
