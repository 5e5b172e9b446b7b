// Schemas created by earlier versions of the package are upgraded in place by the migrations.
import {
	ANOMALY_COMPONENT,
	ANOMALY_MIGRATIONS,
	DEFAULT_THRESHOLDS,
	SqlAnomalyStore,
	recordOccurrences,
} from '../../lib/anomaly';
import {
	INCIDENTS_COMPONENT,
	INCIDENT_MIGRATIONS,
	SqlIncidentStore,
	openOrJoinItems,
} from '../../lib/incidents';
import { closePostgresPools, postgresStore, runMigrations } from '../../lib/store';
import { dropSchema, postgresConnection, testSchema } from '../support/stores';

const NOW = Date.parse('2026-11-22T12:00:00Z');
let schema: string;
beforeEach(() => {
	schema = testSchema();
});
afterEach(() => dropSchema(schema));
afterAll(closePostgresPools);

it('upgrades anomaly v1 and incidents v1 schemas, keeping their data', async () => {
	const sql = postgresStore(postgresConnection());
	expect(
		await runMigrations(sql, schema, ANOMALY_COMPONENT, ANOMALY_MIGRATIONS.slice(0, 1)),
	).toEqual([1]);
	expect(
		await runMigrations(sql, schema, INCIDENTS_COMPONENT, INCIDENT_MIGRATIONS.slice(0, 1)),
	).toEqual([1]);
	// data written by version 1's functions
	await sql.query(
		`select * from "${schema}".record_occurrences($1::text[], $2::int[], $3::text[], $4::bigint[], $5::bigint[], $6::bigint)`,
		[
			['k'],
			[1],
			['old'],
			[NOW - 1000],
			[NOW - 3600e3, NOW - 86400e3, NOW - 7 * 86400e3, NOW - 30 * 86400e3],
			0,
		],
	);

	const anomalies = new SqlAnomalyStore(sql, { schema });
	const [r] = await recordOccurrences(
		anomalies,
		[{ anomaly_key: 'k', occurrence_id: 'new', startsAt: new Date(NOW).toISOString() }],
		{
			now: NOW,
			retentionDays: 30,
			thresholds: DEFAULT_THRESHOLDS,
		},
	);
	expect(r).toMatchObject({ ok: { duplicate: false, frequency: { count_1h: 2 } } });
	// an occurrence recorded before claims existed counts as handled: its re-delivery is a duplicate
	const [old] = await recordOccurrences(
		anomalies,
		[{ anomaly_key: 'k', occurrence_id: 'old', startsAt: new Date(NOW - 1000).toISOString() }],
		{ now: NOW, retentionDays: 30, thresholds: DEFAULT_THRESHOLDS, claimLeaseSeconds: 60 },
	);
	expect(old).toMatchObject({ ok: { duplicate: true, reclaimed: false } });

	const incidents = new SqlIncidentStore(sql, { schema });
	const out = await openOrJoinItems(
		incidents,
		[{ anomaly_key: 'k', occurrence_id: 'new', startsAt: new Date(NOW).toISOString() }],
		{ now: NOW, windowMinutes: 10, resolvedItems: 'resolve' },
	);
	expect(out[0]).toMatchObject({ ok: { is_new: true, incident: { aggregated_count: 1 } } });
	const versions = await sql.query(
		`select component, version from "${schema}".aiops_migrations order by 1, 2`,
	);
	expect(versions).toEqual([
		{ component: 'anomaly', version: 1 },
		{ component: 'anomaly', version: 2 },
		{ component: 'anomaly', version: 3 },
		{ component: 'anomaly', version: 4 },
		{ component: 'incidents', version: 1 },
		{ component: 'incidents', version: 2 },
		{ component: 'incidents', version: 3 },
	]);
	const fks = await sql.query(
		`select conname from pg_constraint where contype = 'f' and connamespace = $1::regnamespace`,
		[schema],
	);
	expect(fks).toEqual([]);
});
