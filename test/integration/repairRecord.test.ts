// Where a repair's outcome goes: Record Anomaly's outcome history (where a re-fire within the
// verification window flips it), and the audit table — who, what, why, before, after, result.
import {
	RedisAnomalyStore,
	recordOccurrences,
	SqlAnomalyStore,
	type AnomalyStore,
	type OutcomeHistory,
} from '../../lib/anomaly';
import { readAudit } from '../../lib/repair/audit';
import { runRepair, type RepairDeps } from '../../lib/repair/engine';
import { recordResults } from '../../lib/repair/record';
import { SqlGuardStore } from '../../lib/repair/sqlGuardStore';
import {
	closePostgresPools,
	closeRedisClients,
	postgresStore,
	type SqlStore,
} from '../../lib/store';
import { KEY, manualClock, repairRequest, startCluster, type Cluster } from '../support/repair';
import {
	deletePrefix,
	dropSchema,
	postgresConnection,
	redisConnection,
	testPrefix,
	testSchema,
} from '../support/stores';

const MIN = 60_000;
let cluster: Cluster;
let schema: string;
let prefix: string;
let sql: SqlStore;

beforeEach(async () => {
	cluster = await startCluster();
	schema = testSchema();
	prefix = testPrefix();
	sql = postgresStore(postgresConnection());
});
afterEach(async () => {
	await cluster.stop();
	await dropSchema(schema);
	await deletePrefix(prefix);
});
afterAll(async () => {
	await closePostgresPools();
	await closeRedisClients();
});

describe.each([
	[
		'Redis outcome history',
		() => new RedisAnomalyStore(redisConnection(), { prefix }) as AnomalyStore,
	],
	['Postgres outcome history', () => new SqlAnomalyStore(sql, { schema }) as AnomalyStore],
])('recording with %s', (_name, anomalyStore) => {
	it('writes the outcome and the audit, and a re-fire within 30 minutes turns the success into a failure', async () => {
		await cluster.deploy({ memory: { limit: '512Mi' } });
		const clock = manualClock(Date.UTC(2026, 2, 1, 10, 0, 0));
		const anomaly = anomalyStore();
		const deps: RepairDeps = {
			kube: cluster.client,
			guards: new SqlGuardStore(sql, { schema }),
			anomaly,
			clock: clock.now,
		};
		const ok = repairRequest('raise_memory', {
			who: 'workflow "Self-heal" (wf1) execution 42',
			why: 'WebOOMKilled firing in shop',
		});
		const skipped = repairRequest('restart', { namespaces: { allowed: [], denied: ['shop'] } });
		const results = [await runRepair(deps, ok), await runRepair(deps, skipped)];
		expect(results.map((r) => r.status)).toEqual(['succeeded', 'skipped']);
		const status = await recordResults(
			[
				{ request: ok, result: results[0] },
				{ request: skipped, result: results[1] },
			],
			{ anomaly, audit: { sql, schema } },
		);
		// a skip is no outcome, but it is audited
		expect(status).toEqual([
			{ outcome: true, incident: false, audit: true },
			{ outcome: false, incident: false, audit: true },
		]);
		const history = ((await anomaly.outcomeHistory([KEY])).get(KEY) as OutcomeHistory).outcomes;
		expect(history).toMatchObject([
			{ action: 'raise_memory', success: true, outcome_id: results[0].attempt_id },
		]);

		const audit = await readAudit(sql, schema, { name: 'web' });
		expect(audit).toHaveLength(2);
		expect(audit[1]).toMatchObject({
			who: 'workflow "Self-heal" (wf1) execution 42',
			namespace: 'shop',
			kind: 'Deployment',
			name: 'web',
			operation: 'raise_memory',
			action: 'raise_memory',
			dryRun: false,
			why: 'WebOOMKilled firing in shop',
			anomalyKey: KEY,
			before: { container: 'app', memory_limit: '512Mi', memory_request: null },
			after: { container: 'app', memory_limit: '768Mi', memory_request: null },
			result: 'succeeded',
		});
		expect(audit[0]).toMatchObject({
			operation: 'restart',
			result: 'skipped',
			reason: expect.stringContaining('namespace shop is denied'),
		});

		// the same signature fires again 12 minutes after the repair: it did not work
		const finished = Date.parse(results[0].finished_at);
		const [rec] = await recordOccurrences(
			anomaly,
			[
				{
					anomaly_key: KEY,
					occurrence_id: 'again',
					startsAt: new Date(finished + 12 * MIN).toISOString(),
					status: 'firing',
				},
			],
			{
				now: finished + 12 * MIN,
				retentionDays: 30,
				thresholds: { repeat: 3, escalate: 5, permanentFix: 10 },
			},
		);
		expect('ok' in rec && rec.ok.refired_outcomes).toMatchObject([
			{ action: 'raise_memory', outcome_id: results[0].attempt_id },
		]);
		const after = ((await anomaly.outcomeHistory([KEY])).get(KEY) as OutcomeHistory).outcomes;
		expect(after[0].success).toBe(false);
	});
});

it('reports a store that fails after the repair next to it, without hiding the repair', async () => {
	await cluster.deploy();
	const clock = manualClock();
	const deps: RepairDeps = {
		kube: cluster.client,
		guards: new SqlGuardStore(sql, { schema }),
		clock: clock.now,
	};
	const req = repairRequest('restart');
	const result = await runRepair(deps, req);
	expect(result.status).toBe('succeeded');
	const broken = new RedisAnomalyStore({ host: '127.0.0.1', port: 1 }, { prefix });
	const [status] = await recordResults([{ request: req, result }], {
		anomaly: broken,
		audit: { sql, schema },
	});
	expect(status.audit).toBe(true);
	expect(status.outcome).toMatch(/^Redis at 127.0.0.1:1 is unreachable/);
});
