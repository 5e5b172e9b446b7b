import fc from 'fast-check';

import { REPAIR_ACTIONS, type RepairAction } from '../../lib/repair/actions';
import { isOomKilled, isSaturation, planRepair, type PlanFacts } from '../../lib/repair/planner';

const base: PlanFacts = {
	autoRepairLabel: '',
	tier: 1,
	kind: 'Deployment',
	oomKilled: false,
	saturation: false,
	recentRollout: null,
};
const allow = () => ({ skip: false, reason: '' });
const skipping =
	(...actions: RepairAction[]) =>
	(a: RepairAction) =>
		actions.includes(a)
			? { skip: true, reason: `${a} succeeded 0 of 5 times` }
			: { skip: false, reason: '' };
const recent = { revision: 7, at: '2026-01-05T11:00:00.000Z' };

describe('Auto planner', () => {
	it('tier 1 restarts', () => {
		const plan = planRepair(base, allow);
		expect(plan).toMatchObject({ action: 'restart', escalate: false });
		expect(plan.explanation).toBe('restart chosen: tier 1: restart');
	});

	it('tier 2 raises memory on OOMKilled, scales on saturation, else restarts', () => {
		expect(planRepair({ ...base, tier: 2, oomKilled: true }, allow).action).toBe('raise_memory');
		expect(planRepair({ ...base, tier: 2, saturation: true }, allow).action).toBe('scale');
		const plain = planRepair({ ...base, tier: 2 }, allow);
		expect(plain.action).toBe('restart');
		expect(plain.explanation).toContain('neither OOMKilled nor saturated');
	});

	it('tier 3 rolls back after a recent rollout, else escalates', () => {
		const plan = planRepair({ ...base, tier: 3, recentRollout: recent }, allow);
		expect(plan.action).toBe('rollback');
		expect(plan.explanation).toContain('revision 7 was rolled out recently');
		const none = planRepair({ ...base, tier: 3 }, allow);
		expect(none).toMatchObject({ action: null, escalate: true });
		expect(none.explanation).toContain('no recent rollout');
	});

	it('tier 4 never acts, whatever the label says', () => {
		const plan = planRepair({ ...base, tier: 4, autoRepairLabel: 'restart' }, allow);
		expect(plan).toMatchObject({ action: null, escalate: true, steps: [] });
		expect(plan.explanation).toMatch(/^tier 4/);
	});

	it('follows the auto_repair label first, with the seed vocabulary', () => {
		expect(planRepair({ ...base, autoRepairLabel: 'oom_handler' }, allow).action).toBe(
			'raise_memory',
		);
		expect(planRepair({ ...base, autoRepairLabel: 'scale_memory' }, allow).action).toBe(
			'raise_memory',
		);
		expect(planRepair({ ...base, autoRepairLabel: 'rollback' }, allow).action).toBe('rollback');
		expect(planRepair({ ...base, tier: 3, autoRepairLabel: 'restart' }, allow).action).toBe(
			'restart',
		);
		const unknown = planRepair({ ...base, autoRepairLabel: 'reboot_node' }, allow);
		expect(unknown.action).toBe('restart');
		expect(unknown.explanation).toContain('unknown auto_repair label "reboot_node" ignored');
		expect(planRepair({ ...base, autoRepairLabel: 'none' }, allow)).toMatchObject({
			action: null,
			escalate: true,
		});
	});

	it('takes the next action when the gate skips one, and explains why', () => {
		const plan = planRepair({ ...base, oomKilled: true }, skipping('restart'));
		expect(plan.action).toBe('raise_memory');
		expect(plan.steps).toEqual([
			{ action: 'restart', decision: 'skipped', reason: 'restart succeeded 0 of 5 times' },
			{
				action: 'raise_memory',
				decision: 'chosen',
				reason: 'tier 2 mitigation: the container was OOMKilled',
			},
		]);
		expect(plan.explanation).toBe(
			'restart skipped: restart succeeded 0 of 5 times; raise_memory chosen: tier 2 mitigation: the container was OOMKilled',
		);
		const label = planRepair(
			{ ...base, tier: 2, autoRepairLabel: 'restart', recentRollout: recent },
			skipping('restart'),
		);
		expect(label.action).toBe('rollback');
		const all = planRepair({ ...base, recentRollout: recent }, skipping('restart', 'rollback'));
		expect(all).toMatchObject({ action: null, escalate: true });
		expect(all.explanation).toContain('no repair left to try');
	});

	it('passes over actions that do not apply to the kind', () => {
		const plan = planRepair({ ...base, kind: 'DaemonSet', tier: 2, saturation: true }, allow);
		expect(plan.action).toBe('restart');
		expect(plan.steps[0]).toEqual({
			action: 'scale',
			decision: 'skipped',
			reason: 'scale does not apply to a DaemonSet',
		});
	});

	it('never chooses a skipped action, and asks only up to the chosen one (property)', () => {
		fc.assert(
			fc.property(
				fc.record({
					autoRepairLabel: fc.constantFrom(
						'',
						'restart',
						'rollback',
						'oom_handler',
						'scale',
						'x',
						'none',
					),
					tier: fc.integer({ min: 1, max: 4 }),
					kind: fc.constantFrom('Deployment', 'StatefulSet', 'DaemonSet'),
					oomKilled: fc.boolean(),
					saturation: fc.boolean(),
					recentRollout: fc.option(fc.constant(recent), { nil: null }),
				}),
				fc.subarray([...REPAIR_ACTIONS]),
				(facts, skipped) => {
					const asked: RepairAction[] = [];
					const plan = planRepair(facts as PlanFacts, (a) => {
						asked.push(a);
						return skipping(...skipped)(a);
					});
					if (plan.action) {
						expect(skipped).not.toContain(plan.action);
						expect(asked[asked.length - 1]).toBe(plan.action);
						expect(plan.steps.filter((s) => s.decision === 'chosen')).toHaveLength(1);
					} else {
						expect(plan.escalate).toBe(true);
					}
					if (facts.tier >= 4) expect(plan.action).toBeNull();
				},
			),
		);
	});

	it('recognises OOMKilled and saturation', () => {
		expect(isOomKilled('OOMKilled', 'KubePodCrashLooping')).toBe(true);
		expect(isOomKilled('', 'WebOOMKilled')).toBe(true);
		expect(isOomKilled('CrashLoopBackOff', 'KubePodCrashLooping')).toBe(false);
		expect(isSaturation('', 'CPUThrottlingHigh')).toBe(true);
		expect(isSaturation('', 'HighLatency')).toBe(true);
		expect(isSaturation('', 'WebDown')).toBe(false);
		expect(() => isSaturation('', 'x', '(')).toThrow(
			/saturation pattern is not a valid regular expression/,
		);
	});
});

describe('Auto planner following a diagnosis', () => {
	const diagnosis = (over: Partial<NonNullable<PlanFacts['diagnosis']>>) => ({
		cause: 'crash_after_rollout',
		confidence: 0.8,
		summary: 'the crashes began with revision 7',
		recommended: 'rollback' as const,
		cannotHelp: ['restart', 'scale'] as RepairAction[],
		...over,
	});

	it('takes the recommended action at tier 1, before the ladder, and says why', () => {
		const plan = planRepair({ ...base, diagnosis: diagnosis({}) }, allow);
		expect(plan.action).toBe('rollback');
		expect(plan.explanation).toContain('diagnosis crash_after_rollout (80%)');
	});

	it('escalates with the reason when the diagnosis says nothing here can help', () => {
		const plan = planRepair(
			{ ...base, autoRepairLabel: 'restart', diagnosis: diagnosis({ cause: 'configuration_error', recommended: 'escalate', summary: 'Secret shop/db key password is missing' }) },
			allow,
		);
		expect(plan).toMatchObject({ action: null, escalate: true });
		expect(plan.explanation).toContain('Secret shop/db key password is missing');
	});

	it('never takes an action the diagnosis says cannot help, whatever proposes it', () => {
		fc.assert(
			fc.property(
				fc.subarray([...REPAIR_ACTIONS]),
				fc.integer({ min: 1, max: 3 }),
				fc.constantFrom('', 'restart', 'scale', 'raise_memory', 'rollback'),
				fc.boolean(),
				(cannotHelp, tier, label, oom) => {
					const plan = planRepair(
						{ ...base, tier, autoRepairLabel: label, oomKilled: oom, recentRollout: recent, diagnosis: diagnosis({ recommended: null, cannotHelp }) },
						allow,
					);
					return plan.action === null || !cannotHelp.includes(plan.action);
				},
			),
		);
	});

	it('a recommended action the gate passes over falls to the ladder, still without the useless ones', () => {
		const plan = planRepair(
			{ ...base, tier: 2, oomKilled: true, recentRollout: recent, diagnosis: diagnosis({ cause: 'out_of_memory', recommended: 'raise_memory', cannotHelp: ['restart', 'scale'] }) },
			skipping('raise_memory'),
		);
		expect(plan.action).toBe('rollback');
		expect(plan.steps.map((s) => [s.action, s.decision])).toEqual([
			['raise_memory', 'skipped'],
			['restart', 'skipped'],
			['rollback', 'chosen'],
		]);
	});
});
