import { test } from 'node:test';
import assert from 'node:assert/strict';
import { envoyArgs } from './envoy-args.js';

test('Envoy gets the bootstrap file, the drain time in whole seconds and no hot restart', () => {
  assert.deepEqual(envoyArgs({ bootstrapPath: '/w/bootstrap.yaml', drainTimeMs: 30_000 }), [
    '-c',
    '/w/bootstrap.yaml',
    '--drain-time-s',
    '30',
    '--disable-hot-restart',
  ]);
});

test('the drain time rounds up, the log level and the words after -- come last, as given', () => {
  assert.deepEqual(
    envoyArgs({
      bootstrapPath: 'b.yaml',
      drainTimeMs: 1500,
      logLevel: 'debug',
      extraArgs: ['--component-log-level', 'upstream:debug'],
    }),
    [
      '-c',
      'b.yaml',
      '--drain-time-s',
      '2',
      '--disable-hot-restart',
      '--log-level',
      'debug',
      '--component-log-level',
      'upstream:debug',
    ],
  );
  assert.equal(envoyArgs({ bootstrapPath: 'b', drainTimeMs: 0 })[3], '0');
});

test('the admin address file comes before the log level and the words after --', () => {
  assert.deepEqual(
    envoyArgs({
      bootstrapPath: 'b',
      drainTimeMs: 0,
      adminAddressPath: '/w/envoy-admin-address',
      logLevel: 'info',
      extraArgs: ['-x'],
    }),
    [
      '-c',
      'b',
      '--drain-time-s',
      '0',
      '--disable-hot-restart',
      '--admin-address-path',
      '/w/envoy-admin-address',
      '--log-level',
      'info',
      '-x',
    ],
  );
});
