// Every recorded history (test/fixtures/histories, made by `npm run record-histories`) must replay against the
// current workflow code: a change that would break running setups fails here. No server is involved.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from '@temporalio/worker';
import { describe, expect, it } from 'vitest';
import { HISTORY_FIXTURES, workflowBundle } from '../support/setup-harness';

const fixtures = readdirSync(HISTORY_FIXTURES).filter((f) => f.endsWith('.json'));

describe('replay of recorded histories', () => {
  it('has fixtures for successes, rollbacks at every step, cancellations, retries, lost answers, ops decisions, chaos runs, line operations, drift scans and platform sides by API', () => {
    const names = fixtures.map((f) => f.replace(/\.json$/, ''));
    expect(names).toEqual(
      expect.arrayContaining([
        'outbound-succeeded',
        'outbound-cancelled',
        'outbound-transient-retried',
        'outbound-rolled-back-at-allowlist-ips',
        'inbound-succeeded',
        'inbound-cancelled',
        'inbound-rolled-back-at-verify',
        'outbound-lost-answers-drop',
        'inbound-lost-answers',
        'chaos-outbound-succeeded',
        'chaos-inbound-succeeded',
        'chaos-inbound-failed',
        'outbound-ops-retried',
        'outbound-ops-retried-by-signal',
        'outbound-ops-rolled-back',
        'inbound-ops-timed-out',
        'outbound-handed-over-to-line',
        'line-rotated',
        'line-rolled-back-by-ops',
        'line-destinations-changed',
        'line-offboarded',
        'line-trunk-recreated',
        'line-repair-retried-by-ops',
        'drift-scan-repairing',
        'outbound-livekit',
        'inbound-livekit',
        'line-rotated-livekit',
        'outbound-retell',
        'line-did-added-retell',
        'outbound-bolna',
        'inbound-bolna-second-direction',
        'inbound-daily',
        'outbound-atoms',
        'outbound-atoms-rolled-back',
        // Recorded by the code before the patch platform-numbers-on-lines (d0e7957): a Retell line's add-dids changed
        // Exotel only and its rotation waited for confirmation; replaying it proves the patch keeps those plans.
        'line-retell-before-platform-numbers',
        // An inbound setup that probed its destinations (patch probe-destinations, its new path).
        'inbound-probed-warn',
      ]),
    );
  });

  for (const file of fixtures) {
    it(`replays ${file}`, async () => {
      const history = JSON.parse(readFileSync(join(HISTORY_FIXTURES, file), 'utf8')) as unknown;
      await Worker.runReplayHistory({ workflowBundle: await workflowBundle() }, history);
    });
  }
});
