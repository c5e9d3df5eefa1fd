// AtomsPhoneNumbers against the Smallest Atoms stand-in over real HTTP (no mocks): the exact request each method
// sends, as the stand-in logged it (passwords masked), and how each failure is classified.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RunningStandIn } from '../../simulator/voice-ai';
import { startSmallestStandIn, type AtomsStoredNumber } from '../../simulator/voice-ai/smallest';
import { PlatformError } from '../../voice-ai/errors';
import { AtomsPhoneNumbers, sipTerminationUrlFor, type AtomsAccountSettings, type AtomsImport } from '../../voice-ai/smallest';

const NUMBER = '+918047112233';
const PASSWORD = 'Digest_Pass_9f3b';
const EDGE = { host: 'in.voip.exotel.com', port: 443, transport: 'tls' as const };
const IMPORT_PATH = '/atoms/v1/product/import-phone-number';

let standIn: RunningStandIn<AtomsStoredNumber>;
let account: AtomsAccountSettings;
let atoms: AtomsPhoneNumbers;

const importing = (overrides: Partial<AtomsImport> = {}): AtomsImport => ({
  phoneNumber: NUMBER,
  sipTerminationUrl: sipTerminationUrlFor(EDGE),
  name: `Exotel ${NUMBER}`,
  sipUsername: 'acme_out_user',
  sipPassword: PASSWORD,
  ...overrides,
});

/** Every PlatformError a test saw, to check that no key or password leaked into one. */
const seen: PlatformError[] = [];

/** The PlatformError a call rejects with (fails the test if it resolves). */
const failure = (call: Promise<unknown>): Promise<PlatformError> =>
  call.then(
    () => expect.unreachable('the call should fail'),
    (e: unknown) => {
      expect(e).toBeInstanceOf(PlatformError);
      seen.push(e as PlatformError);
      return e as PlatformError;
    },
  );

/** Method, path and (masked) body of each request the stand-in saw, oldest first. */
const logged = async () => (await standIn.admin.requests()).map(({ method, path, body }) => ({ method, path, body }));

beforeAll(async () => {
  standIn = await startSmallestStandIn();
  account = { name: 'atoms-main', provider: 'smallest-atoms', apiKey: standIn.apiKey, baseUrl: standIn.url };
  atoms = new AtomsPhoneNumbers(account);
});
afterAll(async () => {
  // No error of any test shows the key or a password.
  const shown = JSON.stringify(seen.map((e) => [e.message, e.details]));
  expect(shown).not.toContain(standIn.apiKey);
  expect(shown).not.toContain(PASSWORD);
  await standIn.close();
});
beforeEach(async () => standIn.admin.reset());

describe('sipTerminationUrlFor', () => {
  it('spells the edge as the sheet does: sip:host:port;transport=', () => {
    expect(sipTerminationUrlFor(EDGE)).toBe('sip:in.voip.exotel.com:443;transport=tls');
    expect(sipTerminationUrlFor({ host: 'in.voip.exotel.com', port: 5070, transport: 'tcp' })).toBe('sip:in.voip.exotel.com:5070;transport=tcp');
  });
});

describe('AtomsPhoneNumbers', () => {
  it('imports a number with the edge and digest credentials: the exact request, the view', async () => {
    const view = await atoms.importNumber(importing());
    const [stored] = (await standIn.admin.state()).numbers;
    expect(view).toEqual({
      id: stored?._id,
      name: `Exotel ${NUMBER}`,
      phoneNumber: NUMBER,
      inboundSipTrunkId: stored?.attributes.inboundSipTrunkId,
      outboundSipTrunkId: stored?.attributes.outboundSipTrunkId,
    });
    expect(view.inboundSipTrunkId).toMatch(/^ST_/);
    expect(JSON.stringify(view)).not.toContain(PASSWORD);
    expect(await logged()).toEqual([
      {
        method: 'POST',
        path: IMPORT_PATH,
        body: {
          phoneNumber: NUMBER,
          sipTerminationUrl: 'sip:in.voip.exotel.com:443;transport=tls',
          name: `Exotel ${NUMBER}`,
          sipUsername: 'acme_out_user',
          sipPassword: '***',
        },
      },
    ]);
    // What Atoms keeps, as documented: the URI normalized to host:port, the transport parameter gone.
    expect(stored).toMatchObject({ sipTerminationUrl: 'in.voip.exotel.com:443', sipUsername: 'acme_out_user', sipPasswordSet: true });
  });

  it('sends no credentials it was not given', async () => {
    await atoms.importNumber(importing({ sipUsername: undefined, sipPassword: undefined }));
    expect((await logged())[0]?.body).toEqual({ phoneNumber: NUMBER, sipTerminationUrl: 'sip:in.voip.exotel.com:443;transport=tls', name: `Exotel ${NUMBER}` });
    expect((await standIn.admin.state()).numbers[0]).toMatchObject({ sipUsername: null, sipPasswordSet: false });
  });

  it('reads imported numbers back from all-numbers, and null for one Atoms does not have', async () => {
    const first = await atoms.importNumber(importing());
    const second = await atoms.importNumber(importing({ phoneNumber: '+918047112244', name: 'Second' }));
    await standIn.admin.clearRequests();
    expect(await atoms.listImportedNumbers()).toEqual([first, second]);
    expect(await atoms.findImportedNumber('+918047112244')).toEqual(second);
    expect(await atoms.findImportedNumber('+918047119999')).toBeNull();
    expect(await logged()).toEqual([
      { method: 'GET', path: '/atoms/v1/product/all-numbers', body: null },
      { method: 'GET', path: '/atoms/v1/product/all-numbers', body: null },
      { method: 'GET', path: '/atoms/v1/product/all-numbers', body: null },
    ]);
  });

  it('classifies a second import of the same number (400 "Number already present") as duplicate', async () => {
    await atoms.importNumber(importing());
    const duplicate = await failure(atoms.importNumber(importing({ name: 'again' })));
    expect(duplicate.details).toEqual({
      provider: 'smallest-atoms',
      kind: 'duplicate',
      operation: 'POST /product/import-phone-number',
      httpStatus: 400,
      description: 'Number already present',
    });
    expect(duplicate.retryable).toBe(false);
    expect((await atoms.findImportedNumber(NUMBER))?.name).toBe(`Exotel ${NUMBER}`);
  });

  it('classifies a bad API key as auth, without showing it', async () => {
    const stranger = new AtomsPhoneNumbers({ ...account, apiKey: 'sk_wrong_key_123' });
    const refused = await failure(stranger.importNumber(importing()));
    expect(refused.details).toMatchObject({ provider: 'smallest-atoms', kind: 'auth', httpStatus: 401, description: 'Unauthorized: User not found' });
    expect(JSON.stringify([refused.message, refused.details])).not.toContain('sk_wrong_key_123');
    expect((await failure(stranger.listImportedNumbers())).details.kind).toBe('auth');
    expect((await standIn.admin.state()).numbers).toEqual([]);
  });

  it('classifies body refusals as validation: Atoms\' own (a website URL) and a non-E.164 number, refused before sending', async () => {
    const website = await failure(atoms.importNumber(importing({ sipTerminationUrl: 'https://www.exotel.com/' })));
    expect(website.details).toMatchObject({ kind: 'validation', httpStatus: 400 });
    expect(website.details.description).toContain('Invalid SIP termination URL');

    await standIn.admin.clearRequests();
    const local = await failure(atoms.importNumber(importing({ phoneNumber: '08047112233' })));
    expect(local.details).toMatchObject({ kind: 'validation', operation: 'POST /product/import-phone-number' });
    expect(local.details.httpStatus).toBeUndefined();
    expect(await standIn.admin.requests()).toEqual([]);
  });

  it('makes exactly one request on a 503 or 500 and calls it transient', async () => {
    await standIn.admin.addFault({ kind: 'status', status: 503, path: '/product/all-numbers$', count: 0 });
    const failed = await failure(atoms.findImportedNumber(NUMBER));
    expect(failed.details).toMatchObject({ kind: 'transient', httpStatus: 503, description: 'Internal server error: injected fault' });
    expect(failed.retryable).toBe(true);
    expect((await standIn.admin.requests()).map((r) => [r.method, r.path, r.status])).toEqual([['GET', '/atoms/v1/product/all-numbers', 503]]);

    await standIn.admin.addFault({ kind: 'status', status: 500, method: 'POST', path: '/product/import-phone-number$' });
    expect((await failure(atoms.importNumber(importing()))).details).toMatchObject({ kind: 'transient', httpStatus: 500 });
    expect((await standIn.admin.state()).numbers).toEqual([]);
  });

  it('calls a 429 rate-limited, after one request, reading its {message} body', async () => {
    await standIn.admin.addFault({ kind: 'status', status: 429, method: 'POST', path: '/product/import-phone-number$', count: 0 });
    const limited = await failure(atoms.importNumber(importing()));
    expect(limited.details).toMatchObject({ kind: 'rate-limited', httpStatus: 429, description: 'Rate limit exceeded' });
    expect(limited.retryable).toBe(true);
    expect(await standIn.admin.requests()).toHaveLength(1);
  });

  it('calls a dropped connection transient, with no status', async () => {
    await standIn.admin.addFault({ kind: 'drop', method: 'POST', path: '/product/import-phone-number$' });
    const dropped = await failure(atoms.importNumber(importing()));
    expect(dropped.details.kind).toBe('transient');
    expect(dropped.details.httpStatus).toBeUndefined();
    expect(await standIn.admin.requests()).toHaveLength(1);
  });

  it('after a commit-then-fail import, the retry is a duplicate and the number is found by listing', async () => {
    await standIn.admin.addFault({ kind: 'commit-then-fail', method: 'POST', path: '/product/import-phone-number$' });
    const lost = await failure(atoms.importNumber(importing()));
    expect(lost.details).toMatchObject({ kind: 'transient', httpStatus: 500 });
    expect((await failure(atoms.importNumber(importing()))).details.kind).toBe('duplicate');
    const found = await atoms.findImportedNumber(NUMBER);
    expect(found).toMatchObject({ phoneNumber: NUMBER, name: `Exotel ${NUMBER}`, inboundSipTrunkId: expect.stringMatching(/^ST_/) as unknown });
    expect(found?.id).toBe((await standIn.admin.state()).numbers[0]?._id);
  });

  it('never shows the key or a password in the stand-in\'s log or state', async () => {
    await atoms.importNumber(importing());
    await failure(atoms.importNumber(importing()));
    await atoms.listImportedNumbers();
    const everything = JSON.stringify([await standIn.admin.requests(), await standIn.admin.state()]);
    expect(everything).not.toContain(PASSWORD);
    expect(everything).not.toContain(standIn.apiKey);
  });

  it('refuses an account of another platform', () => {
    expect(() => new AtomsPhoneNumbers({ ...account, provider: 'retell' } as unknown as AtomsAccountSettings)).toThrow(/needs a smallest-atoms account/);
  });
});
