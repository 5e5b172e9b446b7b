// Alert times as instants, not spellings. Alertmanager marshals Go time.Time as RFC 3339 with
// up to nine fraction digits and the zone it runs in; one firing may thus arrive as
// `…16:24:53.592+01:00` or `…15:24:53.592000000Z`. Identity uses the canonical spelling:
// UTC, `Z`, fraction digits as Go's RFC3339Nano prints them (trailing zeros dropped), so what a
// UTC Alertmanager sends is already canonical and keeps its occurrence id.

const RFC3339 =
	/^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?([Zz]|[+-]\d{2}:\d{2})?$/;

export type InstantResult =
	| { ok: true; canonical: string; ms: number }
	| { ok: false; reason: string };

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysInMonth(year: number, month: number): number {
	const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
	return month === 2 && leap ? 29 : MONTH_DAYS[month - 1];
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** Parses an RFC 3339 timestamp into its canonical UTC spelling and epoch milliseconds. */
export function parseInstant(text: unknown): InstantResult {
	if (typeof text !== 'string')
		return { ok: false, reason: `must be an RFC 3339 timestamp string, got ${typeof text}` };
	const m = RFC3339.exec(text);
	if (!m)
		return {
			ok: false,
			reason: `must be an RFC 3339 timestamp, got ${JSON.stringify(text.slice(0, 64))}`,
		};
	if (m[8] === undefined)
		return { ok: false, reason: `has no UTC offset (Z or ±hh:mm): ${JSON.stringify(text)}` };
	const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number);
	if (year < 1)
		return { ok: false, reason: `is in year ${m[1]}, before any time Alertmanager can send` };
	if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month))
		return { ok: false, reason: `is not a calendar date: ${JSON.stringify(text)}` };
	if (hour > 23 || minute > 59 || second > 59)
		return { ok: false, reason: `is not a time of day: ${JSON.stringify(text)}` };
	let offsetMinutes = 0;
	const zone = m[8];
	if (zone !== 'Z' && zone !== 'z') {
		const oh = Number(zone.slice(1, 3));
		const om = Number(zone.slice(4, 6));
		if (oh > 23 || om > 59) return { ok: false, reason: `has an impossible UTC offset ${zone}` };
		offsetMinutes = (zone[0] === '-' ? -1 : 1) * (oh * 60 + om);
	}
	const local = new Date(0);
	local.setUTCFullYear(year, month - 1, day);
	local.setUTCHours(hour, minute - offsetMinutes, second, 0);
	const wholeMs = local.getTime();
	const utcYear = local.getUTCFullYear();
	if (!Number.isFinite(wholeMs) || utcYear < 1 || utcYear > 9999)
		return {
			ok: false,
			reason: `is outside the years 0001–9999 once in UTC: ${JSON.stringify(text)}`,
		};
	const fraction = (m[7] ?? '').replace(/0+$/, '');
	const canonical =
		`${pad(utcYear, 4)}-${pad(local.getUTCMonth() + 1)}-${pad(local.getUTCDate())}` +
		`T${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}:${pad(local.getUTCSeconds())}` +
		`${fraction ? '.' + fraction : ''}Z`;
	return { ok: true, canonical, ms: wholeMs + Number((m[7] ?? '').padEnd(3, '0').slice(0, 3)) };
}

/** The canonical spelling of an instant, or the text unchanged when it is not one. */
export function canonicalInstant(text: string): string {
	const parsed = parseInstant(text);
	return parsed.ok ? parsed.canonical : text;
}
