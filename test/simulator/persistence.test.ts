import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startSimulator, type Trunk } from '../../simulator';
import { ACME, data, items, startTestSimulator } from './support';

const dir = mkdtempSync(join(tmpdir(), 'simulator-state-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('state file', () => {
  it('survives a restart, ids keep increasing, and no password is written', async () => {
    const stateFile = join(dir, 'nested', 'state.json');
    const first = await startTestSimulator({ stateFile });
    const trunk = await first.acme.createTrunk('durable');
    const mapping = data<{ id: string }>(await first.acme.post(`/trunks/${trunk}/phone-numbers`, { phone_number: '+919800000001' }));
    data(await first.acme.post(`/trunks/${trunk}/credentials`, { user_name: 'agent', password: 'PersistedSecret9' }));
    await first.sim.close();
    expect(readFileSync(stateFile, 'utf8')).not.toContain('PersistedSecret9');

    const second = await startTestSimulator({ stateFile });
    try {
      expect(items<Trunk>(await second.acme.get('/trunks')).map((tr) => tr.trunk_sid)).toEqual([trunk]);
      expect(items<{ id: string }>(await second.acme.get(`/trunks/${trunk}/phone-numbers`)).map((m) => m.id)).toEqual([mapping.id]);
      const next = data<{ id: string }>(await second.acme.post(`/trunks/${trunk}/phone-numbers`, { phone_number: '+919800000002' }));
      expect(Number(next.id)).toBeGreaterThan(Number(mapping.id));
      // A reset is persisted too.
      await second.admin.reset();
    } finally {
      await second.sim.close();
    }
    const third = await startTestSimulator({ stateFile });
    try {
      expect(items(await third.acme.get('/trunks'))).toEqual([]);
    } finally {
      await third.sim.close();
    }
  });

  it('refuses to start on a file that is not a simulator state', async () => {
    const stateFile = join(dir, 'broken.json');
    writeFileSync(stateFile, '{"hello":');
    await expect(startSimulator({ accounts: [ACME], stateFile })).rejects.toThrow(/not valid JSON/);
    writeFileSync(stateFile, '{"hello":"world"}');
    await expect(startSimulator({ accounts: [ACME], stateFile })).rejects.toThrow(/not a simulator state/);
  });
});
