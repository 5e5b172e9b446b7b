// Raise Memory's arithmetic: Kubernetes memory quantities, and the new limit — the current one
// times a factor, capped by the lowest of the app policy's maximum, the namespace LimitRange
// (container max, pod max, max limit/request ratio) and what the ResourceQuotas leave.
import { InvalidInputError } from '../errors';

const BINARY: Record<string, number> = {
	Ki: 2 ** 10,
	Mi: 2 ** 20,
	Gi: 2 ** 30,
	Ti: 2 ** 40,
	Pi: 2 ** 50,
	Ei: 2 ** 60,
};
const DECIMAL: Record<string, number> = {
	n: 1e-9,
	u: 1e-6,
	m: 1e-3,
	'': 1,
	k: 1e3,
	M: 1e6,
	G: 1e9,
	T: 1e12,
	P: 1e15,
	E: 1e18,
};
const QUANTITY =
	/^([+-]?(?:\d+\.?\d*|\.\d+))(?:(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E)|[eE]([+-]?\d+))?$/;

/** A quantity in its base unit (bytes for memory); throws naming `field` when malformed. */
export function parseQuantity(text: string, field = 'quantity'): number {
	const m = QUANTITY.exec(String(text).trim());
	if (!m) {
		throw new InvalidInputError(
			`${field} is not a Kubernetes quantity (e.g. 512Mi, 2Gi, 1e9): ${JSON.stringify(text)}`,
			field,
		);
	}
	const n = Number(m[1]);
	if (m[3] !== undefined) return n * 10 ** Number(m[3]);
	const suffix = m[2] ?? '';
	return n * (BINARY[suffix] ?? DECIMAL[suffix]);
}

/** Bytes as the shortest exact binary quantity (3Gi, 768Mi, 1536Ki), else plain bytes. */
export function formatMemory(bytes: number): string {
	const whole = Math.ceil(bytes);
	for (const [suffix, unit] of [
		['Gi', 2 ** 30],
		['Mi', 2 ** 20],
		['Ki', 2 ** 10],
	] as const) {
		if (whole >= unit && whole % unit === 0) return `${whole / unit}${suffix}`;
	}
	return String(whole);
}

const MI = 2 ** 20;

export interface MemoryCap {
	/** Where the cap comes from, in words (e.g. "app policy max-memory"). */
	source: string;
	/** The highest memory limit this source allows for the container, in bytes. */
	bytes: number;
}

export interface ContainerMemory {
	name: string;
	limit?: string;
	request?: string;
}

/** The parts of a LimitRange item (`spec.limits[]`) that bound a container's memory. */
export interface LimitRangeItem {
	type?: string;
	max?: Record<string, string>;
	maxLimitRequestRatio?: Record<string, string>;
}

export interface QuotaStatus {
	name: string;
	hard: Record<string, string>;
	used: Record<string, string>;
}

export interface RaiseInput {
	container: ContainerMemory;
	/** The workload's other containers (for a LimitRange Pod max). */
	otherContainers: ContainerMemory[];
	/** Pods the workload runs (each new pod needs the raise from the quota). */
	replicas: number;
	factor: number;
	policyMax?: string;
	limitRanges: { name: string; limits: LimitRangeItem[] }[];
	quotas: QuotaStatus[];
}

export type RaiseResult =
	| {
			ok: true;
			from: string;
			to: string;
			fromBytes: number;
			toBytes: number;
			/** The caps that applied, lowest first; `limitedBy` names the one that bit, if any. */
			caps: MemoryCap[];
			limitedBy: string | null;
	  }
	| { ok: false; code: 'no_memory_limit' | 'at_memory_ceiling'; reason: string; caps: MemoryCap[] };

/** Every ceiling on the container's memory limit that the namespace and the policy impose. */
export function memoryCaps(input: RaiseInput): MemoryCap[] {
	const caps: MemoryCap[] = [];
	const c = input.container;
	if (input.policyMax)
		caps.push({
			source: 'app policy max-memory',
			bytes: parseQuantity(input.policyMax, 'max-memory'),
		});
	const request = c.request ? parseQuantity(c.request, 'resources.requests.memory') : undefined;
	for (const lr of input.limitRanges) {
		for (const item of lr.limits) {
			const max = item.max?.memory;
			if (item.type === 'Container' && max) {
				caps.push({
					source: `LimitRange ${lr.name} Container max ${max}`,
					bytes: parseQuantity(max),
				});
			}
			if (item.type === 'Pod' && max) {
				const others = input.otherContainers.reduce(
					(sum, o) => sum + (o.limit ? parseQuantity(o.limit) : 0),
					0,
				);
				caps.push({
					source: `LimitRange ${lr.name} Pod max ${max}`,
					bytes: parseQuantity(max) - others,
				});
			}
			const ratio = item.maxLimitRequestRatio?.memory;
			if (item.type === 'Container' && ratio && request !== undefined) {
				caps.push({
					source: `LimitRange ${lr.name} maxLimitRequestRatio ${ratio} over the request ${c.request}`,
					bytes: request * parseQuantity(ratio),
				});
			}
		}
	}
	const current = c.limit ? parseQuantity(c.limit) : 0;
	const pods = Math.max(1, input.replicas);
	for (const q of input.quotas) {
		const hard = q.hard['limits.memory'];
		if (hard === undefined) continue;
		const left = parseQuantity(hard) - parseQuantity(q.used['limits.memory'] ?? '0');
		caps.push({
			source: `ResourceQuota ${q.name} leaves ${formatMemory(Math.max(0, left))} of limits.memory for ${pods} pod(s)`,
			bytes: current + Math.max(0, left) / pods,
		});
	}
	return caps.sort((a, b) => a.bytes - b.bytes);
}

/**
 * The new memory limit: ⌈current × factor⌉ to a whole Mi, then the lowest cap. The request is
 * left alone (it stays ≤ the limit, which only grows). Refuses when the container has no
 * limit, or when the caps leave no room above the current limit.
 */
export function planMemoryRaise(input: RaiseInput): RaiseResult {
	if (!(input.factor > 1)) {
		throw new InvalidInputError(
			`the memory factor must be greater than 1, got ${input.factor}`,
			'factor',
		);
	}
	const caps = memoryCaps(input);
	const c = input.container;
	if (!c.limit) {
		return {
			ok: false,
			code: 'no_memory_limit',
			reason: `container ${c.name} has no memory limit: an OOMKill then comes from node memory pressure, which a higher limit does not fix`,
			caps,
		};
	}
	const from = parseQuantity(c.limit, 'resources.limits.memory');
	const wanted = Math.ceil((from * input.factor) / MI) * MI;
	const lowest = caps[0];
	// a cap is taken down to a whole Mi, so the new limit reads as a plain quantity
	const to = lowest && lowest.bytes < wanted ? Math.floor(lowest.bytes / MI) * MI : wanted;
	if (to <= from) {
		return {
			ok: false,
			code: 'at_memory_ceiling',
			reason: `container ${c.name}'s memory limit ${c.limit} is already at its ceiling (${lowest.source}): no room to raise it`,
			caps,
		};
	}
	return {
		ok: true,
		from: c.limit,
		to: formatMemory(to),
		fromBytes: from,
		toBytes: to,
		caps,
		limitedBy: lowest && lowest.bytes < wanted ? lowest.source : null,
	};
}
