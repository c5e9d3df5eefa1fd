import { describe, expect, it } from 'vitest';
import { InputValidationError } from '../../domain/issues';
import { normalizeDestination, rules } from '../../domain/rules';
import { parseSetupRequest } from '../../domain/setup-request';
import { validateSetupInput } from '../../domain/setup-validation';
import { credentialFriendlyNameFor, sipUserNameFor, trunkNameFor } from '../../domain/naming';

function issuesOf(run: () => void) {
  try {
    run();
  } catch (err) {
    expect(err).toBeInstanceOf(InputValidationError);
    return (err as InputValidationError).issues;
  }
  throw new Error('expected a validation error');
}

describe('rules', () => {
  it.each([
    ['trunkName', 'acme_trunk_01', 'acme-trunk', /16 characters of letters, digits and _/],
    ['trunkName', 'a234567890123456', 'a2345678901234567', /1-16/],
    ['e164', '+919876543210', '919876543210', /E\.164/],
    ['e164', '+6561234567', '+0123456789', /E\.164/],
    ['aclIp', '203.0.113.50', '203.0.113.256', /IPv4/],
    ['aclIp', '203.0.113.50/32', '10.0.0.0/24', /one \/32 address per allowlist entry.*digest credentials/],
    ['destination', 'sip.example.com:5061;transport=tls', 'sip.example.com:5060;transport=udp', /UDP is not supported/],
    ['destination', '13.200.45.61:5060;transport=tcp', 'sip.example.com;transport=tls', /host:port;transport=tls/],
    ['destination', 'a.example.com:65535;transport=tcp', 'a.example.com:70000;transport=tcp', /port must be 1-65535/],
    ['destination', 'a.example.com:5060;transport=tcp', 'under_score:5060;transport=tcp', /fully qualified domain name or an IPv4/],
    ['credentialPassword', 'Abcdefghij0123456789', 'has-hyphen-0123456', /letters, digits or _/],
    ['friendlyName', 'livekit_staging', 'livekit-staging', /no hyphens/],
    ['subdomain', 'api.exotel.com', 'api.sg.exotel.com', /api\.in\.exotel\.com \(India\) or api\.exotel\.com \(Singapore\)/],
  ] as const)('%s accepts %s and refuses %s', (rule, good, bad, why) => {
    expect(rules[rule](good)).toBeNull();
    expect(rules[rule](bad)).toMatch(why);
  });

  it('normalizes destinations the way Exotel echoes them back', () => {
    expect(normalizeDestination('sip:SIP.Example.COM:5061;transport=TLS')).toBe('sip.example.com:5061;transport=tls');
  });
});

describe('setup validation', () => {
  it('reports every problem of one input together, naming field, value and rule', () => {
    const issues = issuesOf(() =>
      validateSetupInput('outbound', { customerId: '', exotelAccountSid: 'acme in', did: '98765', providerIps: ['1.2.3.4', '1.2.3.4', '5.6.7.8/28'], allowAclWithDigest: true }),
    );
    expect(issues.map((i) => [i.field, i.value])).toEqual([
      ['customerId', ''],
      ['exotelAccountSid', 'acme in'],
      ['did', '98765'],
      ['providerIps[1]', '1.2.3.4'],
      ['providerIps[2]', '5.6.7.8/28'],
    ]);
    expect(issues[3]?.rule).toBe('appears twice');
  });

  it('refuses an IP allowlist next to digest credentials unless allowed, with a provider or without', () => {
    const base = { customerId: 'c1', exotelAccountSid: 'acme', did: '+919876543210', providerIps: ['203.0.113.50'] };
    expect(issuesOf(() => validateSetupInput('outbound', base)).map((i) => [i.field, i.rule.slice(0, 60)])).toEqual([
      ['providerIps', 'refused: this setup always creates digest credentials, and E'],
    ]);
    expect(() => validateSetupInput('outbound', { ...base, allowAclWithDigest: true })).not.toThrow();
    // Histories that began before the rule covered setups without a provider replay with the rule they began with.
    expect(() => validateSetupInput('outbound', base, { aclWithDigestForEverySetup: false })).not.toThrow();
  });

  it('requires at least one destination for inbound and checks a given trunk sid', () => {
    const issues = issuesOf(() =>
      validateSetupInput('inbound', { customerId: 'c1', exotelAccountSid: 'acme', did: '+919876543210', destinations: [], trunkSid: 'x' }),
    );
    expect(issues.map((i) => i.field)).toEqual(['trunkSid', 'destinations']);
  });

  it('treats two spellings of one destination as a duplicate', () => {
    const issues = issuesOf(() =>
      validateSetupInput('inbound', {
        customerId: 'c1',
        exotelAccountSid: 'acme',
        did: '+919876543210',
        destinations: ['a.example.com:5061;transport=tls', 'sip:A.example.com:5061;transport=TLS'],
      }),
    );
    expect(issues).toEqual([{ field: 'destinations[1]', value: 'sip:A.example.com:5061;transport=TLS', rule: 'appears twice' }]);
  });

  it('masks secret values in its messages', () => {
    const err = new InputValidationError([{ field: 'password', value: '***', rule: 'x' }]);
    expect(err.message).toContain('password = "***"');
  });
});

describe('naming', () => {
  it('derives Exotel-valid, stable, distinct names from the customer id', () => {
    const ids = Array.from({ length: 2000 }, (_, i) => `customer-${i}@example.com`);
    for (const direction of ['outbound', 'inbound'] as const) {
      const names = ids.map((id) => trunkNameFor(id, direction));
      expect(new Set(names).size).toBe(ids.length);
      for (const n of names) expect(rules.trunkName(n)).toBeNull();
    }
    expect(trunkNameFor('acme-42', 'outbound')).toBe(trunkNameFor('acme-42', 'outbound'));
    expect(trunkNameFor('acme-42', 'outbound')).not.toBe(trunkNameFor('acme-42', 'inbound'));
    expect(rules.credentialUserName(sipUserNameFor('x'.repeat(100)))).toBeNull();
    expect(rules.friendlyName(credentialFriendlyNameFor('acme-corp.example.com/with spaces'))).toBeNull();
  });
});

describe('parsing a setup request at the edge', () => {
  it('trims spaces and line ends around pasted DIDs, IPs, destinations and provider fields, and still refuses what is malformed inside', () => {
    const request = parseSetupRequest({
      direction: 'outbound',
      customerId: 'acme-1',
      exotelAccountSid: ' acme_in ',
      did: ' +919876543210\r\n',
      providerIps: ['203.0.113.50 ', '\t198.51.100.7\n'],
      allowAclWithDigest: true,
    });
    expect(request.input).toMatchObject({ exotelAccountSid: 'acme_in', did: '+919876543210', providerIps: ['203.0.113.50', '198.51.100.7'] });
    const inbound = parseSetupRequest({
      direction: 'inbound',
      customerId: 'acme-1',
      exotelAccountSid: 'acme_in',
      did: '+919876543210',
      destinations: ['  sip.example.com:5061;transport=tls\n'],
      provider: 'livekit',
      providerFields: { subdomain: ' acme1234 ' },
    });
    expect(inbound.input).toMatchObject({ destinations: ['sip.example.com:5061;transport=tls'], providerFields: { subdomain: 'acme1234' } });
    const issues = issuesOf(() => parseSetupRequest({ direction: 'outbound', customerId: ' acme 1', exotelAccountSid: 'acme_in', did: '+91 9876543210' }));
    expect(issues.map((i) => i.field)).toEqual(['customerId', 'did']);
  });

  it('takes who configures the platform side (trimmed), and refuses api for a platform with only a sheet', () => {
    const base = { direction: 'outbound', customerId: 'acme-1', exotelAccountSid: 'acme_in', did: '+919876543210' };
    expect(parseSetupRequest({ ...base, provider: 'livekit', providerSide: ' api ', platformAccount: ' acme-lk\r\n' }).input).toMatchObject({ providerSide: 'api', platformAccount: 'acme-lk' });
    expect(parseSetupRequest({ ...base, provider: 'vocallabs', providerSide: 'manual' }).input).toMatchObject({ providerSide: 'manual' });
    const issues = (extra: Record<string, unknown>) => issuesOf(() => parseSetupRequest({ ...base, ...extra })).map((i) => `${i.field} = ${i.value}: ${i.rule}`);
    expect(issues({ provider: 'vocallabs', providerSide: 'api' })).toEqual([
      'providerSide = api: api needs a provider whose side is configured by API (livekit, retell, elevenlabs, bolna, pipecat-daily, smallest-atoms); vocallabs has its handoff sheet: use manual',
    ]);
    expect(issues({ provider: 'livekit', providerSide: 'auto' })).toEqual(['providerSide = auto: must be api or manual']);
    expect(issues({ provider: 'livekit', providerSide: 'manual', platformAccount: 'acme-lk' })).toEqual([
      'platformAccount = acme-lk: names the account the API side uses: leave it out with providerSide manual',
    ]);
    expect(issues({ provider: 'livekit', platformAccount: 'acme lk' })[0]).toContain("platformAccount = acme lk: must be the name of one of the worker's platform accounts");
  });

  it('takes several DIDs as dids (did is then the first), refusing a did that is not the first, repeats and bad numbers', () => {
    const base = { direction: 'outbound', customerId: 'acme-1', exotelAccountSid: 'acme_in' };
    expect(parseSetupRequest({ ...base, dids: ['+919876543210', ' +919876543211 '] }).input).toMatchObject({ did: '+919876543210', dids: ['+919876543210', '+919876543211'] });
    // One number is a single-DID request, as it always was.
    const single = parseSetupRequest({ ...base, dids: ['+919876543210'] }).input;
    expect(single).toEqual({ customerId: 'acme-1', exotelAccountSid: 'acme_in', did: '+919876543210' });
    expect(issuesOf(() => parseSetupRequest({ ...base, did: '+919876543211', dids: ['+919876543210', '+919876543211'] })).map((i) => i.field)).toEqual(['did']);
    expect(issuesOf(() => parseSetupRequest({ ...base, dids: ['+919876543210', '+919876543210', '98765'] })).map((i) => [i.field, i.rule.slice(0, 14)])).toEqual([
      ['dids[1]', 'appears twice'],
      ['dids[2]', 'must be E.164:'],
    ]);
    expect(issuesOf(() => parseSetupRequest({ ...base, dids: [] })).map((i) => i.field)).toEqual(['dids', 'did']);
  });

  it('refuses an empty provider instead of taking it for none', () => {
    const issues = issuesOf(() => parseSetupRequest({ direction: 'outbound', customerId: 'acme-1', exotelAccountSid: 'acme_in', did: '+919876543210', provider: '' }));
    expect(issues.map((i) => [i.field, i.value])).toEqual([['provider', '']]);
  });
});
