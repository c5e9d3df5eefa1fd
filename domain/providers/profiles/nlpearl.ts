import type { ProviderProfile } from '../profile';

const WHERE = 'NLPearl portal → Settings → Phone Numbers → Custom VoIP (portal only; no API found)';

// Facts come from Exotel's guide [X]; NLPearl's own Custom VoIP page was not retrievable.
export const nlpearl: ProviderProfile = {
  name: 'NLPearl.AI',
  fields: [
    {
      key: 'sipDomain',
      label: 'NLPearl SIP Domain',
      description: 'the tenant SIP Domain NLPearl shows after you save the Custom VoIP inbound number, with port and transport',
      usedFor: ['inbound'],
      requiredFor: ['inbound'],
      rule: {
        kind: 'destination',
        hint: "copy NLPearl's SIP Domain and add the port and transport matching its TLS (SRTP) toggle; NLPearl documents no port here",
      },
      example: 'yourtenant.sip.nlpearl.example.com:5061;transport=tls',
    },
  ],
  numberFormat: 'NLPearl takes the DID in E.164 (+91…).',
  inbound: {
    targets: [{ kind: 'given', field: 'sipDomain' }],
    sheet: [
      {
        title: 'Add the number for inbound calls',
        where: WHERE,
        entries: [
          { label: 'Phone number', value: '{{did}}' },
          { label: 'Direction', value: 'Inbound' },
          {
            label: 'Authentication',
            value: 'IP Address Authentication',
            note: "Credentials Authentication needs Exotel to answer digest, which it is not known to do; ask Exotel for its signalling IPs",
          },
          { label: 'TLS (SRTP) Encryption', value: 'on for transport=tls, off for tcp: here {{destinationTransport}}' },
          { label: 'SIP Domain (shown after saving)', value: '{{destination}}', note: 'this setup sends Exotel\'s calls here' },
        ],
      },
    ],
    pitfalls: [],
  },
  outbound: {
    auth: 'digest',
    publishedIps: [],
    transports: [{ spelling: { tls: 'on', tcp: 'off' } }],
    sheet: [
      {
        title: 'Add the number for outbound calls',
        where: WHERE,
        entries: [
          { label: 'Phone number', value: '{{did}}' },
          { label: 'Direction', value: 'Outbound' },
          {
            label: 'SIP Trunk URL',
            value: 'sip:{{sipDomain}}',
            note: "Exotel's guide uses the account's SIP domain here, not the edge {{edge}}",
          },
          { label: 'User Part', value: '{{sipUserName}}' },
          { label: 'Credentials Authentication', value: 'on' },
          { label: 'Username', value: '{{sipUserName}}' },
          { label: 'Password', secret: true },
          { label: 'TLS (SRTP) Encryption', value: '{{transport}}', note: "matches the edge's transport; Exotel's guide does not say which NLPearl needs" },
          { label: 'SIP REFER', value: 'off', note: "Exotel documents no transfer flow; keep it off (Exotel's guide)" },
        ],
      },
    ],
    pitfalls: [
      {
        text: "Which address Exotel accepts from NLPearl is unverified: Exotel's guide gives the SIP domain (sip:{{sipDomain}}) where every other platform gets the edge. If calls fail with 403, try the edge {{edge}}.",
      },
      { text: 'Keep SIP REFER off: Exotel documents no call transfer over the trunk.' },
    ],
  },
};
