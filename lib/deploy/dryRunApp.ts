// Dry Run: every object through the server's full write path with dryRun=All (defaults,
// validation, admission, field ownership) and compared with the live object — what `kubectl
// diff --server-side` shows. Nothing is changed. Objects in a namespace this same set
// creates cannot be checked by the server yet (it refuses content for a namespace that does
// not exist); those are compared client-side and marked serverValidated: false.
import type { FieldChange, KubeClient, KubeObject, ObjectDiff } from '../kube';
import {
	applyIntent,
	applyObject,
	applyObjectWithOutcome,
	createObject,
	applyOrder,
	CrdNotInstalledError,
	describeRef,
	diffObject,
	getObject,
	KubeApiError,
	refOf,
} from '../kube';
import { AppOperationFailedError, errorCode, errorMessage } from './failure';
import { POLICY_FIELD_MANAGER, policyIntent } from './policy';
import type { ObjectId, StepName } from './steps';
import { appNamespace, isCreateOnly, isSecret, isWorkload, objectId, STEP_NAMES } from './steps';

export interface DryRunOptions {
	force?: boolean;
	policy?: Record<string, string>;
}

export interface PlannedChange extends ObjectId {
	action: ObjectDiff['action'] | 'skipped' | 'failed';
	/** false: compared client-side only (its namespace does not exist yet) */
	serverValidated: boolean;
	changes: FieldChange[];
	diff: string;
	/** the field manager the change is applied under */
	fieldManager: string;
	note?: string;
	warning?: string;
	error?: string;
	errorCode?: number;
}

export interface DryRunReport {
	operation: 'dryRun';
	status: 'succeeded' | 'failed';
	namespace?: string;
	summary: Record<PlannedChange['action'], number>;
	/** per step: what would happen */
	steps: { step: StepName; actions: string }[];
	objects: PlannedChange[];
	/** every object's unified diff, one after the other */
	diff: string;
	warnings: string[];
	error?: string;
	errorCode?: number;
}

function namespaceMissing(error: unknown, namespace: string | undefined): boolean {
	return (
		error instanceof KubeApiError &&
		error.code === 404 &&
		!!namespace &&
		error.status?.message === `namespaces "${namespace}" not found`
	);
}

export async function dryRunApp(
	client: KubeClient,
	objects: KubeObject[],
	opts: DryRunOptions = {},
): Promise<DryRunReport> {
	const ordered = applyOrder(objects);
	const creatingNamespaces = new Set(
		ordered.filter((o) => o.kind === 'Namespace').map((o) => o.metadata.name),
	);
	const planned: PlannedChange[] = [];
	const warnings: string[] = [];
	const plan = async (o: KubeObject, fieldManager: string, step?: StepName) => {
		const base = { ...objectId(o), ...(step ? { step } : {}), fieldManager };
		const name = describeRef(refOf(o));
		try {
			try {
				if (isCreateOnly(o) || isSecret(o)) {
					planned.push({ ...base, ...(await planWithoutReading(client, o, fieldManager, opts)) });
					return;
				}
				const live = await getObject(client, refOf(o));
				const result = await applyObject(client, o, {
					dryRun: true,
					force: opts.force,
					fieldManager,
				});
				planned.push({ ...base, ...diffObject(live, result, name), serverValidated: true });
			} catch (error) {
				if (
					!namespaceMissing(error, o.metadata.namespace) ||
					!creatingNamespaces.has(o.metadata.namespace!)
				)
					throw error;
				planned.push({
					...base,
					...diffObject(undefined, masked(applyIntent(o)), name),
					serverValidated: false,
					warning: `${name}: namespace ${o.metadata.namespace} does not exist yet, so the server could not check this object; compared client-side`,
				});
			}
		} catch (error) {
			if (error instanceof CrdNotInstalledError) {
				const warning = `${name} skipped: ${error.message}`;
				warnings.push(warning);
				planned.push({
					...base,
					action: 'skipped',
					serverValidated: false,
					changes: [],
					diff: '',
					warning,
				});
				return;
			}
			const code = errorCode(error);
			planned.push({
				...base,
				action: 'failed',
				serverValidated: false,
				changes: [],
				diff: '',
				error: errorMessage(error),
				...(code !== undefined ? { errorCode: code } : {}),
			});
		}
	};
	for (const o of ordered) await plan(o, 'n8n-aiops');
	if (opts.policy) {
		for (const w of ordered.filter(isWorkload)) {
			const deployed = planned.find(
				(p) =>
					p.kind === w.kind && p.name === w.metadata.name && p.namespace === w.metadata.namespace,
			);
			if (deployed?.action === 'create') continue; // the policy lands together with the new workload
			await plan(policyIntent(w, opts.policy), POLICY_FIELD_MANAGER, 'setup_auto_repair');
		}
	}
	for (const p of planned) if (p.warning && !warnings.includes(p.warning)) warnings.push(p.warning);
	const summary = { create: 0, update: 0, unchanged: 0, delete: 0, skipped: 0, failed: 0 };
	for (const p of planned) summary[p.action]++;
	const failed = planned.find((p) => p.action === 'failed');
	const report: DryRunReport = {
		operation: 'dryRun',
		status: failed ? 'failed' : 'succeeded',
		namespace: appNamespace(objects),
		summary,
		steps: STEP_NAMES.map((step) => {
			const mine = planned.filter((p) => p.step === step);
			const counts = (['create', 'update', 'unchanged', 'skipped', 'failed'] as const)
				.map((a) => [a, mine.filter((p) => p.action === a).length] as const)
				.filter(([, n]) => n > 0)
				.map(([a, n]) => `${n} ${a}`);
			return { step, actions: counts.join(', ') || 'nothing to apply' };
		}),
		objects: planned,
		diff: planned.map((p) => p.diff).join(''),
		warnings,
	};
	if (failed) {
		report.error = `Dry run failed for ${describeRef(failed)}: ${failed.error}`;
		if (failed.errorCode !== undefined) report.errorCode = failed.errorCode;
	}
	return report;
}

/** Secret values never reach the output (it lands in n8n's execution data). */
function masked(o: KubeObject): KubeObject {
	if (!isSecret(o)) return o;
	const copy = { ...o };
	for (const field of ['data', 'stringData']) {
		const values = o[field] as Record<string, unknown> | undefined;
		if (values) copy[field] = Object.fromEntries(Object.keys(values).map((k) => [k, '(hidden)']));
	}
	return copy;
}

/**
 * Secrets and create-only objects are checked without reading the live object: a dry-run
 * create (create-only: exists → unchanged, it will be kept) or a dry-run apply (201 create,
 * 200 update — whether anything differs is not known without reading it).
 */
async function planWithoutReading(
	client: KubeClient,
	o: KubeObject,
	fieldManager: string,
	opts: DryRunOptions,
): Promise<Omit<PlannedChange, keyof ObjectId | 'fieldManager'>> {
	const name = describeRef(refOf(o));
	if (isCreateOnly(o)) {
		const { created } = await createObject(client, o, { dryRun: true, fieldManager });
		return created
			? { ...diffObject(undefined, masked(applyIntent(o)), name), serverValidated: true }
			: {
					action: 'unchanged',
					changes: [],
					diff: '',
					serverValidated: true,
					note: 'create-only: exists and will be kept as it is',
				};
	}
	const { created } = await applyObjectWithOutcome(client, o, {
		dryRun: true,
		force: opts.force,
		fieldManager,
	});
	return created
		? { ...diffObject(undefined, masked(applyIntent(o)), name), serverValidated: true }
		: {
				action: 'update',
				changes: [],
				diff: '',
				serverValidated: true,
				note: 'Secret contents are not read, so what changes is not shown',
			};
}

export function assertDryRunSucceeded(report: DryRunReport): DryRunReport {
	if (report.status === 'failed')
		throw new AppOperationFailedError(report.error ?? 'Dry run failed', report);
	return report;
}
