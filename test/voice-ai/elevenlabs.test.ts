// ElevenLabsPhoneNumbers against the ElevenLabs stand-in over real HTTP (no mocks): the exact request each method
// sends, as the stand-in logged it (passwords masked), and how each failure is classified.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startElevenLabsStandIn, type ElevenLabsStoredNumber, type RunningStandIn } from '../../simulator/voice-ai';
import type { KeyedAccountSettings } from '../../voice-ai/accounts';
import { ElevenLabsPhoneNumbers, type ElevenLabsImport } from '../../voice-ai/elevenlabs';
import { PlatformError } from '../../voice-ai/errors';

const AGENT = 'agent_7001k2frontdesk';
const OTHER_AGENT = 'agent_7002k2sales';
const NUMBER = '+918047112233';
const OUTBOUND_PASSWORD = 'Outbound_Pass_a7e2';
const INBOUND_PASSWORD = 'Inbound_Pass_51c0';
const PATH = '/v1/convai/phone-numbers';

let standIn: RunningStandIn<ElevenLabsStoredNumber>;
let account: KeyedAccountSettings;
let eleven: ElevenLabsPhoneNumbers;

const importing = (overrides: Partial<ElevenLabsImport> = {}): ElevenLabsImport => ({
  phoneNumber: NUMBER,
  label: `Exotel ${NUMBER}`,
  agentId: AGENT,
  outbound: { address: 'in.voip.exotel.com:443', transport: 'tls', mediaEncryption: 'allow', username: 'acme_out', password: OUTBOUND_PASSWORD },
  inbound: { mediaEncryption: 'allow' },
  ...overrides,
});

/** The PlatformError a call rejects with (fails the test if it resolves). */
const failure = (call: Promise<unknown>): Promise<PlatformError> =>
  call.then(() => expect.unreachable('the call should fail'), (e: unknown) => (expect(e).toBeInstanceOf(PlatformError), e as PlatformError));

/** Method, path and (masked) body of each request the stand-in saw, oldest first. */
const logged = async () => (await standIn.admin.requests()).map(({ method, path, body }) => ({ method, path, body }));

const OUTBOUND_WIRE = {
  address: 'in.voip.exotel.com:443',
  transport: 'tls',
  media_encryption: 'allowed',
  credentials: { username: 'acme_out', password: '***' },
  enabled_codecs: ['PCMA/8000', 'PCMU/8000'],
};

const VIEW = {
  phoneNumber: NUMBER,
  label: `Exotel ${NUMBER}`,
  provider: 'sip_trunk',
  agentId: AGENT,
  inbound: { mediaEncryption: 'allow', username: null, hasCredentials: false, allowedAddresses: [], allowedNumbers: [] },
  outbound: { address: 'in.voip.exotel.com:443', transport: 'tls', mediaEncryption: 'allow', username: 'acme_out', hasCredentials: true, enabledCodecs: ['PCMA/8000', 'PCMU/8000'] },
};

beforeAll(async () => {
  standIn = await startElevenLabsStandIn({ agents: [{ id: AGENT, name: 'Front desk' }, { id: OTHER_AGENT, name: 'Sales' }] });
  account = { name: 'eleven-main', provider: 'elevenlabs', apiKey: standIn.apiKey, baseUrl: standIn.url };
  eleven = new ElevenLabsPhoneNumbers(account);
});
afterAll(async () => standIn.close());
beforeEach(async () => standIn.admin.reset());

describe('ElevenLabsPhoneNumbers', () => {
  it('imports a SIP trunk number with the edge, digest credentials, the profile\'s codecs and the agent', async () => {
    const view = await eleven.importSipTrunkNumber(importing());
    expect(view.phoneNumberId).toMatch(/^[A-Za-z0-9]{20}$/);
    expect(view).toEqual({ phoneNumberId: view.phoneNumberId, ...VIEW });
    expect(JSON.stringify(view)).not.toContain(OUTBOUND_PASSWORD);
    expect(await logged()).toEqual([
      {
        method: 'POST',
        path: PATH,
        body: {
          provider: 'sip_trunk',
          phone_number: NUMBER,
          label: `Exotel ${NUMBER}`,
          agent_id: AGENT,
          inbound_trunk_config: { media_encryption: 'allowed' },
          outbound_trunk_config: OUTBOUND_WIRE,
        },
      },
    ]);
    // What was sent is what ElevenLabs holds: the import's view agrees with a read-back.
    expect(await eleven.getNumber(view.phoneNumberId)).toEqual(view);
  });

  it('sends nothing it was not given, and inbound credentials when asked', async () => {
    const bare = await eleven.importSipTrunkNumber({ phoneNumber: NUMBER, label: 'bare' });
    expect(bare).toMatchObject({ agentId: null, inbound: null, outbound: null });
    const withCredentials = await eleven.importSipTrunkNumber({
      phoneNumber: '+918047112244',
      label: 'in',
      inbound: { mediaEncryption: 'require', username: 'acme_in', password: INBOUND_PASSWORD },
    });
    expect(JSON.stringify(withCredentials)).not.toContain(INBOUND_PASSWORD);
    expect((await logged()).map((r) => r.body)).toEqual([
      { provider: 'sip_trunk', phone_number: NUMBER, label: 'bare' },
      {
        provider: 'sip_trunk',
        phone_number: '+918047112244',
        label: 'in',
        inbound_trunk_config: { media_encryption: 'required', credentials: { username: 'acme_in', password: '***' } },
      },
    ]);
    expect((await eleven.getNumber(withCredentials.phoneNumberId))?.inbound).toEqual({
      mediaEncryption: 'require',
      username: 'acme_in',
      hasCredentials: true,
      allowedAddresses: [],
      allowedNumbers: [],
    });

    // A password without a username is refused before any request, not sent without its password.
    await standIn.admin.clearRequests();
    const refused = await failure(eleven.importSipTrunkNumber(importing({ inbound: { mediaEncryption: 'allow', password: INBOUND_PASSWORD } })));
    expect(refused.details).toMatchObject({ provider: 'elevenlabs', kind: 'validation' });
    expect(await standIn.admin.requests()).toEqual([]);
  });

  it('finds a number by listing, reads one by id, and answers null for what ElevenLabs does not have', async () => {
    const { phoneNumberId } = await eleven.importSipTrunkNumber(importing());
    await standIn.admin.clearRequests();
    const found = await eleven.findByNumber(NUMBER);
    expect(found).toEqual({ phoneNumberId, ...VIEW });
    expect(await eleven.getNumber(phoneNumberId)).toEqual(found);
    expect(await eleven.findByNumber('+918047119999')).toBeNull();
    expect(await eleven.getNumber('TeaqRRdTcIfIu2i7BYfT')).toBeNull();
    expect(JSON.stringify(found)).not.toContain(OUTBOUND_PASSWORD);
    expect(await logged()).toEqual([
      { method: 'GET', path: PATH, body: null },
      { method: 'GET', path: `${PATH}/${phoneNumberId}`, body: null },
      { method: 'GET', path: PATH, body: null },
      { method: 'GET', path: `${PATH}/TeaqRRdTcIfIu2i7BYfT`, body: null },
    ]);
  });

  it('updates the agent, the label and the whole outbound trunk (a missing password keeps the stored one)', async () => {
    const { phoneNumberId } = await eleven.importSipTrunkNumber(importing());
    await standIn.admin.clearRequests();
    const view = await eleven.updateNumber(phoneNumberId, {
      label: 'renamed',
      agentId: OTHER_AGENT,
      outbound: { address: 'in.voip.exotel.com:5070', transport: 'tcp', mediaEncryption: 'disable', username: 'acme_out2' },
    });
    expect(view).toEqual({
      ...VIEW,
      phoneNumberId,
      label: 'renamed',
      agentId: OTHER_AGENT,
      outbound: { address: 'in.voip.exotel.com:5070', transport: 'tcp', mediaEncryption: 'disable', username: 'acme_out2', hasCredentials: true, enabledCodecs: ['PCMA/8000', 'PCMU/8000'] },
    });
    expect(await logged()).toEqual([
      {
        method: 'PATCH',
        path: `${PATH}/${phoneNumberId}`,
        body: {
          label: 'renamed',
          agent_id: OTHER_AGENT,
          outbound_trunk_config: { ...OUTBOUND_WIRE, address: 'in.voip.exotel.com:5070', transport: 'tcp', media_encryption: 'disabled', credentials: { username: 'acme_out2' } },
        },
      },
    ]);

    await standIn.admin.clearRequests();
    const withPassword = await eleven.updateNumber(phoneNumberId, { inbound: { mediaEncryption: 'allow', username: 'acme_in', password: INBOUND_PASSWORD } });
    expect(JSON.stringify(withPassword)).not.toContain(INBOUND_PASSWORD);
    expect((await logged())[0]?.body).toEqual({ inbound_trunk_config: { media_encryption: 'allowed', credentials: { username: 'acme_in', password: '***' } } });

    const missing = await failure(eleven.updateNumber('TeaqRRdTcIfIu2i7BYfT', { label: 'x' }));
    expect(missing.details).toMatchObject({ kind: 'not-found', httpStatus: 404, code: 'phone_number_not_found' });
    const unknownAgent = await failure(eleven.updateNumber(phoneNumberId, { agentId: 'agent_nobody' }));
    expect(unknownAgent.details).toMatchObject({ kind: 'not-found', code: 'agent_not_found', description: 'Agent agent_nobody not found' });
  });

  it('deletes a number, and answers false when it is already gone', async () => {
    const { phoneNumberId } = await eleven.importSipTrunkNumber(importing());
    await standIn.admin.clearRequests();
    expect(await eleven.deleteNumber(phoneNumberId)).toBe(true);
    expect(await eleven.deleteNumber(phoneNumberId)).toBe(false);
    expect(await logged()).toEqual([
      { method: 'DELETE', path: `${PATH}/${phoneNumberId}`, body: null },
      { method: 'DELETE', path: `${PATH}/${phoneNumberId}`, body: null },
    ]);
    expect((await standIn.admin.state()).numbers).toEqual([]);
  });

  it('classifies a duplicate import (409 phone_number_already_exists) as duplicate', async () => {
    await eleven.importSipTrunkNumber(importing());
    const duplicate = await failure(eleven.importSipTrunkNumber(importing({ label: 'again' })));
    expect(duplicate.details).toEqual({
      provider: 'elevenlabs',
      kind: 'duplicate',
      operation: 'POST /v1/convai/phone-numbers',
      httpStatus: 409,
      code: 'phone_number_already_exists',
      description: `Phone number ${NUMBER} has already been imported`,
    });
    expect(duplicate.retryable).toBe(false);
  });

  it('classifies a bad API key as auth', async () => {
    const stranger = new ElevenLabsPhoneNumbers({ ...account, apiKey: 'sk_wrong' });
    const refused = await failure(stranger.findByNumber(NUMBER));
    expect(refused.details).toMatchObject({ provider: 'elevenlabs', kind: 'auth', httpStatus: 401, code: 'invalid_api_key' });
    expect(refused.message).not.toContain('sk_wrong');
  });

  it('makes exactly one request on a 503 (no SDK retries) and calls it transient', async () => {
    await standIn.admin.addFault({ kind: 'status', status: 503, method: 'GET', path: '^/v1/convai/phone-numbers$', count: 0 });
    const failed = await failure(eleven.findByNumber(NUMBER));
    expect(failed.details).toMatchObject({ kind: 'transient', httpStatus: 503, code: 'service_unavailable' });
    expect(failed.retryable).toBe(true);
    expect((await standIn.admin.requests()).map((r) => [r.method, r.path, r.status])).toEqual([['GET', PATH, 503]]);
  });

  it('calls a 429 rate-limited, after one request', async () => {
    await standIn.admin.addFault({ kind: 'status', status: 429, method: 'POST', path: '^/v1/convai/phone-numbers$', count: 0 });
    const limited = await failure(eleven.importSipTrunkNumber(importing()));
    expect(limited.details).toMatchObject({ kind: 'rate-limited', httpStatus: 429 });
    expect(limited.retryable).toBe(true);
    expect(await standIn.admin.requests()).toHaveLength(1);
  });

  it('calls a dropped connection transient, with no status', async () => {
    await standIn.admin.addFault({ kind: 'drop', method: 'POST', path: '^/v1/convai/phone-numbers$' });
    const dropped = await failure(eleven.importSipTrunkNumber(importing()));
    expect(dropped.details.kind).toBe('transient');
    expect(dropped.details.httpStatus).toBeUndefined();
    expect(await standIn.admin.requests()).toHaveLength(1);
  });

  it('after a commit-then-fail import, the retry finds the number by listing and a second import is a duplicate', async () => {
    await standIn.admin.addFault({ kind: 'commit-then-fail', then: 502, method: 'POST', path: '^/v1/convai/phone-numbers$' });
    const lost = await failure(eleven.importSipTrunkNumber(importing()));
    expect(lost.details).toMatchObject({ kind: 'transient', httpStatus: 502 });
    const found = await eleven.findByNumber(NUMBER);
    expect(found).toMatchObject({ ...VIEW, phoneNumberId: expect.stringMatching(/^[A-Za-z0-9]{20}$/) as unknown });
    expect((await failure(eleven.importSipTrunkNumber(importing()))).details.kind).toBe('duplicate');
  });

  it('refuses an account of another platform', () => {
    expect(() => new ElevenLabsPhoneNumbers({ ...account, provider: 'retell' })).toThrow(/needs an elevenlabs account/);
  });
});
