import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { SearchAttributeType, TypedSearchAttributes } from '@temporalio/common';
import { encodeSearchAttributeIndexedValueType } from '@temporalio/common/lib/search-attributes';
import { afterAll, describe, expect, it } from 'vitest';
import { allSearchAttributeKeys } from '../../domain/search-attributes';
import { parseCliArgs, startDevServer, type DevServer } from '../../scripts/dev-server';
import { closeClient, connectClient, temporalNamespace, uniqueWorkflowId } from '../support/temporal';

describe('shared test server (global setup)', () => {
  let client: Client | undefined;
  afterAll(() => closeClient(client));

  it('answers and has every project search attribute registered with its type', async () => {
    client = await connectClient();
    const { customAttributes } = await client.connection.operatorService.listSearchAttributes({
      namespace: temporalNamespace(),
    });
    expect(allSearchAttributeKeys.length).toBeGreaterThan(0);
    for (const key of allSearchAttributeKeys) {
      expect(customAttributes, key.name).toHaveProperty([key.name], encodeSearchAttributeIndexedValueType(key.type));
    }
  });

  it('starts a workflow with the project search attributes (no worker needed)', async () => {
    client ??= await connectClient();
    const key = allSearchAttributeKeys.find((k) => k.type === SearchAttributeType.KEYWORD);
    if (!key) throw new Error('domain defines no keyword search attribute');
    const handle = await client.workflow.start('noSuchWorkflow', {
      taskQueue: 'nobody',
      workflowId: uniqueWorkflowId('dev-server-sa'),
      typedSearchAttributes: new TypedSearchAttributes([{ key, value: 'x' }]),
    });
    const description = await handle.describe();
    expect(description.typedSearchAttributes.get(key)).toBe('x');
    await handle.terminate('test done');
  });
});

describe('startDevServer with a persistent db file', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'temporal-dev-server-test-'));
  const servers: DevServer[] = [];
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.stop()));
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps a workflow execution across a stop and a restart', async () => {
    const dbFile = path.join(dir, 'temporal.db');
    const workflowId = uniqueWorkflowId('survives-restart');

    const first = await startDevServer({ dbFile, uiPort: false });
    servers.push(first);
    let connection = await Connection.connect({ address: first.address });
    await new Client({ connection }).workflow.start('noSuchWorkflow', { taskQueue: 'nobody', workflowId });
    await connection.close();
    await first.stop();
    expect(await first.exited).toBeDefined();

    const second = await startDevServer({ dbFile, uiPort: false });
    servers.push(second);
    connection = await Connection.connect({ address: second.address });
    try {
      const description = await new Client({ connection }).workflow.getHandle(workflowId).describe();
      expect(description.status.name).toBe('RUNNING');
    } finally {
      await connection.close();
    }
  });
});

describe('dev-server CLI flags', () => {
  it('defaults to the usual local ports', () => {
    expect(parseCliArgs([])).toMatchObject({ port: 7233, uiPort: 8233, dbFile: undefined });
    expect(parseCliArgs(['--port', '7300', '--headless'])).toMatchObject({ port: 7300, uiPort: false });
  });

  it('rejects bad values naming flag, value and rule', () => {
    expect(() => parseCliArgs(['--port', '0'])).toThrow(/--port '0'.*1 to 65535/);
    expect(() => parseCliArgs(['--ui-port', 'x'])).toThrow(/--ui-port 'x'/);
    expect(() => parseCliArgs(['--headless', '--ui-port', '9000'])).toThrow(/--headless and --ui-port/);
    expect(() => parseCliArgs(['--log-level', 'loud'])).toThrow(/--log-level 'loud'.*debug/);
    expect(() => parseCliArgs(['--bogus'])).toThrow(/--bogus/);
  });
});
