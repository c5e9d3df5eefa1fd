import type { ProviderProfile } from '../profile';

// Everything known comes second-hand from Exotel's Alpha-labelled guide [X]; VocalLabs' own docs were not available.
export const vocallabs: ProviderProfile = {
  name: 'VocalLabs (Superflow)',
  fields: [
    {
      key: 'sipTarget',
      label: 'VocalLabs SIP target',
      description: 'the stable SIP target VocalLabs agreed to give you for inbound calls (there is no public one)',
      usedFor: ['inbound'],
      requiredFor: ['inbound'],
      rule: {
        kind: 'destination',
        hint: 'VocalLabs publishes no inbound SIP URI: ask VocalLabs for one and give it with its TCP or TLS port',
      },
      example: 'sip.vocallabs.example.com:5061;transport=tls',
    },
  ],
  numberFormat: 'VocalLabs takes the DID and the number to call as plain strings in its API; E.164 (+91…) is assumed.',
  inbound: {
    warning:
      "VocalLabs is API-first (Superflow B2B) and publishes no inbound SIP URI: SIP inbound works only with a target VocalLabs gives you. Exotel's guide for it is labelled Alpha.",
    targets: [{ kind: 'given', field: 'sipTarget' }],
    sheet: [
      {
        title: 'Agree the inbound SIP target with VocalLabs',
        where: 'VocalLabs support / your account team (no self-serve page documented)',
        entries: [
          { label: 'SIP target', value: '{{destination}}', note: 'this setup sends Exotel\'s calls here' },
          { label: 'Called number', value: '{{did}}' },
          { label: 'Media', value: 'G.711 A-law (PCMA) or μ-law (PCMU), 8 kHz' },
        ],
      },
    ],
    pitfalls: [],
  },
  outbound: {
    auth: 'digest',
    publishedIps: [],
    transports: [{ spelling: { tls: 'TLS', tcp: 'TCP' } }],
    warning:
      "VocalLabs documents no SIP termination toward a carrier (host, authentication): agree it with VocalLabs; this setup offers digest. Exotel's guide for it is labelled Alpha.",
    sheet: [
      {
        title: 'Send VocalLabs the trunk details',
        where: 'VocalLabs support / your account team (no self-serve page documented)',
        entries: [
          { label: 'SIP server', value: '{{edge}}' },
          { label: 'Transport', value: '{{transport}}' },
          { label: 'SIP domain (digest realm)', value: '{{sipDomain}}' },
          { label: 'Digest user name', value: '{{sipUserName}}' },
          { label: 'Digest password', secret: true },
          { label: 'Caller id (From)', value: '{{did}}' },
        ],
      },
      {
        title: 'Place a call',
        where:
          'POST https://api.superflow.run/b2b/vocallabs/createSIPCall, Bearer token from POST https://api.superflow.run/b2b/createAuthToken/ (clientId, clientSecret)',
        entries: [
          { label: 'did', value: '{{did}}' },
          { label: 'phone_number', value: '<number to call>' },
          { label: 'websocket_url', value: '<your agent websocket>' },
          { label: 'webhook_url', value: '<your webhook>' },
          { label: 'sample_rate', value: '<as VocalLabs advises, e.g. "16000">', note: "Exotel's G.711 media is 8 kHz" },
        ],
      },
    ],
    pitfalls: [],
  },
};
