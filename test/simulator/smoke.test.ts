import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestSimulator, validCreate, sendMultipart, cleanupTemp } from './helpers.ts';

test('smoke: valid validate-and-create → 202', async () => {
  const t0 = Date.now();
  const { sim, client } = await startTestSimulator();
  console.log('start ms', Date.now() - t0);
  try {
    const r = await validCreate();
    const a = await sendMultipart(client, sim, 'POST', '/gateway/v2/documents/validate-and-create', r);
    console.log(a.status, a.text);
    assert.equal(a.status, 202);
  } finally {
    await client.close();
    await sim.close();
  }
});
after(cleanupTemp);
