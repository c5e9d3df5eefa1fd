// The state timeline (GET /_admin/timeline) and the questions asked of it (momentsWithout, unroutedMoments), over a
// real simulator on a random port.

import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  SimulatorOptionError,
  momentsWithout,
  startSimulator,
  unroutedMoments,
  type Credential,
  type DestinationUri,
  type PhoneNumberMapping,
  type TimelineEntry,
  type WhitelistedIp,
} from '../../simulator';
import { ACME, data, expectInvalid, httpCall, items, startTestSimulator, type TestSimulator } from './support';

const PASSWORD = 'Str0ng_Password_1';
const NUMBER = '+919876543210';
const OTHER = '+918040264208';

let t: TestSimulator;
beforeAll(async () => {
  t = await startTestSimulator();
});
afterAll(() => t.sim.close());
beforeEach(() => t.admin.reset());

const entries = async (): Promise<TimelineEntry[]> => (await t.admin.timeline()).entries;
const brief = (e: TimelineEntry): string => `${e.kind} ${e.operation}`;
const destinations = (trunk: string, ...uris: string[]) =>
  t.acme.post(`/trunks/${trunk}/destination-uris`, { destinations: uris.map((destination) => ({ destination })) });

describe('GET /_admin/timeline', () => {
  it('records every kind of change with its values, the values before an update, and what the trunk holds after', async () => {
    const trunk = await t.acme.createTrunk('recorded');
    const base = `/trunks/${trunk}`;
    data(await t.acme.put(base, { trunk_name: 'renamed' }));

    const number = data<PhoneNumberMapping>(await t.acme.post(`${base}/phone-numbers`, { phone_number: NUMBER }));
    data(await t.acme.put(`${base}/phone-numbers/${number.id}`, { phone_number: NUMBER, mode: 'flow' }));

    const credential = data<Credential>(await t.acme.post(`${base}/credentials`, { user_name: 'agent', password: PASSWORD, friendly_name: 'a' }));
    data(await t.acme.put(`${base}/credentials/${credential.id}`, { password: 'An0ther_Password_2' }));

    const acl = data<WhitelistedIp>(await t.acme.post(`${base}/whitelisted-ips`, { ip: '44.248.146.10' }));
    data(await t.acme.put(`${base}/whitelisted-ips/${acl.id}`, { ip: '44.248.146.10', mask: 24 }));

    const [uri] = items<DestinationUri>(await destinations(trunk, 'sip.example.com:5061;transport=tls'));
    data(await t.acme.put(`${base}/destination-uris/${uri?.id}`, { priority: 2, weight: 5 }));

    await t.acme.post(`${base}/settings`, { settings: [{ name: 'trunk_external_alias', value: NUMBER }] });
    await t.acme.post(`${base}/settings`, { settings: [{ name: 'trunk_external_alias', value: OTHER }] });
    data(await t.acme.del(`${base}/settings?name=trunk_external_alias`));

    data(await t.acme.del(`${base}/destination-uris?id=${uri?.id}`));
    data(await t.acme.del(`${base}/whitelisted-ips?id=${acl.id}`));
    data(await t.acme.del(`${base}/credentials?id=${credential.id}`));
    data(await t.acme.del(`${base}/phone-numbers?id=${number.id}`));
    data(await t.acme.del(`/trunks?trunk_sid=${trunk}`));

    const timeline = await t.admin.timeline();
    expect(timeline).toMatchObject({ truncated: false, dropped_through: 0, capacity: 50_000 });
    const all = timeline.entries;
    expect(all.map(brief)).toEqual([
      'trunk create',
      'trunk update',
      'number create',
      'number update',
      'credential create',
      'credential update',
      'acl create',
      'acl update',
      'destination create',
      'destination update',
      'setting create',
      'setting update',
      'setting delete',
      'destination delete',
      'acl delete',
      'credential delete',
      'number delete',
      'trunk delete',
    ]);
    expect(all.map((e) => e.seq)).toEqual(all.map((_, i) => i + 1));
    for (const e of all) {
      expect(e).toMatchObject({ account: 'acme', trunk_sid: trunk });
      expect(e.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    }
    const [created, renamed, mapped, remapped, credCreated, credUpdated, aclCreated, aclUpdated, destCreated, destUpdated] = all;
    expect(created).toMatchObject({
      trunk_name: 'recorded',
      id: null,
      values: { trunk_name: 'recorded', nso_code: 'ANY-ANY', domain_name: 'acme.pstn.exotel.com' },
      counts: { numbers: 0, credentials: 0, acl_entries: 0, destinations: 0 },
    });
    expect(created).not.toHaveProperty('previous');
    expect(created).not.toHaveProperty('number_routes');
    expect(renamed).toMatchObject({ trunk_name: 'renamed', values: { trunk_name: 'renamed' }, previous: { trunk_name: 'recorded' } });
    expect(mapped).toMatchObject({
      id: number.id,
      values: { phone_number: NUMBER, mode: null },
      counts: { numbers: 1 },
      number_routes: [{ phone_number: NUMBER, trunk_sids: [trunk] }],
    });
    expect(remapped).toMatchObject({ values: { mode: 'flow' }, previous: { mode: null }, number_routes: [{ phone_number: NUMBER, trunk_sids: [trunk] }] });
    expect(credCreated).toMatchObject({ id: credential.id, values: { user_name: 'agent', friendly_name: 'a' }, counts: { numbers: 1, credentials: 1 } });
    expect(credUpdated).toMatchObject({ values: { user_name: 'agent', password_changed: true }, previous: { user_name: 'agent' } });
    expect(aclCreated).toMatchObject({ id: acl.id, values: { ip: '44.248.146.10', mask: 32 }, counts: { acl_entries: 1 } });
    expect(aclUpdated).toMatchObject({ values: { mask: 24 }, previous: { mask: 32 } });
    expect(destCreated).toMatchObject({
      id: uri?.id,
      values: { destination: 'sip:sip.example.com:5061;transport=tls', priority: 0, weight: 1 },
      counts: { numbers: 1, credentials: 1, acl_entries: 1, destinations: 1 },
    });
    expect(destUpdated).toMatchObject({ values: { priority: 2, weight: 5 }, previous: { priority: 0, weight: 1 } });
    expect(all[10]).toMatchObject({ id: null, values: { name: 'trunk_external_alias', value: NUMBER } });
    expect(all[10]).not.toHaveProperty('previous');
    expect(all[11]).toMatchObject({ values: { value: OTHER }, previous: { value: NUMBER } });
    expect(all[12]).toMatchObject({ values: { value: OTHER } });
    expect(all.slice(13, 17).map((e) => e.counts)).toEqual([
      { numbers: 1, credentials: 1, acl_entries: 1, destinations: 0 },
      { numbers: 1, credentials: 1, acl_entries: 0, destinations: 0 },
      { numbers: 1, credentials: 0, acl_entries: 0, destinations: 0 },
      { numbers: 0, credentials: 0, acl_entries: 0, destinations: 0 },
    ]);
    expect(all[16]?.number_routes).toEqual([{ phone_number: NUMBER, trunk_sids: [] }]);
    expect(all[17]).toMatchObject({ trunk_name: 'renamed', values: { trunk_name: 'renamed' } });

    // Passwords are validated, then forgotten: the timeline never saw them.
    const text = JSON.stringify(timeline);
    expect(text).not.toContain(PASSWORD);
    expect(text).not.toContain('An0ther_Password_2');
  });

  it('a trunk deletion says where each of its numbers is still mapped (nowhere, by default), and counts nothing', async () => {
    const trunk = await t.acme.createTrunk('doomed');
    data(await t.acme.post(`/trunks/${trunk}/phone-numbers`, { phone_number: NUMBER }));
    data(await t.acme.post(`/trunks/${trunk}/phone-numbers`, { phone_number: OTHER }));
    data(await t.acme.post(`/trunks/${trunk}/credentials`, { user_name: 'agent', password: PASSWORD }));
    data(await t.acme.del(`/trunks?trunk_sid=${trunk}`));
    const deletion = (await entries()).at(-1);
    expect(deletion).toMatchObject({
      kind: 'trunk',
      operation: 'delete',
      counts: { numbers: 0, credentials: 0, acl_entries: 0, destinations: 0 },
      number_routes: [
        { phone_number: NUMBER, trunk_sids: [] },
        { phone_number: OTHER, trunk_sids: [] },
      ],
    });
  });

  it('a PUT that moves a mapping to another number routes both: the old one to nothing, the new one to the trunk', async () => {
    const trunk = await t.acme.createTrunk('moved');
    const { id } = data<PhoneNumberMapping>(await t.acme.post(`/trunks/${trunk}/phone-numbers`, { phone_number: NUMBER }));
    data(await t.acme.put(`/trunks/${trunk}/phone-numbers/${id}`, { phone_number: OTHER, mode: 'pstn' }));
    expect((await entries()).at(-1)).toMatchObject({
      previous: { phone_number: NUMBER },
      values: { phone_number: OTHER, mode: 'pstn' },
      number_routes: [
        { phone_number: NUMBER, trunk_sids: [] },
        { phone_number: OTHER, trunk_sids: [trunk] },
      ],
    });
  });

  it('records nothing for reads and refused writes; records a commit-then-fail write, which did change the state', async () => {
    const trunk = await t.acme.createTrunk('quiet');
    await t.acme.get('/trunks');
    await t.acme.get(`/trunks/${trunk}/phone-numbers`);
    expectInvalid(await t.acme.post(`/trunks/${trunk}/phone-numbers`, { phone_number: '9876543210' }), 1002, 'Invalid PhoneNumber');
    data(await t.acme.post(`/trunks/${trunk}/phone-numbers`, { phone_number: NUMBER }));
    expect((await t.acme.post(`/trunks/${trunk}/phone-numbers`, { phone_number: NUMBER })).body.response).toMatchObject({ code: 409 });
    // An IP destination outside the ACL fails inside its batch: no entry for it.
    expect((await destinations(trunk, '44.248.146.11:5061;transport=tls')).status).toBe(207);
    expect((await entries()).map(brief)).toEqual(['trunk create', 'number create']);

    await t.admin.addFault({ kind: 'commit-then-fail', method: 'POST', path: '/credentials$' });
    expect((await t.acme.post(`/trunks/${trunk}/credentials`, { user_name: 'agent', password: PASSWORD })).status).toBe(500);
    expect((await entries()).map(brief)).toEqual(['trunk create', 'number create', 'credential create']);
  });

  it('filters by account, trunk, number and since', async () => {
    const first = await t.acme.createTrunk('first');
    const second = await t.acme.createTrunk('second');
    const foreign = await t.globex.createTrunk('foreign');
    data(await t.acme.post(`/trunks/${first}/phone-numbers`, { phone_number: NUMBER }));
    data(await t.acme.post(`/trunks/${second}/phone-numbers`, { phone_number: OTHER }));
    data(await t.globex.post(`/trunks/${foreign}/phone-numbers`, { phone_number: NUMBER }));

    const all = await entries();
    expect(all).toHaveLength(6);
    expect((await t.admin.timeline({ account: 'globex' })).entries.map((e) => e.trunk_sid)).toEqual([foreign, foreign]);
    expect((await t.admin.timeline({ trunk: second })).entries.map(brief)).toEqual(['trunk create', 'number create']);
    expect((await t.admin.timeline({ number: NUMBER })).entries.map((e) => e.trunk_sid)).toEqual([first, foreign]);
    expect((await t.admin.timeline({ number: NUMBER, account: 'acme' })).entries.map((e) => e.trunk_sid)).toEqual([first]);
    const since = all[3]?.seq ?? 0;
    expect((await t.admin.timeline({ since })).entries.map((e) => e.seq)).toEqual([since + 1, since + 2]);
    expect((await t.admin.timeline({ account: 'nobody' })).entries).toEqual([]);
  });

  it('answers 400 naming the parameter to a bad since or number, with a hint for a raw "+"', async () => {
    const admin = (query: string) => httpCall(`${t.sim.url}/_admin/timeline${query}`, 'GET', {});
    const bad = await admin('?since=-1');
    expect(bad.status).toBe(400);
    expect(bad.body).toEqual({ error: 'since "-1" is invalid: must be a timeline seq (a non-negative integer)' });
    expect((await admin('?number=9876543210')).body).toEqual({ error: 'number "9876543210" is invalid: must be E.164, "+" then 2 to 15 digits' });
    expect((await admin('?number=+919876543210')).body).toEqual({
      error: 'number " 919876543210" is invalid: must be E.164, "+" then 2 to 15 digits (a raw "+" in a query reads as a space: send %2B)',
    });
    expect((await admin('?number=%2B919876543210')).status).toBe(200);
  });

  it('a reset forgets the entries but seq keeps counting', async () => {
    await t.acme.createTrunk('before');
    const [before] = await entries();
    await t.admin.reset();
    expect(await t.admin.timeline()).toMatchObject({ entries: [], truncated: false, dropped_through: 0 });
    await t.acme.createTrunk('after');
    expect((await entries()).map((e) => e.seq)).toEqual([(before?.seq ?? 0) + 1]);
  });
});

describe('timeline capacity', () => {
  let small: TestSimulator;
  beforeAll(async () => {
    small = await startTestSimulator({ timelineCapacity: 3 });
  });
  afterAll(() => small.sim.close());

  it('keeps the newest entries, says it is truncated, and the helpers refuse to judge it', async () => {
    const trunk = await small.acme.createTrunk('busy');
    for (const ip of ['10.0.0.1', '10.0.0.2', '10.0.0.3', '10.0.0.4']) data(await small.acme.post(`/trunks/${trunk}/whitelisted-ips`, { ip }));

    const timeline = await small.admin.timeline();
    expect(timeline).toMatchObject({ truncated: true, dropped_through: 2, capacity: 3 });
    expect(timeline.entries.map((e) => e.seq)).toEqual([3, 4, 5]);
    expect(() => momentsWithout(timeline, { trunk, kind: 'acl_entries' })).toThrow(
      'timeline is truncated: entries through seq 2 were dropped (capacity 3), so moments among them cannot be ruled out; read it with since ≥ 2 or raise timelineCapacity',
    );
    // Read from past the dropped entries, the record is complete for what it covers.
    const tail = await small.admin.timeline({ since: 2 });
    expect(tail).toMatchObject({ truncated: false, dropped_through: 2 });
    expect(momentsWithout(tail, { trunk, kind: 'acl_entries' })).toEqual([]);
    expect((await small.admin.timeline({ since: 1 })).truncated).toBe(true);

    await small.admin.reset();
    expect(await small.admin.timeline()).toMatchObject({ entries: [], truncated: false, dropped_through: 0, capacity: 3 });
  });

  it.each([0, -1, 1.5])('refuses timelineCapacity %s', async (timelineCapacity) => {
    const started = startSimulator({ accounts: [ACME], timelineCapacity });
    await expect(started).rejects.toThrow(SimulatorOptionError);
    await expect(started).rejects.toThrow(`timeline capacity ${timelineCapacity} is invalid: must be an integer ≥ 1`);
  });
});

describe('momentsWithout', () => {
  const URI_A = 'a.example.com:5061;transport=tls';
  const URI_B = 'b.example.com:5061;transport=tls';

  it('finds the moment a delete-then-add left the trunk with zero destinations', async () => {
    const trunk = await t.acme.createTrunk('swap');
    const [a] = items<DestinationUri>(await destinations(trunk, URI_A));
    data(await t.acme.del(`/trunks/${trunk}/destination-uris?id=${a?.id}`));
    await destinations(trunk, URI_B);
    const moments = momentsWithout(await t.admin.timeline(), { trunk, kind: 'destinations' });
    expect(moments.map((e) => [e.kind, e.operation, e.id])).toEqual([['destination', 'delete', a?.id]]);
    expect(moments[0]?.counts.destinations).toBe(0);
  });

  it('finds none for add-then-delete, nor before the first was added, nor at the trunk deletion', async () => {
    const trunk = await t.acme.createTrunk('safe');
    data(await t.acme.post(`/trunks/${trunk}/phone-numbers`, { phone_number: NUMBER }));
    const [a] = items<DestinationUri>(await destinations(trunk, URI_A));
    await destinations(trunk, URI_B);
    data(await t.acme.del(`/trunks/${trunk}/destination-uris?id=${a?.id}`));
    data(await t.acme.del(`/trunks?trunk_sid=${trunk}`));
    const timeline = await t.admin.timeline();
    expect(momentsWithout(timeline, { trunk, kind: 'destinations' })).toEqual([]);
    // The entries alone, filtered to the trunk, give the same answer.
    expect(momentsWithout((await t.admin.timeline({ trunk })).entries, { trunk, kind: 'destinations' })).toEqual([]);
  });

  it('finds a credential rotation done delete-first, and every entry inside the gap', async () => {
    const trunk = await t.acme.createTrunk('rotate');
    const old = data<Credential>(await t.acme.post(`/trunks/${trunk}/credentials`, { user_name: 'old', password: PASSWORD }));
    data(await t.acme.del(`/trunks/${trunk}/credentials?id=${old.id}`));
    data(await t.acme.post(`/trunks/${trunk}/whitelisted-ips`, { ip: '10.0.0.1' }));
    data(await t.acme.post(`/trunks/${trunk}/credentials`, { user_name: 'new', password: PASSWORD }));
    const moments = momentsWithout(await t.admin.timeline(), { trunk, kind: 'credentials' });
    expect(moments.map(brief)).toEqual(['credential delete', 'acl create']);
  });

  it('throws for a trunk no entry names, and for an unknown kind', async () => {
    const trunk = await t.acme.createTrunk('known');
    const timeline = await t.admin.timeline();
    expect(() => momentsWithout(timeline, { trunk: 'trmum1000000000000000000001a1n', kind: 'destinations' })).toThrow(
      'trunk "trmum1000000000000000000001a1n" is in no entry of this timeline: there is nothing to judge',
    );
    // @ts-expect-error: not a count
    expect(() => momentsWithout(timeline, { trunk, kind: 'settings' })).toThrow('kind "settings" is invalid');
  });
});

describe('unroutedMoments', () => {
  it('finds the gap an unmap-then-map leaves', async () => {
    const trunk = await t.acme.createTrunk('remap');
    const first = data<PhoneNumberMapping>(await t.acme.post(`/trunks/${trunk}/phone-numbers`, { phone_number: NUMBER }));
    data(await t.acme.del(`/trunks/${trunk}/phone-numbers?id=${first.id}`));
    data(await t.acme.post(`/trunks/${trunk}/phone-numbers`, { phone_number: NUMBER }));
    const moments = unroutedMoments(await t.admin.timeline(), NUMBER);
    expect(moments.map((e) => [e.kind, e.operation, e.id])).toEqual([['number', 'delete', first.id]]);
    expect(moments[0]?.number_routes).toEqual([{ phone_number: NUMBER, trunk_sids: [] }]);
  });

  it('finds the number a trunk deletion took with it', async () => {
    const trunk = await t.acme.createTrunk('gone');
    data(await t.acme.post(`/trunks/${trunk}/phone-numbers`, { phone_number: NUMBER }));
    data(await t.acme.del(`/trunks?trunk_sid=${trunk}`));
    expect(unroutedMoments(await t.admin.timeline({ number: NUMBER }), NUMBER).map(brief)).toEqual(['trunk delete']);
  });

  it('judges each account on its own and throws for a number no entry names', async () => {
    const acme = await t.acme.createTrunk('acme');
    const globex = await t.globex.createTrunk('globex');
    // Globex's first mapping comes after acme's unmap: globex was never routed before, so that is no moment of its.
    const mapping = data<PhoneNumberMapping>(await t.acme.post(`/trunks/${acme}/phone-numbers`, { phone_number: NUMBER }));
    data(await t.acme.del(`/trunks/${acme}/phone-numbers?id=${mapping.id}`));
    data(await t.globex.post(`/trunks/${globex}/phone-numbers`, { phone_number: NUMBER }));
    const moments = unroutedMoments(await t.admin.timeline(), NUMBER);
    expect(moments.map((e) => e.account)).toEqual(['acme']);
    expect(() => unroutedMoments(moments, OTHER)).toThrow(`number "${OTHER}" is in no entry of this timeline: there is nothing to judge`);
    expect(() => unroutedMoments(moments, ' 919876543210')).toThrow('number " 919876543210" is invalid');
  });

  describe("with numberScope 'trunk'", () => {
    let loose: TestSimulator;
    beforeAll(async () => {
      loose = await startTestSimulator({ numberScope: 'trunk' });
    });
    afterAll(() => loose.sim.close());

    it('finds none when the number is mapped on the new trunk before it is unmapped from the old one', async () => {
      const old = await loose.acme.createTrunk('old');
      const next = await loose.acme.createTrunk('next');
      const mapping = data<PhoneNumberMapping>(await loose.acme.post(`/trunks/${old}/phone-numbers`, { phone_number: NUMBER }));
      data(await loose.acme.post(`/trunks/${next}/phone-numbers`, { phone_number: NUMBER }));
      data(await loose.acme.del(`/trunks/${old}/phone-numbers?id=${mapping.id}`));
      const timeline = await loose.admin.timeline({ number: NUMBER });
      expect(timeline.entries.map((e) => e.number_routes)).toEqual([
        [{ phone_number: NUMBER, trunk_sids: [old] }],
        [{ phone_number: NUMBER, trunk_sids: [old, next] }],
        [{ phone_number: NUMBER, trunk_sids: [next] }],
      ]);
      expect(unroutedMoments(timeline, NUMBER)).toEqual([]);
    });
  });
});

describe('GET /trunk-maps?exophone=', () => {
  let trunk: string;
  beforeEach(async () => {
    trunk = await t.acme.createTrunk('maps');
    data(await t.acme.post(`/trunks/${trunk}/phone-numbers`, { phone_number: NUMBER }));
  });

  it('finds the number sent as %2B and as a raw "+" (which a query parser reads as a space)', async () => {
    for (const query of ['exophone=%2B919876543210', 'exophone=+919876543210']) {
      const reply = await t.acme.get(`/trunk-maps?${query}`);
      expect(items<PhoneNumberMapping>(reply).map((m) => [m.trunk_sid, m.phone_number]), query).toEqual([[trunk, NUMBER]]);
      // The page URIs carry the number as read, unambiguously.
      expect(reply.body.metadata?.first_page_uri).toBe('/v2/accounts/acme/trunk-maps?offset=0&page_size=50&exophone=%2B919876543210');
    }
    expect(items(await t.acme.get(`/trunk-maps?exophone=+919876543210&trunk_sid=${trunk}`))).toHaveLength(1);
    expect(items(await t.acme.get('/trunk-maps?exophone=+918040264208'))).toEqual([]);
  });

  it.each(['9198765', '+0919876543210', '%200919876543210', '+91987654abc', '%20%20919876543210', '+91987654321012345'])(
    'still answers 400/1002 to exophone=%s',
    async (value) => {
      expectInvalid(await t.acme.get(`/trunk-maps?exophone=${value}`), 1002, 'Invalid PhoneNumber');
    },
  );
});
