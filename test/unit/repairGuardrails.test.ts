import { controllerFromPodName, workloadRefFromLabels } from '../../lib/alerts';
import { InvalidInputError } from '../../lib/errors';
import {
	attemptWindows,
	backoffDelay,
	DEFAULT_GUARD_RULES,
	HOUR_MS,
	DAY_MS,
} from '../../lib/repair/guards';
import {
	checkNamespace,
	deniedNamespaces,
	DEFAULT_DENIED_NAMESPACES,
	namespaceList,
	ownNamespace,
} from '../../lib/repair/namespaces';
import { checkPolicy, type RemediationPolicy } from '../../lib/repair/policy';
import { readAlertContext } from '../../lib/contract';
type TargetRest = Parameters<typeof targetFromAlert> extends [unknown, ...infer R] ? R : never;
import { targetFromAlert, targetKey } from '../../lib/repair/target';

describe('workload kind from alert labels', () => {
	it('names the kind from the label or the pod name shape', () => {
		expect(workloadRefFromLabels({ deployment: 'web', pod: 'x-0' })).toEqual({
			kind: 'Deployment',
			name: 'web',
		});
		expect(workloadRefFromLabels({ statefulset: 'db' })).toEqual({
			kind: 'StatefulSet',
			name: 'db',
		});
		expect(workloadRefFromLabels({ pod: 'web-7d9c8b6f5d-x2x4z' })).toEqual({
			kind: 'Deployment',
			name: 'web',
		});
		expect(workloadRefFromLabels({ pod: 'db-2' })).toEqual({ kind: 'StatefulSet', name: 'db' });
		expect(workloadRefFromLabels({ pod: 'fluentd-b7x2k' })).toEqual({
			kind: 'DaemonSet',
			name: 'fluentd',
		});
		expect(workloadRefFromLabels({ service: 'api' })).toEqual({ kind: '', name: 'api' });
		expect(controllerFromPodName('standalone')).toEqual({ kind: '', name: 'standalone' });
	});
});

describe('repair target', () => {
	const alert = {
		labels: {
			alertname: 'KubePodCrashLooping',
			namespace: 'shop',
			pod: 'web-7d9c8b6f5d-x2x4z',
			container: 'app',
			prometheus_replica: 'a',
		},
		dedupedLabels: {
			alertname: 'KubePodCrashLooping',
			namespace: 'shop',
			pod: 'web-7d9c8b6f5d-x2x4z',
			container: 'app',
		},
	};

	const targetOf = (json: Record<string, unknown>, ...rest: TargetRest) =>
		targetFromAlert(readAlertContext(json, 0), ...rest);

	it('comes from the alert item as lib/alerts derives it', () => {
		expect(targetOf(alert)).toEqual({
			namespace: 'shop',
			kind: 'Deployment',
			name: 'web',
			container: 'app',
			pod: 'web-7d9c8b6f5d-x2x4z',
		});
		expect(targetKey(targetOf(alert))).toBe('shop/deployment/web');
	});

	it('takes parameters over the item', () => {
		const t = targetOf(alert, { namespace: 'other', kind: 'statefulset', name: 'db' });
		expect(t).toMatchObject({ namespace: 'other', kind: 'StatefulSet', name: 'db' });
		// a name given without a kind does not borrow the pod's kind
		expect(
			targetOf({ labels: { namespace: 'a', pod: 'db-0' } }, { name: 'web' }, 'Deployment').kind,
		).toBe('Deployment');
	});

	it('names the field that is missing or malformed', () => {
		const err = (fn: () => unknown) => {
			try {
				fn();
			} catch (e) {
				return e as InvalidInputError;
			}
			throw new Error('no error');
		};
		expect(err(() => targetOf({ labels: { deployment: 'web' } })).field).toBe('namespace');
		expect(err(() => targetOf({ labels: { namespace: 'a' } })).field).toBe('name');
		expect(err(() => targetOf({ labels: { namespace: 'A_b', deployment: 'web' } })).field).toBe(
			'namespace',
		);
		expect(
			err(() => targetOf({ labels: { namespace: 'a', cronjob: 'nightly' } })).message,
		).toContain('kind must be one of Deployment, StatefulSet, DaemonSet');
	});
});

describe('namespace guard', () => {
	const rules = { allowed: [], denied: [...DEFAULT_DENIED_NAMESPACES] };

	it('denies kube-system and kube-public by default, and n8n’s own namespace', () => {
		expect(checkNamespace('kube-system', rules)?.code).toBe('namespace_denied');
		expect(checkNamespace('kube-public', rules)?.code).toBe('namespace_denied');
		expect(checkNamespace('shop', rules)).toBeUndefined();
		const denied = deniedNamespaces(rules.denied, 'automation');
		expect(checkNamespace('automation', { allowed: [], denied })?.reason).toBe(
			'namespace automation is denied (on the deny list): repairs never touch it',
		);
	});

	it('honours allow lists and patterns, deny first', () => {
		const r = {
			allowed: namespaceList('team-*, shop'),
			denied: namespaceList('team-secret\nkube-*'),
		};
		expect(checkNamespace('team-a', r)).toBeUndefined();
		expect(checkNamespace('shop', r)).toBeUndefined();
		expect(checkNamespace('other', r)?.code).toBe('namespace_not_allowed');
		expect(checkNamespace('team-secret', r)?.code).toBe('namespace_denied');
		expect(checkNamespace('kube-node-lease', r)?.reason).toContain('matches kube-*');
	});

	it('finds n8n’s own namespace from POD_NAMESPACE or the service account', () => {
		expect(ownNamespace({ POD_NAMESPACE: 'n8n' }, () => 'x')).toBe('n8n');
		expect(ownNamespace({}, () => 'automation\n')).toBe('automation');
		expect(
			ownNamespace({}, () => {
				throw new Error('ENOENT');
			}),
		).toBeUndefined();
	});
});

describe('app policy', () => {
	const policy: RemediationPolicy = {
		autoRepair: true,
		allowedActions: ['restart', 'raise_memory', 'rollback'],
		maxMemory: '2Gi',
		maxReplicas: 5,
		approvalRequired: ['rollback'],
	};

	it('allows, refuses or asks for approval', () => {
		expect(checkPolicy(undefined, 'scale', false)).toBeUndefined();
		expect(checkPolicy(policy, 'restart', false)).toBeUndefined();
		expect(checkPolicy(policy, 'scale', false)).toEqual({
			code: 'action_not_allowed',
			reason: 'the app policy does not allow scale (allowed: restart, raise_memory, rollback)',
		});
		expect(checkPolicy(policy, 'rollback', false)?.code).toBe('needs_approval');
		expect(checkPolicy(policy, 'rollback', true)).toBeUndefined();
		expect(checkPolicy({ ...policy, autoRepair: false }, 'restart', true)?.code).toBe(
			'policy_disabled',
		);
	});
});

describe('guard rules', () => {
	it('doubles the backoff up to its maximum', () => {
		const r = DEFAULT_GUARD_RULES;
		expect([1, 2, 3, 4, 5, 6, 50].map((n) => backoffDelay(n, r))).toEqual([
			60_000, 120_000, 240_000, 480_000, 960_000, 1_800_000, 1_800_000,
		]);
		expect(backoffDelay(0, r)).toBe(0);
	});

	it('adds the 7-day window to memory raises only', () => {
		expect(attemptWindows('restart', DEFAULT_GUARD_RULES)).toEqual([{ ms: HOUR_MS, max: 3 }]);
		expect(attemptWindows('raise_memory', DEFAULT_GUARD_RULES)).toEqual([
			{ ms: HOUR_MS, max: 3 },
			{ ms: 7 * DAY_MS, max: 2 },
		]);
	});
});
