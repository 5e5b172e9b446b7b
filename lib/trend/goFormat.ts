// Go's fmt `%f` (6 decimals), which Prometheus uses in some of its error texts: exact decimal
// rounding, ties to even, a sign on negative zero, `NaN`, `+Inf`, `-Inf`, never an exponent.

export function formatGoF6(x: number): string {
	if (Number.isNaN(x)) return 'NaN';
	if (x === Infinity) return '+Inf';
	if (x === -Infinity) return '-Inf';
	const negative = x < 0 || Object.is(x, -0);
	const a = Math.abs(x);
	let text: string;
	if (a >= 1e21) {
		// JS switches to exponent notation here; the double is an integer, BigInt prints it exactly
		text = `${BigInt(a)}.000000`;
	} else {
		text = a.toFixed(6);
		// toFixed breaks exact ties upwards; Go breaks them to even. A tie at the 7th decimal can
		// only happen for a dyadic value with exactly 7 decimals, which toFixed(60) shows exactly.
		const long = a.toFixed(60);
		const dot = long.indexOf('.');
		if (long[dot + 7] === '5' && /^0*$/.test(long.slice(dot + 8))) {
			const truncated = long.slice(0, dot + 7);
			const lastDigit = Number(truncated[truncated.length - 1]);
			if (lastDigit % 2 === 0) text = truncated;
		}
	}
	return (negative ? '-' : '') + text;
}
