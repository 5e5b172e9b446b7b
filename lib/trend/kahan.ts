// Neumaier-compensated summation exactly as Prometheus 2.42's kahanSumInc: the compensation is
// kept apart and folded in by the caller. 2.42 has no ±Inf reset of the compensation (2.54 added
// one), so an infinite sum leaves c NaN, which the callers of 2.42 handle themselves.

/** A running compensated sum: `sum` is the plain running total, `c` the compensation. */
export class KahanSum {
	sum = 0;
	c = 0;

	add(inc: number): void {
		const t = this.sum + inc;
		if (Math.abs(this.sum) >= Math.abs(inc)) this.c += this.sum - t + inc;
		else this.c += inc - t + this.sum;
		this.sum = t;
	}
}
