// n8n's own execution records, as n8n's API (or its built-in n8n node, Get Many executions /
// workflows) gives them, summed up per AIOps workflow: succeeded and failed per hour, day and
// week, the last failure and its message, which failed executions were retried and how the retry
// ended, and the executions waiting (send-and-wait approvals).
type Json = Record<string, unknown>;

export interface ExecutionRecord {
	id: string;
	workflowId: string;
	status: string;
	startedAtMs: number;
	retryOf: string | null;
	retrySuccessId: string | null;
	message: string | null;
	node: string | null;
}

export interface WorkflowRecord {
	id: string;
	name: string;
	active: boolean;
	/** the workflow uses a node of this package (or is named AIOps …) */
	aiops: boolean;
}

export interface Counts {
	/** null when n8n does not save successful executions (EXECUTIONS_DATA_SAVE_ON_SUCCESS=none) */
	succeeded: number | null;
	failed: number;
}

export interface FailedExecution {
	id: string;
	at: string;
	message: string | null;
	node: string | null;
	/** the failed execution this one retried, if it is a retry */
	retryOf: string | null;
	/** executions started as retries of this one, with their status */
	retries: { id: string; status: string }[];
	retriedSuccessfully: boolean;
}

export interface WorkflowExecutions {
	id: string;
	name: string;
	active: boolean;
	lastHour: Counts;
	lastDay: Counts;
	lastWeek: Counts;
	running: number;
	waiting: number;
	lastFailure: FailedExecution | null;
	/** the newest failures of the week, at most 10 */
	failures: FailedExecution[];
}

export interface ExecutionsOverview {
	/** whether execution records were given at all */
	available: boolean;
	successesSaved: boolean;
	workflows: WorkflowExecutions[];
	/** executions of AIOps workflows waiting (approvals) */
	waiting: number;
}

const FAILED = new Set(['error', 'crashed']);
const str = (v: unknown) => (v === null || v === undefined || v === '' ? null : String(v));

function errorOf(data: unknown): { message: string | null; node: string | null } {
	const result = (data as Json | undefined)?.resultData as Json | undefined;
	const error = result?.error as Json | undefined;
	const node = (error?.node as Json | undefined)?.name ?? result?.lastNodeExecuted;
	return { message: str(error?.message), node: str(node) };
}

/** Sorts n8n items into execution and workflow records; other items are ignored. */
export function readExecutionItems(items: Json[]): {
	executions: ExecutionRecord[];
	workflows: WorkflowRecord[];
} {
	const executions = new Map<string, ExecutionRecord>();
	const workflows = new Map<string, WorkflowRecord>();
	for (const item of items) {
		if (!item || typeof item !== 'object' || item.id === undefined) continue;
		if (item.workflowId !== undefined && typeof item.status === 'string') {
			const id = String(item.id);
			const { message, node } = errorOf(item.data);
			const known = executions.get(id);
			executions.set(id, {
				id,
				workflowId: String(item.workflowId),
				status: item.status,
				startedAtMs: Date.parse(String(item.startedAt ?? item.createdAt ?? '')),
				retryOf: str(item.retryOf),
				retrySuccessId: str(item.retrySuccessId),
				// the same execution may come twice (with and without its data): keep the message
				message: message ?? known?.message ?? null,
				node: node ?? known?.node ?? null,
			});
		} else if (Array.isArray(item.nodes) && typeof item.name === 'string') {
			const nodes = item.nodes as Json[];
			workflows.set(String(item.id), {
				id: String(item.id),
				name: item.name,
				active: item.active === true,
				aiops:
					/^aiops\b/i.test(item.name) ||
					nodes.some((n) => String(n?.type ?? '').startsWith('n8n-nodes-aiops.')),
			});
		}
	}
	return { executions: [...executions.values()], workflows: [...workflows.values()] };
}

export function summarizeExecutions(
	items: Json[],
	nowMs: number,
	options: { successesSaved: boolean },
): ExecutionsOverview {
	const { executions, workflows } = readExecutionItems(items);
	const retriesOf = new Map<string, ExecutionRecord[]>();
	for (const e of executions) {
		if (e.retryOf) retriesOf.set(e.retryOf, [...(retriesOf.get(e.retryOf) ?? []), e]);
	}
	const byId = new Map(executions.map((e) => [e.id, e]));
	// without the workflow list, every workflow that has executions is shown under its id
	const shown: WorkflowRecord[] = workflows.length
		? workflows.filter((w) => w.aiops)
		: [...new Set(executions.map((e) => e.workflowId))].map((id) => ({
				id,
				name: id,
				active: true,
				aiops: true,
			}));
	const counts = (list: ExecutionRecord[], sinceMs: number): Counts => {
		const recent = list.filter((e) => e.startedAtMs >= sinceMs);
		return {
			succeeded: options.successesSaved
				? recent.filter((e) => e.status === 'success').length
				: null,
			failed: recent.filter((e) => FAILED.has(e.status)).length,
		};
	};
	const failure = (e: ExecutionRecord): FailedExecution => {
		const retries = (retriesOf.get(e.id) ?? []).map((r) => ({ id: r.id, status: r.status }));
		const success = e.retrySuccessId ? byId.get(e.retrySuccessId) : undefined;
		if (e.retrySuccessId && !retries.some((r) => r.id === e.retrySuccessId))
			retries.push({ id: e.retrySuccessId, status: success?.status ?? 'success' });
		return {
			id: e.id,
			at: new Date(e.startedAtMs).toISOString(),
			message: e.message,
			node: e.node,
			retryOf: e.retryOf,
			retries,
			retriedSuccessfully: e.retrySuccessId !== null || retries.some((r) => r.status === 'success'),
		};
	};
	const week = nowMs - 7 * 86_400_000;
	const summaries = shown
		.map((w): WorkflowExecutions => {
			const own = executions.filter((e) => e.workflowId === w.id && Number.isFinite(e.startedAtMs));
			const failed = own
				.filter((e) => FAILED.has(e.status) && e.startedAtMs >= week)
				.sort((a, b) => b.startedAtMs - a.startedAtMs || Number(b.id) - Number(a.id));
			const failures = failed.slice(0, 10).map(failure);
			return {
				id: w.id,
				name: w.name,
				active: w.active,
				lastHour: counts(own, nowMs - 3_600_000),
				lastDay: counts(own, nowMs - 86_400_000),
				lastWeek: counts(own, week),
				running: own.filter((e) => e.status === 'running' || e.status === 'new').length,
				waiting: own.filter((e) => e.status === 'waiting').length,
				lastFailure: failures[0] ?? null,
				failures,
			};
		})
		.sort((a, b) => a.name.localeCompare(b.name));
	return {
		available: executions.length > 0 || workflows.length > 0,
		successesSaved: options.successesSaved,
		workflows: summaries,
		waiting: summaries.reduce((n, w) => n + w.waiting, 0),
	};
}
