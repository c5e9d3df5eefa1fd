import { transportField, type ProviderProfile } from '../profile';

const IMPORT_WHERE =
  'Retell dashboard → Phone Numbers → Import, or POST https://api.retellai.com/import-phone-number ' +
  '(retell-sdk: client.phoneNumber.import), Authorization: Bearer <key>';

// retell-typescript-sdk src/resources/phone-number.ts v5.60: each inbound_agents / outbound_agents entry is
// { agent_id, weight, agent_version? } and "the total weights must add up to 1" [C]; one agent therefore gets weight 1.
const WEIGHT_NOTE = 'required on every entry; the weights of all entries must sum to 1, so a single agent gets 1';

// Same SDK: only termination_uri is required on import; sip_trunk_auth_username/_password are optional [C].
const AUTH_NOTE = 'optional on import, but Retell needs them to place calls through Exotel (digest)';

export const retell: ProviderProfile = {
  name: 'Retell AI',
  fields: [
    transportField(['inbound'], 'how Exotel reaches Retell: tcp (5060, default, Retell recommends it) or tls (5061)', 'tcp'),
    // inbound_agents / outbound_agents take { agent_id, weight } (retell-typescript-sdk phone-number.ts [C]).
    {
      key: 'agentId',
      label: 'Agent id',
      description: 'the Retell agent that answers (inbound) or calls (outbound) through the number; with the platform side by API the setup binds it with weight 1',
      usedFor: ['inbound', 'outbound'],
      requiredFor: [],
      rule: { kind: 'pattern', pattern: /^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/, wording: 'must be the platform\'s agent id: up to 128 letters, digits, _ -' },
      example: 'agent_0123456789abcdef',
    },
  ],
  numberFormat: 'Retell imports numbers in E.164 (+91…) and routes inbound calls by the called number.',
  inbound: {
    targets: [
      // Retell names the transports (TCP recommended) but no ports; the SIP defaults are assumed [I].
      { kind: 'template', host: 'sip.retellai.com', ports: { tcp: 5060, tls: 5061 }, defaultTransport: 'tcp' },
    ],
    sheet: [
      {
        title: 'Import the number',
        where: IMPORT_WHERE,
        entries: [
          { label: 'phone_number', value: '{{did}}' },
          {
            label: 'termination_uri',
            value: '{{edge}}',
            note: 'required even for inbound-only numbers: the Exotel edge from the outbound setup',
          },
          { label: 'sip_trunk_auth_username', value: '{{sipUserName}}', note: AUTH_NOTE },
          { label: 'sip_trunk_auth_password', secret: true, note: AUTH_NOTE },
          { label: 'transport', value: '{{transport}}' },
          { label: 'inbound_agents[0].agent_id', value: '<your agent id>' },
          { label: 'inbound_agents[0].weight', value: '1', note: WEIGHT_NOTE },
          { label: 'nickname', value: 'Exotel {{did}}' },
        ],
      },
    ],
    pitfalls: [
      {
        // retell-sdk v5.60 [C] requires only termination_uri; Plivo's guide [T] said credentials too.
        text: "Retell refuses to import a number without a termination URI, even for inbound only (the SDK requires only termination_uri; Plivo's guide says credentials too, which the SDK marks optional): run the outbound setup for this DID first, or add the credentials later with PATCH /update-phone-number/{phone_number}.",
      },
      { text: 'Whether your Retell deployment terminates SIP in India is not published: ask Retell (Plivo\'s guide says to).' },
    ],
  },
  outbound: {
    auth: 'digest',
    // Retell publishes CIDR blocks only, in two lists whose order is uncertain [C]: docs.retellai.com
    // deploy/custom-telephony lists 18.98.16.120/30, 143.223.88.0/21, 161.115.160.0/19; an older copy (providers.md)
    // also 3.42.144.0/23 and 153.57.128.0/18. Ranges either way: not for Exotel's /32 ACL, so digest.
    publishedIps: [],
    transports: [{ spelling: { tls: 'TLS', tcp: 'TCP' } }],
    sheet: [
      {
        title: 'Import the number',
        where: IMPORT_WHERE,
        entries: [
          { label: 'phone_number', value: '{{did}}' },
          {
            label: 'termination_uri',
            value: '{{edge}}',
            note: "Exotel's guide: the Exotel edge; Retell's examples are a bare host, so whether it takes :port is unverified",
          },
          { label: 'sip_trunk_auth_username', value: '{{sipUserName}}', note: AUTH_NOTE },
          { label: 'sip_trunk_auth_password', secret: true, note: AUTH_NOTE },
          { label: 'transport', value: '{{transport}}' },
          { label: 'outbound_agents[0].agent_id', value: '<your agent id>' },
          { label: 'outbound_agents[0].weight', value: '1', note: WEIGHT_NOTE },
          { label: 'nickname', value: 'Exotel {{did}}' },
        ],
      },
      {
        title: 'Place a call',
        where: 'POST https://api.retellai.com/v2/create-phone-call (client.call.createPhoneCall)',
        entries: [
          { label: 'from_number', value: '{{did}}' },
          { label: 'to_number', value: '<number to call, E.164>' },
        ],
      },
    ],
    pitfalls: [
      {
        text: "Retell publishes only CIDR blocks, and two lists of them (its custom-telephony docs: 18.98.16.120/30, 143.223.88.0/21, 161.115.160.0/19; an older list also 3.42.144.0/23, 153.57.128.0/18; which is current is unclear). Exotel's ACL takes single /32s, so don't allowlist either: digest only.",
      },
      {
        // Retell outbound-call docs [C]: custom telephony defaults to 1 call per second.
        text: 'Custom-telephony numbers place at most 1 call per second by default (Retell\'s outbound-call docs): pace batch dialling, or ask Retell to raise it; Exotel also caps call attempts per minute.',
      },
    ],
  },
};
