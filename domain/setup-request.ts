// A setup request made ready to start: what the provider's profile derives is filled in, then every rule the
// workflow applies is checked. Shared by the CLI, signup events and batch rows.
import { withProviderDefaults } from './providers/apply';
import type { SetupRequest } from './setup';
import { validateInboundSetup, validateOutboundSetup } from './validation';

/** Throws InputValidationError naming every problem. */
export function resolveSetupRequest(request: SetupRequest): SetupRequest {
  if (request.direction === 'outbound') {
    const input = withProviderDefaults('outbound', request.input);
    validateOutboundSetup(input);
    return { direction: 'outbound', input };
  }
  const input = withProviderDefaults('inbound', request.input);
  validateInboundSetup(input);
  return { direction: 'inbound', input };
}
