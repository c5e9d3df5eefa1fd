// Turns a request path into a metric label: ids become placeholders so the label set stays small and no
// customer-specific value (trunk sid, number id, IP) becomes a time series of its own.

const COLLECTIONS = new Set(['trunks', 'phone-numbers', 'credentials', 'whitelisted-ips', 'destination-uris', 'settings']);

/** `/v2/accounts/acme/trunks/trmum1x/phone-numbers/7?id=1` → `/trunks/{trunk}/phone-numbers/{id}`. */
export function exotelEndpoint(path: string): string {
  const bare = (path.split('?')[0] ?? '').replace(/^\/v2\/accounts\/[^/]+/, '');
  const segments = bare.split('/').filter((s) => s !== '');
  // The API alternates collection / id: /trunks/{trunk}/phone-numbers/{id}.
  const out = segments.map((segment, i) =>
    i % 2 === 0 ? (COLLECTIONS.has(segment) ? segment : '{unknown}') : segments[i - 1] === 'trunks' ? '{trunk}' : '{id}',
  );
  return `/${out.join('/')}`;
}
