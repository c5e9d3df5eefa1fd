// Strict base64: Buffer.from(text, 'base64') skips characters it does not know, so check the alphabet first.
// Both alphabets are accepted, padding optional, as proto JSON parsers do.
const BASE64 = /^(?:[A-Za-z0-9+/]*|[A-Za-z0-9_-]*)={0,2}$/;

/** The bytes, or undefined when the text is not base64. */
export function fromBase64(text: string): Buffer | undefined {
  return BASE64.test(text) && text.replace(/=+$/, '').length % 4 !== 1 ? Buffer.from(text, 'base64') : undefined;
}
