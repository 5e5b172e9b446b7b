import fc from 'fast-check';

import { InvalidInputError } from '../../../lib/errors';
import { analyzeBaseline, parseQuantiles, stddevOverTime } from '../../../lib/trend';
import { regular, win } from './helpers';

describe('Baseline analysis', () => {
	it('reports mean, population stddev, quantiles, deviation in sigma and anomaly above k', () => {
		const b = analyzeBaseline(regular([10, 10, 10, 10, 10, 10, 10, 10, 10, 30]), {
			k: 2,
			quantiles: [0.5, 0.9],
		});
		expect(b.samples).toBe(10);
		expect(b.current).toBe(30);
		expect(b.mean).toBe(12);
		expect(b.stddev).toBe(6);
		expect(b.deviationSigma).toBe(3);
		expect(b.anomaly).toBe(true);
		expect(b.quantiles.map((x) => x.q)).toEqual([0.5, 0.9]);
		expect(b.quantiles[0].value).toBe(10);
		expect(b.quantiles[1].value).toBeCloseTo(12, 12); // rank 0.9 × 9 = 8.100000000000001
		expect(
			analyzeBaseline(regular([10, 10, 10, 10, 10, 10, 10, 10, 10, 30]), { k: 3, quantiles: [] })
				.anomaly,
		).toBe(false);
	});

	it('is not an anomaly at exactly k sigma (above means strictly above)', () => {
		expect(
			analyzeBaseline(regular([10, 10, 10, 10, 10, 10, 10, 10, 10, 30]), { k: 3, quantiles: [] })
				.deviationSigma,
		).toBe(3);
	});

	it('handles flat baselines and empty windows with defined values', () => {
		const flat = analyzeBaseline(regular([4, 4, 4]), { k: 3, quantiles: [0.5] });
		expect(flat.stddev).toBe(0);
		expect(flat.deviationSigma).toBe(0);
		expect(flat.anomaly).toBe(false);
		const empty = analyzeBaseline(win([]), { k: 3, quantiles: [0.5] });
		expect(empty).toMatchObject({
			samples: 0,
			current: undefined,
			mean: undefined,
			deviationSigma: undefined,
			anomaly: false,
		});
		expect(empty.quantiles).toEqual([{ q: 0.5, value: undefined }]);
		const nan = analyzeBaseline(regular([1, NaN, 2]), { k: 3, quantiles: [] });
		expect(nan.deviationSigma).toBeNaN();
		expect(nan.anomaly).toBe(false);
	});

	it('compares with the same hour of day only, in the given time zone', () => {
		// three days of hourly samples: 100 at 09:00 Taipei (01:00 UTC), 10 at every other hour
		const samples: Array<[number, number]> = [];
		for (let h = 0; h < 72; h++) samples.push([h * 3600, h % 24 === 1 ? 100 : 10]);
		samples.push([72 * 3600 + 3600, 103]); // day 4, 01:00 UTC = 09:00 Asia/Taipei
		const w = win(samples);
		const byHour = analyzeBaseline(w, {
			k: 3,
			quantiles: [],
			hourOfDay: { timeZone: 'Asia/Taipei' },
		});
		expect(byHour.hour).toBe(9);
		expect(byHour.samples).toBe(4);
		expect(byHour.mean).toBe(100.75);
		expect(byHour.anomaly).toBe(false);
		const utc = analyzeBaseline(w, { k: 3, quantiles: [], hourOfDay: { timeZone: 'UTC' } });
		expect(utc.hour).toBe(1);
		const overall = analyzeBaseline(w, { k: 3, quantiles: [] });
		expect(overall.anomaly).toBe(true); // against all hours, 103 is far out
	});

	it('refuses an unknown time zone by name', () => {
		expect(() =>
			analyzeBaseline(regular([1]), {
				k: 3,
				quantiles: [],
				hourOfDay: { timeZone: 'Mars/Olympus' },
			}),
		).toThrow(InvalidInputError);
	});

	it('parses the quantile list', () => {
		expect(parseQuantiles('0.5, 0.9,0.99')).toEqual([0.5, 0.9, 0.99]);
		expect(parseQuantiles('')).toEqual([]);
		expect(() => parseQuantiles('0.5, p99')).toThrow(/quantiles: "p99"/);
	});

	it('deviation times stddev gives back the distance from the mean (property)', () => {
		fc.assert(
			fc.property(
				fc.array(fc.double({ min: -1e4, max: 1e4, noNaN: true }), { minLength: 2, maxLength: 50 }),
				(values) => {
					const b = analyzeBaseline(regular(values), { k: 3, quantiles: [] });
					const sd = stddevOverTime(regular(values))!;
					if (sd > 1e-9) {
						const back = b.deviationSigma! * sd;
						expect(Math.abs(back - (b.current! - b.mean!))).toBeLessThanOrEqual(
							1e-6 * (1 + Math.abs(b.current! - b.mean!)),
						);
						expect(b.anomaly).toBe(Math.abs(b.deviationSigma!) > 3);
					}
				},
			),
		);
	});
});
