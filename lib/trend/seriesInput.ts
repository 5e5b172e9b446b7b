// A series given in an item: an array of [timestamp, value] pairs (the shape of Prometheus'
// API `values`) or of {t, v} objects. Timestamps are Unix seconds by default (fraction rounded to
// the millisecond) or milliseconds, or RFC 3339 strings; values are numbers or Prometheus value
// strings. A null value is an absent sample (like a stale marker: range functions skip it).
import { InvalidInputError } from '../errors';
import { parseSampleValue } from './numbers';
import { parsePromTime } from './promTime';
import type { Series } from './series';

export type TimestampUnit = 'seconds' | 'milliseconds';

function sampleTime(raw: unknown, unit: TimestampUnit, field: string): number {
	if (typeof raw === 'number' && unit === 'milliseconds') {
		if (!Number.isFinite(raw))
			throw new InvalidInputError(`${field}: timestamp is not finite`, field);
		return Math.round(raw);
	}
	if (typeof raw === 'number' || typeof raw === 'string') {
		if (
			unit === 'milliseconds' &&
			typeof raw === 'string' &&
			/^\s*[+-]?\d+(\.\d*)?\s*$/.test(raw)
		) {
			return Math.round(Number(raw));
		}
		return parsePromTime(raw, field);
	}
	throw new InvalidInputError(`${field}: timestamp must be a number or a string`, field);
}

/**
 * The samples of `raw` sorted by time. `field` names the item field in errors
 * (`values[3]: …`). Two samples at the same time are an error, as Prometheus refuses them.
 */
export function seriesFromJson(
	raw: unknown,
	field: string,
	unit: TimestampUnit = 'seconds',
): Series {
	if (!Array.isArray(raw)) {
		throw new InvalidInputError(
			`${field} must be an array of [timestamp, value] pairs or {t, v} objects`,
			field,
		);
	}
	const samples: Array<[number, number]> = [];
	raw.forEach((entry: unknown, i) => {
		const where = `${field}[${i}]`;
		let t: unknown;
		let v: unknown;
		if (Array.isArray(entry) && entry.length === 2) [t, v] = entry;
		else if (entry && typeof entry === 'object' && 't' in entry && 'v' in entry) {
			({ t, v } = entry as { t: unknown; v: unknown });
		} else {
			throw new InvalidInputError(
				`${where} is neither a [timestamp, value] pair nor a {t, v} object`,
				where,
			);
		}
		const ms = sampleTime(t, unit, where);
		if (v === null || v === undefined) return;
		const value = parseSampleValue(v);
		if (value === undefined) {
			throw new InvalidInputError(`${where}: value ${JSON.stringify(v)} is not a number`, where);
		}
		samples.push([ms, value]);
	});
	samples.sort((a, b) => a[0] - b[0]);
	const series: Series = {
		t: new Float64Array(samples.length),
		v: new Float64Array(samples.length),
	};
	samples.forEach(([t, v], i) => {
		if (i > 0 && t === samples[i - 1][0]) {
			throw new InvalidInputError(
				`${field}: two samples at the same time ${new Date(t).toISOString()}`,
				field,
			);
		}
		series.t[i] = t;
		series.v[i] = v;
	});
	return series;
}
