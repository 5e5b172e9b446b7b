// Times and durations written the way Prometheus' HTTP API accepts them, so users can paste
// what they already use: a duration is a float number of seconds (`90`, `0.5`) or a Prometheus
// duration (`1h30m`, `5m`, `1d`, `1w`, `1y` = 365d); a time is Unix seconds (fraction rounded to
// the millisecond) or RFC 3339.
import { InvalidInputError } from '../errors';

const UNIT_MS: Record<string, number> = {
	y: 365 * 24 * 3600_000,
	w: 7 * 24 * 3600_000,
	d: 24 * 3600_000,
	h: 3600_000,
	m: 60_000,
	s: 1000,
	ms: 1,
};
const DURATION = /^(?:(\d+)y)?(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?$/;
const FLOAT = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** A duration in milliseconds; `field` names the parameter in the error. */
export function parsePromDuration(text: string, field: string): number {
	const s = String(text).trim();
	if (FLOAT.test(s)) {
		const ms = Math.round(Number(s) * 1000);
		if (!Number.isFinite(ms) || ms < 0) {
			throw new InvalidInputError(`${field}: "${s}" is not a valid duration`, field);
		}
		return ms;
	}
	const m = DURATION.exec(s);
	if (!m || s === '') {
		throw new InvalidInputError(
			`${field}: cannot parse "${s}" to a valid duration (use seconds or e.g. 30s, 5m, 1h, 7d)`,
			field,
		);
	}
	const units = ['y', 'w', 'd', 'h', 'm', 's', 'ms'];
	let ms = 0;
	units.forEach((unit, i) => {
		if (m[i + 1] !== undefined) ms += Number(m[i + 1]) * UNIT_MS[unit];
	});
	return ms;
}

/** A time in ms since the epoch from Unix seconds (number or text) or an RFC 3339 text. */
export function parsePromTime(value: string | number, field: string): number {
	if (typeof value === 'number' || FLOAT.test(String(value).trim())) {
		const seconds = Number(value);
		if (!Number.isFinite(seconds)) {
			throw new InvalidInputError(`${field}: "${value}" is not a valid timestamp`, field);
		}
		// as Prometheus' parseTime: whole seconds, plus the fraction rounded to the millisecond
		const whole = Math.trunc(seconds);
		return whole * 1000 + Math.round((seconds - whole) * 1000);
	}
	const text = String(value).trim();
	const ms = /^\d{4}-\d{2}-\d{2}T/.test(text) ? Date.parse(text) : NaN;
	if (Number.isNaN(ms)) {
		throw new InvalidInputError(
			`${field}: cannot parse "${text}" to a valid timestamp (use Unix seconds or RFC 3339)`,
			field,
		);
	}
	return ms;
}
