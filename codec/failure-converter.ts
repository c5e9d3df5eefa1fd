// Loaded by path (DataConverter.failureConverterPath) in two places: Node's require on the worker and clients, and
// the workflow bundle, where webpack inlines it. So it imports nothing but @temporalio/common, and it is written so
// that Node can load it from the .ts source too (type stripping: no enums, no parameter properties).
import { DefaultFailureConverter } from '@temporalio/common';

/**
 * Failure messages and stack traces name DIDs, trunk sids, destinations and the worker's accounts. With
 * encodeCommonAttributes they move into a payload, which the payload codec encrypts like any other; every reader
 * decodes it (the SDK's default converter always does), and the UI through the codec server.
 */
export const failureConverter = new DefaultFailureConverter({ encodeCommonAttributes: true });
