import {
	formatGoF6,
	jsonNumber,
	parsePromDuration,
	parsePromTime,
	parseSampleValue,
} from '../../../lib/trend';

describe("numbers, times and durations in Prometheus' notation", () => {
	it("formats like Go's %f: six decimals, ties to even, signed zero, NaN/±Inf", () => {
		expect(formatGoF6(1)).toBe('1.000000');
		expect(formatGoF6(0)).toBe('0.000000');
		expect(formatGoF6(-0)).toBe('-0.000000');
		expect(formatGoF6(-0.25)).toBe('-0.250000');
		expect(formatGoF6(0.1234564)).toBe('0.123456');
		expect(formatGoF6(0.0078125)).toBe('0.007812'); // exact tie: to even (JS toFixed says 0.007813)
		expect(formatGoF6(0.0234375)).toBe('0.023438');
		expect(formatGoF6(2.5e-7)).toBe('0.000000');
		expect(formatGoF6(1e21)).toBe('1000000000000000000000.000000');
		expect(formatGoF6(NaN)).toBe('NaN');
		expect(formatGoF6(Infinity)).toBe('+Inf');
		expect(formatGoF6(-Infinity)).toBe('-Inf');
	});

	it("reads sample values as numbers or Prometheus' strings", () => {
		expect(parseSampleValue('1.5')).toBe(1.5);
		expect(parseSampleValue('1e-07')).toBe(1e-7);
		expect(parseSampleValue('NaN')).toBeNaN();
		expect(parseSampleValue('+Inf')).toBe(Infinity);
		expect(parseSampleValue('-Inf')).toBe(-Infinity);
		expect(parseSampleValue(3)).toBe(3);
		expect(parseSampleValue('abc')).toBeUndefined();
		expect(parseSampleValue('')).toBeUndefined();
		expect(parseSampleValue(true)).toBeUndefined();
	});

	it('writes results as JSON numbers, NaN/±Inf as Prometheus strings, no value as null', () => {
		expect(jsonNumber(2.5)).toBe(2.5);
		expect(jsonNumber(NaN)).toBe('NaN');
		expect(jsonNumber(Infinity)).toBe('+Inf');
		expect(jsonNumber(-Infinity)).toBe('-Inf');
		expect(jsonNumber(undefined)).toBeNull();
	});

	it('parses durations as the Prometheus API does', () => {
		expect(parsePromDuration('1h30m', 'range')).toBe(5_400_000);
		expect(parsePromDuration('5m', 'range')).toBe(300_000);
		expect(parsePromDuration('1d', 'range')).toBe(86_400_000);
		expect(parsePromDuration('1w', 'range')).toBe(604_800_000);
		expect(parsePromDuration('1y', 'range')).toBe(365 * 86_400_000);
		expect(parsePromDuration('1500ms', 'range')).toBe(1500);
		expect(parsePromDuration('90', 'step')).toBe(90_000);
		expect(parsePromDuration('0.5', 'step')).toBe(500);
		expect(() => parsePromDuration('5 minutes', 'step')).toThrow(/step: cannot parse "5 minutes"/);
		expect(() => parsePromDuration('', 'range')).toThrow(/range/);
		expect(() => parsePromDuration('1m1h', 'range')).toThrow(/range/); // units in order only
		expect(() => parsePromDuration('-5', 'range')).toThrow(/range/);
	});

	it('parses times as Unix seconds (rounded to the ms) or RFC 3339', () => {
		expect(parsePromTime('1700000000.123', 'evaluationTime')).toBe(1_700_000_000_123);
		expect(parsePromTime(1435781451.781, 'evaluationTime')).toBe(1_435_781_451_781);
		expect(parsePromTime('1700000000.1234', 'evaluationTime')).toBe(1_700_000_000_123);
		expect(parsePromTime('2023-11-14T22:13:20.5Z', 'evaluationTime')).toBe(1_700_000_000_500);
		expect(parsePromTime('2023-11-15T06:13:20+08:00', 'evaluationTime')).toBe(1_700_000_000_000);
		expect(() => parsePromTime('yesterday', 'evaluationTime')).toThrow(
			/evaluationTime: cannot parse "yesterday"/,
		);
	});
});
