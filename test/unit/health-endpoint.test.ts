/** The plaintext health-only port: NOT_SERVING until told, then SERVING, for '' and the Tracer. */
import 'reflect-metadata';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HealthEndpoint } from '../../src/metrics/health-endpoint';
import { SilentLogger } from '../../src/util/log';
import { checkHealth } from '../helpers/health';

test('health endpoint follows serving(); it serves nothing but grpc.health.v1', async () => {
  const endpoint = await HealthEndpoint.listen('127.0.0.1:0', new SilentLogger());
  try {
    assert.match(endpoint.address, /^127\.0\.0\.1:[1-9]\d*$/);
    assert.equal(await checkHealth(endpoint.address), 'NOT_SERVING');
    endpoint.serving(true);
    assert.equal(await checkHealth(endpoint.address), 'SERVING');
    assert.equal(await checkHealth(endpoint.address, 'sctrace.v1.Tracer'), 'SERVING');
    await assert.rejects(checkHealth(endpoint.address, 'other.Service'), /NOT_FOUND/);
    endpoint.serving(false);
    assert.equal(await checkHealth(endpoint.address, 'sctrace.v1.Tracer'), 'NOT_SERVING');
  } finally {
    await endpoint.close();
  }
  await assert.rejects(HealthEndpoint.listen('nonsense', new SilentLogger()), /--health-listen "nonsense": use HOST:PORT/);
});
