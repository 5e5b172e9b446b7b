// Numbers in and out. Prometheus' API writes sample values as strings ("1.5", "NaN", "+Inf");
// items may carry either. Results go out as JSON numbers where finite and as Prometheus' own
// strings otherwise (JSON has no NaN or Infinity, and n8n would turn them into null).

/** A sample value from a number or a Prometheus value string; undefined if it is neither. */
export function parseSampleValue(value: unknown): number | undefined {
	if (typeof value === 'number') return value;
	if (typeof value !== 'string') return undefined;
	const s = value.trim();
	switch (s.toLowerCase()) {
		case 'nan':
			return NaN;
		case '+inf':
		case 'inf':
			return Infinity;
		case '-inf':
			return -Infinity;
	}
	if (s === '') return undefined;
	const n = Number(s);
	return Number.isNaN(n) ? undefined : n;
}

export type JsonNumber = number | 'NaN' | '+Inf' | '-Inf' | null;

/** A result for JSON: finite numbers as they are, NaN/±Inf as Prometheus writes them, no value as null. */
export function jsonNumber(x: number | undefined): JsonNumber {
	if (x === undefined) return null;
	if (Number.isNaN(x)) return 'NaN';
	if (x === Infinity) return '+Inf';
	if (x === -Infinity) return '-Inf';
	return x;
}
