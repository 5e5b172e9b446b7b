import fc from 'fast-check';

import {
	actionForAutoRepairLabel,
	POLICY_ANNOTATIONS,
	policyAnnotations,
	readPolicyAnnotations,
	REPAIR_ACTIONS,
	type RemediationPolicy,
} from '../../../lib/manifests';

const policy = fc.record<RemediationPolicy>({
	autoRepair: fc.boolean(),
	allowedActions: fc.subarray([...REPAIR_ACTIONS]),
	maxMemory: fc.constantFrom('512Mi', '1Gi', '3Gi', '1500M'),
	maxReplicas: fc.integer({ min: 1, max: 100 }),
	approvalRequired: fc.subarray([...REPAIR_ACTIONS]),
});

describe('remediation policy annotations', () => {
	it('read back as the policy written (property)', () => {
		fc.assert(
			fc.property(policy, (p) => {
				expect(readPolicyAnnotations(policyAnnotations(p))).toEqual(p);
			}),
		);
	});

	it('are absent on a workload this package did not deploy', () => {
		expect(readPolicyAnnotations(undefined)).toBeUndefined();
		expect(readPolicyAnnotations({ 'deployment.kubernetes.io/revision': '3' })).toBeUndefined();
	});

	it.each([
		[POLICY_ANNOTATIONS.autoRepair, 'yes'],
		[POLICY_ANNOTATIONS.allowedActions, 'restart,reboot'],
		[POLICY_ANNOTATIONS.maxMemory, 'lots'],
		[POLICY_ANNOTATIONS.maxReplicas, '0'],
		[POLICY_ANNOTATIONS.approvalRequired, 'everything'],
	])('refuse a malformed %s, naming it', (key, value) => {
		const annotations = {
			...policyAnnotations({
				autoRepair: true,
				allowedActions: ['restart'],
				maxMemory: '1Gi',
				maxReplicas: 2,
				approvalRequired: [],
			}),
			[key]: value,
		};
		expect(() => readPolicyAnnotations(annotations)).toThrow(
			expect.objectContaining({ field: key }),
		);
	});

	it("map the PrometheusRule's auto_repair labels (the seed's) to actions", () => {
		expect(
			['restart', 'scale_memory', 'oom_handler', 'rollback', 'toString'].map(
				actionForAutoRepairLabel,
			),
		).toEqual(['restart', 'raise_memory', 'raise_memory', 'rollback', undefined]);
	});
});
