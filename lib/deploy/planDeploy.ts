// Deploy without a cluster: what each step would apply, so the shipped onboarding workflow
// shows its result before a Kubernetes credential is chosen. Nothing is sent anywhere.
import { applyOrder, type KubeObject } from '../kube';
import type { DeployReport } from './deployApp';
import { appNamespace, isWorkload, newSteps, objectId } from './steps';

export function planDeploy(objects: KubeObject[], policy?: Record<string, string>): DeployReport {
	const ordered = applyOrder(objects).map(objectId);
	const steps = newSteps();
	for (const step of steps) {
		const names = ordered.filter((o) => o.step === step.step).map((o) => `${o.kind}/${o.name}`);
		if (step.step === 'setup_auto_repair') {
			const workloads = objects.filter(isWorkload).length;
			const annotated = policy && Object.keys(policy).length > 0 && workloads > 0;
			names.splice(
				0,
				names.length,
				...(annotated ? [`policy annotations on ${workloads} workload(s)`] : []),
			);
		}
		step.status = 'skipped';
		step.detail = names.length
			? `planned, not applied (no Kubernetes credential): ${names.join(', ')}`
			: 'nothing to do';
	}
	return {
		operation: 'deploy',
		status: 'planned',
		namespace: appNamespace(objects),
		steps,
		objects: ordered.map((o) => ({ ...o, result: 'pending' })),
		rollouts: [],
		warnings: [
			'no Kubernetes credential: nothing was applied; choose a Kubernetes API credential to deploy',
		],
		durationMs: 0,
	};
}
