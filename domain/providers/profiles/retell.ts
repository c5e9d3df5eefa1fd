import { transportField, type ProviderProfile } from '../profile';

const IMPORT_WHERE =
  'Retell dashboard → Phone Numbers → Import, or POST https://api.retellai.com/import-phone-number ' +
  '(retell-sdk: client.phoneNumber.import), Authorization: Bearer <key>';

export const retell: ProviderProfile = {
  name: 'Retell AI',
  fields: [transportField(['inbound'], 'how Exotel reaches Retell: tcp (5060, default, Retell recommends it) or tls (5061)', 'tcp')],
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
          { label: 'sip_trunk_auth_username', value: '{{sipUserName}}' },
          { label: 'sip_trunk_auth_password', secret: true },
          { label: 'transport', value: '{{transport}}' },
          { label: 'inbound_agents[0].agent_id', value: '<your agent id>' },
          { label: 'nickname', value: 'Exotel {{did}}' },
        ],
      },
    ],
    pitfalls: [
      {
        text: "Retell refuses to import a number without a termination URI and credentials, even for inbound only (Plivo's guide): run the outbound setup for this DID first, or add them later with PATCH /update-phone-number/{phone_number}.",
      },
      { text: 'Whether your Retell deployment terminates SIP in India is not published: ask Retell (Plivo\'s guide says to).' },
    ],
  },
  outbound: {
    auth: 'digest',
    // Retell publishes CIDR blocks only (18.98.16.120/30, 3.42.144.0/23, …) [C]: not for Exotel's /32 ACL.
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
          { label: 'sip_trunk_auth_username', value: '{{sipUserName}}' },
          { label: 'sip_trunk_auth_password', secret: true },
          { label: 'transport', value: '{{transport}}' },
          { label: 'outbound_agents[0].agent_id', value: '<your agent id>' },
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
        text: "Retell publishes only CIDR blocks (18.98.16.120/30, 3.42.144.0/23, 153.57.128.0/18, …); Exotel's ACL takes single /32s, so don't allowlist them: digest only.",
      },
    ],
  },
};
