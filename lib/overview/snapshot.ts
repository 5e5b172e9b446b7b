// The operations overview: everything the status page, its JSON view and the metrics show, read
// in one pass from the package's stores (incidents, occurrences, repairs, log patterns, check
// results), n8n's execution records (given as items) and live checks of the data sources.
import { countOccurrences, type OccurrenceCounts } from '../anomaly/summary';
import { summarizeOpenIncidents, type OpenIncidentSummary } from '../incidents/summary';
import { countNewPatterns, type NewPatternCount } from '../logs/summary';
import { countRepairs, type RepairCount } from '../repair/summary';
import type { SqlStore } from '../store';
import { recordChecks, summarizeChecks, type CheckResult, type CheckSummary } from './checks';
import { summarizeExecutions, type ExecutionsOverview } from './executions';

/** A data source to check now: resolves with a short detail (a version), rejects when down. */
export interface SourceProbe {
	name: string;
	check: () => Promise<string>;
}

export interface RepairTotals {
	succeeded: number;
	failed: number;
	/** other outcomes: skipped, needs_approval, escalated */
	other: number;
	/** succeeded / (succeeded + failed); null without either */
	successRate: number | null;
}

export interface Overview {
	generatedAt: string;
	store: { kind: string; address: string; schema: string };
	incidents: OpenIncidentSummary;
	occurrences: OccurrenceCounts;
	repairs: {
		byActionAndResult: RepairCount[];
		lastDay: RepairTotals;
		lastWeek: RepairTotals;
		total: RepairTotals;
	};
	/** executions waiting for an approval (send-and-wait); null without n8n's execution records */
	approvalsPending: number | null;
	predictedBreaches: number;
	newLogPatterns: NewPatternCount;
	services: CheckSummary[];
	sources: CheckSummary[];
	channels: CheckSummary[];
	executions: ExecutionsOverview;
	/** the last successful inspection: a log pattern run, or a successful inspection workflow execution */
	lastInspectionAt: string | null;
}

export interface OverviewOptions {
	sql: SqlStore;
	schema: string;
	nowMs: number;
	/** n8n's execution and workflow records (n8n node or API items) */
	executionItems?: Record<string, unknown>[];
	successesSaved?: boolean;
	probes?: SourceProbe[];
	probeTimeoutMs?: number;
	listLimit?: number;
}

function totals(rows: RepairCount[], pick: (r: RepairCount) => number): RepairTotals {
	const sum = (result: string) =>
		rows.filter((r) => r.result === result).reduce((n, r) => n + pick(r), 0);
	const succeeded = sum('succeeded');
	const failed = sum('failed');
	const all = rows.reduce((n, r) => n + pick(r), 0);
	return {
		succeeded,
		failed,
		other: all - succeeded - failed,
		successRate: succeeded + failed ? succeeded / (succeeded + failed) : null,
	};
}

async function probe(p: SourceProbe, timeoutMs: number, nowMs: () => number): Promise<CheckResult> {
	const started = nowMs();
	let timer: NodeJS.Timeout | undefined;
	try {
		const detail = await Promise.race([
			p.check(),
			new Promise<never>((_, reject) => {
				timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
			}),
		]);
		return {
			kind: 'source',
			name: p.name,
			atMs: started,
			ok: true,
			status: 'up',
			responseMs: nowMs() - started,
			detail: detail.slice(0, 300),
		};
	} catch (error) {
		const detail = (error as Error).message || String(error);
		return {
			kind: 'source',
			name: p.name,
			atMs: started,
			ok: false,
			status: 'down',
			responseMs: nowMs() - started,
			detail: detail.slice(0, 300),
		};
	} finally {
		clearTimeout(timer);
	}
}

export async function readOverview(o: OverviewOptions): Promise<Overview> {
	const { sql, schema, nowMs } = o;
	const probes = o.probes ?? [];
	const store = { kind: sql.kind, address: sql.address, schema };
	const storeProbe: SourceProbe = {
		name: sql.kind === 'postgres' ? 'Postgres' : 'Embedded store',
		check: async () => {
			const [row] = await sql.query<{ v: string }>('select version() as v');
			return String(row?.v ?? '').split(' on ')[0];
		},
	};
	const clock = () => Date.now();
	const checked = await Promise.all(
		[storeProbe, ...probes].map((p) => probe(p, o.probeTimeoutMs ?? 2000, clock)),
	);
	// the probes' own clock (for response times), the overview's clock for when they ran
	await recordChecks(
		sql,
		schema,
		checked.map((c) => ({ ...c, atMs: nowMs })),
	);
	const [incidents, occurrences, repairs, patterns, checks] = await Promise.all([
		summarizeOpenIncidents(sql, schema, nowMs, o.listLimit),
		countOccurrences(sql, schema, nowMs),
		countRepairs(sql, schema, nowMs),
		countNewPatterns(sql, schema, nowMs),
		summarizeChecks(sql, schema, nowMs),
	]);
	const executions = summarizeExecutions(o.executionItems ?? [], nowMs, {
		successesSaved: o.successesSaved ?? true,
	});
	const inspections = [
		patterns.lastRunMs,
		...(o.executionItems ?? [])
			.filter((e) => e.status === 'success' && e.workflowId !== undefined)
			.filter((e) =>
				executions.workflows.some(
					(w) => w.id === String(e.workflowId) && /inspection/i.test(w.name),
				),
			)
			.map((e) => Date.parse(String(e.stoppedAt ?? e.startedAt))),
	].filter((t): t is number => typeof t === 'number' && Number.isFinite(t));
	return {
		generatedAt: new Date(nowMs).toISOString(),
		store,
		incidents,
		occurrences,
		repairs: {
			byActionAndResult: repairs,
			lastDay: totals(repairs, (r) => r.lastDay),
			lastWeek: totals(repairs, (r) => r.lastWeek),
			total: totals(repairs, (r) => r.total),
		},
		approvalsPending: executions.available ? executions.waiting : null,
		predictedBreaches: incidents.predictedBreaches,
		newLogPatterns: patterns,
		services: checks.filter((c) => c.kind === 'service'),
		sources: checks.filter((c) => c.kind === 'source'),
		channels: checks.filter((c) => c.kind === 'channel'),
		executions,
		lastInspectionAt: inspections.length ? new Date(Math.max(...inspections)).toISOString() : null,
	};
}
