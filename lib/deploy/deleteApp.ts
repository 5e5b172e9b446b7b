// Delete: the app's objects in reverse dependency order (so nothing is left running without
// what it needs), then wait for its namespace(s) to be gone — a namespace lingers in
// Terminating while its contents are removed. Objects outside the namespace (a PrometheusRule
// in `monitoring`, say) are deleted explicitly, which deleting the namespace would miss.
import type { KubeClient, KubeObject } from '../kube';
import {
	CrdNotInstalledError,
	deleteObject,
	deleteOrder,
	describeRef,
	refOf,
	waitForDeletion,
} from '../kube';
import { AppOperationFailedError, errorCode, errorMessage } from './failure';
import type { ObjectId } from './steps';
import { appNamespace, objectId } from './steps';

export interface DeleteOptions {
	/** how long to wait for the namespace(s) to disappear */
	timeoutMs: number;
	waitForNamespace?: boolean;
}

export interface DeletedObject extends ObjectId {
	result: 'deleted' | 'absent' | 'skipped' | 'failed';
	warning?: string;
	error?: string;
}

export interface DeleteReport {
	operation: 'delete';
	status: 'succeeded' | 'failed';
	namespace?: string;
	objects: DeletedObject[];
	namespaces: { name: string; gone: boolean; waitedMs: number }[];
	warnings: string[];
	durationMs: number;
	error?: string;
	errorCode?: number;
}

export async function deleteApp(
	client: KubeClient,
	objects: KubeObject[],
	opts: DeleteOptions,
): Promise<DeleteReport> {
	const started = Date.now();
	const report: DeleteReport = {
		operation: 'delete',
		status: 'succeeded',
		namespace: appNamespace(objects),
		objects: [],
		namespaces: [],
		warnings: [],
		durationMs: 0,
	};
	let firstError: unknown;
	// keep going past a failure: the rest of the teardown is still worth doing
	for (const o of deleteOrder(objects)) {
		const base = objectId(o);
		try {
			report.objects.push({
				...base,
				result: (await deleteObject(client, refOf(o))) ? 'deleted' : 'absent',
			});
		} catch (error) {
			if (error instanceof CrdNotInstalledError) {
				const warning = `${describeRef(refOf(o))} skipped: ${error.message}`;
				report.warnings.push(warning);
				report.objects.push({ ...base, result: 'skipped', warning });
				continue;
			}
			firstError ??= error;
			report.objects.push({ ...base, result: 'failed', error: errorMessage(error) });
		}
	}
	if (opts.waitForNamespace !== false) {
		const deadline = started + opts.timeoutMs;
		for (const ns of objects.filter((o) => o.kind === 'Namespace' && o.apiVersion === 'v1')) {
			const t0 = Date.now();
			try {
				const gone = await waitForDeletion(client, refOf(ns), Math.max(0, deadline - Date.now()));
				report.namespaces.push({ name: ns.metadata.name, gone, waitedMs: Date.now() - t0 });
				if (!gone) {
					firstError ??= new Error(
						`namespace ${ns.metadata.name} is still terminating after ${Math.round(opts.timeoutMs / 1000)}s`,
					);
				}
			} catch (error) {
				firstError ??= error;
				report.namespaces.push({ name: ns.metadata.name, gone: false, waitedMs: Date.now() - t0 });
			}
		}
	}
	report.durationMs = Date.now() - started;
	if (firstError !== undefined) {
		report.status = 'failed';
		report.error = `Delete failed: ${errorMessage(firstError)}`;
		const code = errorCode(firstError);
		if (code !== undefined) report.errorCode = code;
	}
	return report;
}

export function assertDeleted(report: DeleteReport): DeleteReport {
	if (report.status === 'failed')
		throw new AppOperationFailedError(report.error ?? 'Delete failed', report);
	return report;
}
