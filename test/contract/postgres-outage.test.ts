/**
 * What a PostgreSQL store does when the server goes away and comes back, on a
 * server of this test's own (stopped and started for real): it says it is
 * unavailable and since when, refuses writes with Unavailable, notices the
 * server's return by itself, and then delivers every change committed
 * meanwhile, in order, to every instance — including changes made while its
 * LISTEN connection was down. A change log pruned past an instance makes it
 * resync instead of skipping changes.
 * Runs where KOGUMA_TEST_POSTGRES_URL says a PostgreSQL installation is here.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import postgres from 'postgres';
import { createStore, type ResourceStore, type StoreEvent } from '../../src/store/index.js';
import { startPostgresCluster, type PostgresCluster } from '../support/postgres-cluster.js';
import { draftOf, meshDraft } from '../support/store-drafts.js';
import { waitFor } from '../support/proxyless-processes.js';
import { rejectsWith } from './store-context.js';

if (process.env['KOGUMA_TEST_POSTGRES_URL']) {
  describe('PostgreSQL store through an outage', () => {
    let cluster: PostgresCluster;
    let first: ResourceStore;
    let second: ResourceStore;
    const heardFirst: StoreEvent[] = [];

    before(async () => {
      cluster = await startPostgresCluster();
      // No periodic safety read: what is caught up here is caught up by the recovery itself.
      const tuning = { catchUpIntervalMs: 3_600_000 };
      first = await createStore({ type: 'postgres', postgresUrl: cluster.url, tuning });
      second = await createStore({ type: 'postgres', postgresUrl: cluster.url, tuning });
      first.watch((event) => heardFirst.push(event));
    });
    after(async () => {
      await first?.close().catch(() => {});
      await second?.close().catch(() => {});
      await cluster?.destroy();
    });

    const heard = (name: string) => () =>
      heardFirst.some((event) => event.op !== 'resync' && event.name === name) ? true : undefined;

    it('a change made while the LISTEN connection was cut reaches the instance when it listens again', async () => {
      await first.create(meshDraft('cut'));
      await waitFor('the mesh heard', heard('cut'));
      const admin = postgres(cluster.url, { max: 1, onnotice: () => {} });
      try {
        const cut = await admin.unsafe(
          `select pg_terminate_backend(pid) as cut from pg_stat_activity where query ilike 'listen%' and pid <> pg_backend_pid()`,
        );
        assert.ok(cut.length >= 2, 'both instances were listening');
      } finally {
        await admin.end();
      }
      // Straight away, before the listeners are back: the notification is lost.
      await second.create(draftOf('MeshTimeout', 'cut', 'while-deaf'));
      await waitFor('the change made while deaf', heard('while-deaf'), 30_000);
    });

    it('while the server is down: unavailable since then, writes refused; once back, every change reaches every instance in order', async () => {
      await first.create(meshDraft('outage'));
      await waitFor('the mesh heard', heard('outage'));
      const from = heardFirst.length;
      await cluster.stop('immediate');
      try {
        await rejectsWith(first.create(draftOf('MeshTimeout', 'outage', 'refused')), 'Unavailable');
        const health = first.health();
        assert.equal(health.available, false);
        assert.ok(health.since instanceof Date);
        assert.match(
          health.reason ?? '',
          /ECONNREFUSED|CONNECTION|terminat|shut/i,
          'the reason is what the database client said',
        );
      } finally {
        await cluster.start();
      }
      // The other instance writes as soon as it can; the first must hear it though its LISTEN was down.
      await waitFor(
        'a write after the restart',
        async () =>
          second.create(draftOf('MeshTimeout', 'outage', 'after')).then(
            () => true,
            () => undefined,
          ),
        60_000,
      );
      await waitFor(
        'the first instance to recover by itself',
        () => (first.health().available ? true : undefined),
        60_000,
      );
      await waitFor('the change after the outage', heard('after'), 30_000);
      const since = heardFirst.slice(from);
      assert.ok(
        !since.some((event) => event.op !== 'resync' && event.name === 'refused'),
        'a refused write is not announced',
      );
      const seqs = since.map((event) => event.seq);
      assert.ok(
        seqs.every((seq, i) => i === 0 || seq > seqs[i - 1]!),
        `in order: ${seqs.join(', ')}`,
      );
    });

    it('an instance the change log was pruned past gets a resync event instead of a silent gap', async () => {
      const admin = postgres(cluster.url, { max: 1, onnotice: () => {} });
      try {
        // As if this instance had been away longer than the retention: the log now starts far ahead of it.
        const [row] = await admin.unsafe(`select coalesce(max(seq), 0) + 1000 as ahead from koguma_changes`);
        const ahead = Number(row!['ahead']);
        await admin.unsafe(
          `insert into koguma_meta (key, value) values ('changes_pruned_through', $1)
          on conflict (key) do update set value = excluded.value`,
          [String(ahead)],
        );
        await admin.unsafe(`select setval('koguma_change_seq', $1)`, [ahead + 1]);
      } finally {
        await admin.end();
      }
      await second.create(meshDraft('after-prune'));
      await waitFor(
        'a resync event',
        () => (heardFirst.some((event) => event.op === 'resync') ? true : undefined),
        30_000,
      );
    });
  });
}
