// Deploy: server-side apply of every object in dependency order, step by step (namespace,
// app, ingress, TLS, monitoring, auto-repair policy), waiting for the app's rollouts with
// `kubectl rollout status` rules before moving on. A CRD that is not installed skips its
// objects with a warning; any other failure stops the deploy and leaves later steps pending.
import type { KubeClient, KubeObject } from '../kube';
import {
	applyObjectWithOutcome,
	createObject,
	applyOrder,
	CrdNotInstalledError,
	describeRef,
	refOf,
	RolloutTimeoutError,
	waitForRollout,
} from '../kube';
import { AppOperationFailedError, errorCode, errorMessage } from './failure';
import { POLICY_FIELD_MANAGER, policyIntent } from './policy';
import type { ObjectId, StepResult } from './steps';
import {
	appNamespace,
	isCreateOnly,
	isWorkload,
	newSteps,
	objectId,
	plural,
	stepOf,
} from './steps';

export interface DeployOptions {
	/** how long the rollouts may take, all together */
	rolloutTimeoutMs: number;
	/** wait for Deployments/StatefulSets/DaemonSets to roll out (default true) */
	waitForRollout?: boolean;
	/** take over fields another manager set (kubectl --force-conflicts) */
	force?: boolean;
	/** remediation policy annotations for the workloads (setup_auto_repair) */
	policy?: Record<string, string>;
}

export interface AppliedObject extends ObjectId {
	/** kept: a create-only object that already existed and was left as it is */
	result: 'created' | 'configured' | 'kept' | 'skipped' | 'failed' | 'pending';
	resourceVersion?: string;
	generation?: number;
	warning?: string;
	error?: string;
}

export interface RolloutReport {
	kind: string;
	name: string;
	namespace?: string;
	status: 'rolled out' | 'timed out' | 'failed';
	/** kubectl's last status line */
	message: string;
	durationMs: number;
}

export interface DeployReport {
	operation: 'deploy';
	/** planned: no cluster to deploy to (planDeploy) */
	status: 'succeeded' | 'failed' | 'planned';
	namespace?: string;
	steps: StepResult[];
	objects: AppliedObject[];
	rollouts: RolloutReport[];
	warnings: string[];
	durationMs: number;
	error?: string;
	/** HTTP status of the API answer that failed the deploy (403, 409, 422…) */
	errorCode?: number;
}

export async function deployApp(
	client: KubeClient,
	objects: KubeObject[],
	opts: DeployOptions,
): Promise<DeployReport> {
	const started = Date.now();
	const ordered = applyOrder(objects);
	const report: DeployReport = {
		operation: 'deploy',
		status: 'succeeded',
		namespace: appNamespace(objects),
		steps: newSteps(),
		objects: ordered.map((o) => ({ ...objectId(o), result: 'pending' })),
		rollouts: [],
		warnings: [],
		durationMs: 0,
	};
	let failure: unknown;
	for (const step of report.steps) {
		if (failure !== undefined) break;
		const t0 = Date.now();
		try {
			if (step.step === 'setup_auto_repair') await applyPolicy(client, ordered, report, step, opts);
			else await applyStep(client, ordered, report, step, opts);
		} catch (error) {
			failure = error;
			step.status = 'failed';
			step.error = errorMessage(error);
		}
		step.durationMs = Date.now() - t0;
		if (step.warnings?.length) report.warnings.push(...step.warnings);
	}
	report.durationMs = Date.now() - started;
	if (failure !== undefined) {
		report.status = 'failed';
		const failed = report.steps.find((s) => s.status === 'failed')!;
		report.error = `Deploy failed at step ${failed.step}: ${failed.error}`;
		const code = errorCode(failure);
		if (code !== undefined) report.errorCode = code;
	}
	return report;
}

/** Throws the deploy's failure as an error carrying the report. */
export function assertDeployed(report: DeployReport): DeployReport {
	if (report.status === 'failed')
		throw new AppOperationFailedError(report.error ?? 'Deploy failed', report);
	return report;
}

async function applyStep(
	client: KubeClient,
	ordered: KubeObject[],
	report: DeployReport,
	step: StepResult,
	opts: DeployOptions,
): Promise<void> {
	const mine = ordered.filter((o) => stepOf(o) === step.step);
	step.warnings = [];
	if (!mine.length) {
		step.status = 'skipped';
		step.detail = 'nothing to apply';
		return;
	}
	let applied = 0;
	let skipped = 0;
	const workloads: KubeObject[] = [];
	for (const o of mine) {
		const entry = report.objects[ordered.indexOf(o)];
		try {
			if (isCreateOnly(o)) {
				// made once, never overwritten (a generated password stays what the database has)
				const made = await createObject(client, o);
				entry.result = made.created ? 'created' : 'kept';
				if (made.object) entry.resourceVersion = made.object.metadata.resourceVersion as string;
				applied++;
				continue;
			}
			const { object, created } = await applyObjectWithOutcome(client, o, { force: opts.force });
			entry.result = created ? 'created' : 'configured';
			entry.resourceVersion = object.metadata.resourceVersion as string | undefined;
			if (object.metadata.generation !== undefined)
				entry.generation = object.metadata.generation as number;
			applied++;
			if (isWorkload(o)) workloads.push(object);
		} catch (error) {
			if (error instanceof CrdNotInstalledError) {
				entry.result = 'skipped';
				entry.warning = `${describeRef(refOf(o))} skipped: ${error.message}`;
				step.warnings.push(entry.warning);
				skipped++;
				continue;
			}
			entry.result = 'failed';
			entry.error = errorMessage(error);
			throw error;
		}
	}
	step.detail = `applied ${plural(applied, 'object')}${skipped ? `, skipped ${skipped}` : ''}`;
	if (step.step === 'deploy_app' && workloads.length && opts.waitForRollout !== false) {
		await waitForRollouts(client, workloads, report, step, opts.rolloutTimeoutMs);
	}
	step.status = applied === 0 ? 'skipped' : 'succeeded';
	if (!step.warnings.length) delete step.warnings;
}

/** Waits for every workload at once (one list + one watch each), within one shared deadline. */
async function waitForRollouts(
	client: KubeClient,
	workloads: KubeObject[],
	report: DeployReport,
	step: StepResult,
	timeoutMs: number,
): Promise<void> {
	const results = await Promise.allSettled(
		workloads.map((w) => waitForRollout(client, refOf(w), { timeoutMs })),
	);
	let firstError: unknown;
	results.forEach((r, i) => {
		const w = workloads[i];
		const base = {
			kind: w.kind,
			name: w.metadata.name,
			...(w.metadata.namespace ? { namespace: w.metadata.namespace } : {}),
		};
		if (r.status === 'fulfilled') {
			report.rollouts.push({
				...base,
				status: 'rolled out',
				message: r.value.message,
				durationMs: r.value.durationMs,
			});
		} else {
			const timedOut = r.reason instanceof RolloutTimeoutError;
			report.rollouts.push({
				...base,
				status: timedOut ? 'timed out' : 'failed',
				message: timedOut ? (r.reason as RolloutTimeoutError).lastStatus : errorMessage(r.reason),
				durationMs: timeoutMs,
			});
			firstError ??= r.reason;
		}
	});
	const done = report.rollouts.filter((r) => r.status === 'rolled out').length;
	step.detail += `; ${done} of ${plural(workloads.length, 'workload')} rolled out`;
	if (firstError !== undefined) throw firstError;
}

async function applyPolicy(
	client: KubeClient,
	ordered: KubeObject[],
	report: DeployReport,
	step: StepResult,
	opts: DeployOptions,
): Promise<void> {
	const workloads = ordered.filter(isWorkload);
	if (!opts.policy) {
		step.status = 'skipped';
		step.detail = 'no remediation policy given: Repair Action uses its defaults';
		return;
	}
	if (!workloads.length) {
		step.status = 'skipped';
		step.detail = 'no workload to carry the remediation policy';
		return;
	}
	for (const w of workloads) {
		await applyObjectWithOutcome(client, policyIntent(w, opts.policy), {
			fieldManager: POLICY_FIELD_MANAGER,
			force: opts.force,
		});
	}
	const rules = report.objects.some((o) => o.kind === 'PrometheusRule' && o.result !== 'skipped');
	if (!rules) {
		step.warnings = [
			'no PrometheusRule was applied: no alert will carry an auto_repair action for this app',
		];
	}
	step.status = 'succeeded';
	step.detail = `policy (${plural(Object.keys(opts.policy).length, 'annotation')}) set on ${workloads.map((w) => describeRef(refOf(w))).join(', ')}`;
}
