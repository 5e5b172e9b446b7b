import fc from 'fast-check';

import {
	formatMemory,
	parseQuantity,
	planMemoryRaise,
	type RaiseInput,
} from '../../lib/repair/memory';

const Mi = 2 ** 20;
const Gi = 2 ** 30;
const base: RaiseInput = {
	container: { name: 'app', limit: '512Mi', request: '256Mi' },
	otherContainers: [],
	replicas: 2,
	factor: 1.5,
	limitRanges: [],
	quotas: [],
};

describe('memory quantities', () => {
	it('parses binary, decimal and exponent forms', () => {
		expect(parseQuantity('512Mi')).toBe(512 * Mi);
		expect(parseQuantity('1.5Gi')).toBe(1.5 * Gi);
		expect(parseQuantity('1G')).toBe(1e9);
		expect(parseQuantity('128974848')).toBe(128974848);
		expect(parseQuantity('129e6')).toBe(129e6);
		expect(parseQuantity('123k')).toBe(123000);
		expect(() => parseQuantity('12 MB', 'max-memory')).toThrow(
			/max-memory is not a Kubernetes quantity/,
		);
	});

	it('formats exact binary quantities and round-trips them (property)', () => {
		expect(formatMemory(768 * Mi)).toBe('768Mi');
		expect(formatMemory(3 * Gi)).toBe('3Gi');
		expect(formatMemory(1000)).toBe('1000');
		fc.assert(
			fc.property(fc.integer({ min: 1, max: 2 ** 40 }), (n) => {
				expect(parseQuantity(formatMemory(n))).toBe(n);
			}),
		);
	});
});

describe('memory raise', () => {
	it('multiplies by the factor and leaves the request', () => {
		expect(planMemoryRaise(base)).toMatchObject({
			ok: true,
			from: '512Mi',
			to: '768Mi',
			limitedBy: null,
		});
		expect(
			planMemoryRaise({ ...base, container: { name: 'app', limit: '1Gi' }, factor: 2 }),
		).toMatchObject({ to: '2Gi' });
	});

	it('is capped by the app policy', () => {
		const r = planMemoryRaise({ ...base, policyMax: '600Mi' });
		expect(r).toMatchObject({ ok: true, to: '600Mi', limitedBy: 'app policy max-memory' });
	});

	it('is capped by the LimitRange container max, pod max and ratio', () => {
		const container = planMemoryRaise({
			...base,
			limitRanges: [{ name: 'limits', limits: [{ type: 'Container', max: { memory: '700Mi' } }] }],
		});
		expect(container).toMatchObject({
			to: '700Mi',
			limitedBy: 'LimitRange limits Container max 700Mi',
		});
		const pod = planMemoryRaise({
			...base,
			otherContainers: [{ name: 'sidecar', limit: '128Mi' }],
			limitRanges: [{ name: 'limits', limits: [{ type: 'Pod', max: { memory: '768Mi' } }] }],
		});
		expect(pod).toMatchObject({ to: '640Mi' });
		const ratio = planMemoryRaise({
			...base,
			limitRanges: [
				{
					name: 'limits',
					limits: [{ type: 'Container', maxLimitRequestRatio: { memory: '2.5' } }],
				},
			],
		});
		expect(ratio).toMatchObject({ to: '640Mi' });
	});

	it('is capped by what the ResourceQuota leaves for every replica', () => {
		const r = planMemoryRaise({
			...base,
			quotas: [
				{ name: 'team', hard: { 'limits.memory': '2Gi' }, used: { 'limits.memory': '1Gi' + '' } },
			],
		});
		// 1Gi left, 2 pods: each may grow by 512Mi → 1Gi; the factor wants only 768Mi
		expect(r).toMatchObject({ to: '768Mi', limitedBy: null });
		const tight = planMemoryRaise({
			...base,
			replicas: 4,
			quotas: [
				{ name: 'team', hard: { 'limits.memory': '2400Mi' }, used: { 'limits.memory': '2Gi' } },
			],
		});
		expect(tight).toMatchObject({ ok: true, to: '600Mi' });
		expect((tight as { limitedBy: string }).limitedBy).toContain('ResourceQuota team leaves 352Mi');
	});

	it('takes the lowest of all caps', () => {
		const r = planMemoryRaise({
			...base,
			policyMax: '1Gi',
			limitRanges: [{ name: 'lr', limits: [{ type: 'Container', max: { memory: '650Mi' } }] }],
			quotas: [{ name: 'q', hard: { 'limits.memory': '10Gi' }, used: { 'limits.memory': '1Gi' } }],
		});
		expect(r).toMatchObject({ to: '650Mi' });
		expect(r.caps.map((c) => c.source)).toEqual([
			'LimitRange lr Container max 650Mi',
			'app policy max-memory',
			'ResourceQuota q leaves 9Gi of limits.memory for 2 pod(s)',
		]);
	});

	it('refuses without a limit or at the ceiling', () => {
		expect(planMemoryRaise({ ...base, container: { name: 'app' } })).toMatchObject({
			ok: false,
			code: 'no_memory_limit',
		});
		const ceiling = planMemoryRaise({ ...base, policyMax: '512Mi' });
		expect(ceiling).toMatchObject({ ok: false, code: 'at_memory_ceiling' });
		expect((ceiling as { reason: string }).reason).toContain(
			'already at its ceiling (app policy max-memory)',
		);
		expect(
			planMemoryRaise({
				...base,
				quotas: [{ name: 'q', hard: { 'limits.memory': '1Gi' }, used: { 'limits.memory': '1Gi' } }],
			}),
		).toMatchObject({
			ok: false,
			code: 'at_memory_ceiling',
		});
	});

	it('never exceeds a cap nor lowers the limit (property)', () => {
		fc.assert(
			fc.property(
				fc.integer({ min: 64, max: 4096 }),
				fc.integer({ min: 1, max: 8192 }),
				fc.double({ min: 1.01, max: 4, noNaN: true }),
				(limitMi, capMi, factor) => {
					const r = planMemoryRaise({
						...base,
						container: { name: 'app', limit: `${limitMi}Mi` },
						policyMax: `${capMi}Mi`,
						factor,
					});
					if (r.ok) {
						expect(r.toBytes).toBeGreaterThan(limitMi * Mi);
						expect(r.toBytes).toBeLessThanOrEqual(capMi * Mi);
						expect(r.toBytes).toBeLessThanOrEqual(Math.ceil((limitMi * Mi * factor) / Mi) * Mi);
					} else {
						expect(capMi).toBeLessThanOrEqual(limitMi);
					}
				},
			),
		);
	});
});
