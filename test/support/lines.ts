// Waiting for a customer's line in tests: a setup's handover starts it a moment after the setup succeeds.
import type { Client } from '@temporalio/client';
import { lookUpLine } from '../../client/lines';
import type { LineView } from '../../domain/line';
import type { Direction } from '../../domain/setup';

/** The line once the setup's handover has reached it (running, with a trunk); fails after about 10 s. */
export async function managedLine(client: Client, direction: Direction, customerId: string): Promise<LineView> {
  for (let i = 0; ; i++) {
    const found = await lookUpLine(client, direction, customerId);
    if (found.state === 'managed' && found.view.line.trunk) return found.view;
    if (i > 100) throw new Error(`no line for ${customerId}: ${found.state}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
