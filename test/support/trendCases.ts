// Deterministic series for the Trend Predict parity tests: the shapes an SRE meets (noisy
// growth, random walks, daily/hourly seasonality, irregular scrapes, byte counters near 1e12,
// tiny ratios, flat lines, two lone points, a step change, NaN and Inf samples), all over the
// same six hours so that one PromQL query covers every case at one evaluation time.

/** 2023-11-14T22:13:20Z, a whole second */
export const BASE_MS = 1_700_000_000_000;
export const SPAN_MS = 6 * 3600_000;

export interface TrendCase {
	name: string;
	samples: Array<[number, number]>;
}

/** mulberry32: a small seeded PRNG, so every run sees the same series */
export function prng(seed: number): () => number {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

function gaussian(rand: () => number): () => number {
	return () => {
		const u = 1 - rand();
		return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
	};
}

function regular(
	stepMs: number,
	value: (i: number, seconds: number) => number,
): Array<[number, number]> {
	const out: Array<[number, number]> = [];
	for (let i = 0, t = BASE_MS; t <= BASE_MS + SPAN_MS; i++, t += stepMs) {
		out.push([t, value(i, (t - BASE_MS) / 1000)]);
	}
	return out;
}

export function trendCases(): TrendCase[] {
	const noise = gaussian(prng(42));
	let walk = 100;
	const irregular: Array<[number, number]> = [];
	const gapRand = prng(7);
	for (let t = BASE_MS + 37; t <= BASE_MS + SPAN_MS; t += 1 + Math.floor(gapRand() * 300_000)) {
		irregular.push([t, 10 + 0.001 * ((t - BASE_MS) / 1000) + 0.2 * noise()]);
	}
	return [
		{ name: 'noisy_linear', samples: regular(15_000, (_i, s) => 50 + 0.002 * s + noise()) },
		{ name: 'random_walk', samples: regular(30_000, () => (walk += noise())) },
		{
			name: 'seasonal',
			samples: regular(
				60_000,
				(_i, s) =>
					100 +
					20 * Math.sin((2 * Math.PI * s) / 7200) +
					5 * Math.sin((2 * Math.PI * s) / 600) +
					0.5 * noise(),
			),
		},
		{ name: 'irregular', samples: irregular },
		{ name: 'large', samples: regular(15_000, (i) => 1e12 + 12_345.678 * i + 1000 * noise()) },
		{ name: 'tiny', samples: regular(15_000, (i) => 3e-9 * (1 + 0.0005 * i + 0.1 * noise())) },
		{ name: 'constant', samples: regular(15_000, () => 42.5) },
		{
			name: 'two_points',
			samples: [
				[BASE_MS + 3 * 3600_000, 7.25],
				[BASE_MS + 3 * 3600_000 + 60_000, 9.5],
			],
		},
		{ name: 'step', samples: regular(30_000, (_i, s) => (s < 3 * 3600 ? 10 : 50)) },
		{
			name: 'with_nan',
			samples: regular(60_000, (i, s) => (i % 97 === 50 ? NaN : 5 + 0.01 * s + noise())),
		},
		{
			name: 'with_inf',
			samples: regular(60_000, (i) => (i === 200 ? Infinity : 1 + 0.1 * noise())),
		},
	];
}
