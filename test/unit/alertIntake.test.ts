// The intake's decisions at unit level: time as an instant, labels as data, what is accepted
// with a warning and what is refused (the delivery, or one alert alone), and the transport
// (size, Content-Encoding, charset, JSON) with the status and header each refusal names.
import fc from 'fast-check';
import { deflateRawSync, deflateSync, gzipSync } from 'node:zlib';

import {
	decodeDelivery,
	DeliveryError,
	deriveAlertFields,
	labelSetFingerprint,
	parseInstant,
	readAlertmanagerDelivery,
} from '../../lib/alerts';

// prometheus/common's FNV-1a 64 written the obvious way, to check the fast one against
function referenceFingerprint(labels: Record<string, string>): string {
	let hash = 0xcbf29ce484222325n;
	const add = (byte: number) => {
		hash ^= BigInt(byte);
		hash = (hash * 0x100000001b3n) & 0xffffffffffffffffn;
	};
	const names = Object.keys(labels).sort((a, b) =>
		Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8')),
	);
	for (const name of names) {
		for (const byte of Buffer.from(name, 'utf8')) add(byte);
		add(0xff);
		for (const byte of Buffer.from(labels[name], 'utf8')) add(byte);
		add(0xff);
	}
	return hash.toString(16).padStart(16, '0');
}

const alert = (extra: Record<string, unknown> = {}) => ({
	status: 'firing',
	labels: { alertname: 'KubePodCrashLooping', namespace: 'shop', pod: 'cart-7d4b9c6f8-x2x9z' },
	annotations: { summary: 'cart restarts' },
	startsAt: '2026-03-01T15:24:53.592Z',
	endsAt: '0001-01-01T00:00:00Z',
	...extra,
});
const delivery = (alerts: unknown[], extra: Record<string, unknown> = {}) => ({
	version: '4',
	receiver: 'n8n',
	status: 'firing',
	groupKey: '{}:{alertname="KubePodCrashLooping"}',
	truncatedAlerts: 0,
	alerts,
	...extra,
});

describe('time as an instant', () => {
	it('gives one occurrence for Z, +01:00 and nanosecond spellings of one instant', () => {
		const labels = { alertname: 'A', pod: 'p' };
		const ids = [
			'2026-03-01T15:24:53.592Z',
			'2026-03-01T16:24:53.592+01:00',
			'2026-03-01T15:24:53.592000000Z',
			'2026-03-01t10:24:53.5920-05:00',
		].map((s) => deriveAlertFields(labels, s).occurrence_id);
		expect(new Set(ids)).toEqual(
			new Set([`${labelSetFingerprint(labels)}@2026-03-01T15:24:53.592Z`]),
		);
	});

	it('keeps full precision: nanoseconds apart are two occurrences', () => {
		const labels = { alertname: 'A' };
		const a = deriveAlertFields(labels, '2026-03-01T15:24:53.592000001Z').occurrence_id;
		const b = deriveAlertFields(labels, '2026-03-01T15:24:53.592000002Z').occurrence_id;
		expect(a).not.toBe(b);
		expect(a).toMatch(/@2026-03-01T15:24:53\.592000001Z$/);
	});

	it('leaves what a UTC Alertmanager sends (RFC3339Nano) unchanged', () => {
		fc.assert(
			fc.property(
				fc.date({ min: new Date('1970-01-01'), max: new Date('9999-12-31') }),
				fc.nat(999999),
				(d, extra) => {
					if (Number.isNaN(d.getTime())) return;
					const frac = (
						String(d.getUTCMilliseconds()).padStart(3, '0') + String(extra).padStart(6, '0')
					).replace(/0+$/, '');
					const text = d.toISOString().slice(0, 19) + (frac ? `.${frac}` : '') + 'Z';
					const parsed = parseInstant(text);
					expect(parsed).toMatchObject({ ok: true, canonical: text, ms: Math.floor(d.getTime()) });
				},
			),
		);
	});

	it('agrees with Date.parse on the millisecond for any offset', () => {
		fc.assert(
			fc.property(
				fc.date({ min: new Date('1971-01-01'), max: new Date('9998-12-31') }),
				fc.integer({ min: -14 * 60, max: 14 * 60 }),
				(d, offset) => {
					if (Number.isNaN(d.getTime())) return;
					const local = new Date(d.getTime() + offset * 60000).toISOString().slice(0, 23);
					const sign = offset < 0 ? '-' : '+';
					const abs = Math.abs(offset);
					const text = `${local}${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
					const parsed = parseInstant(text);
					expect(parsed.ok && parsed.ms).toBe(d.getTime());
					expect(parsed.ok && Date.parse(parsed.canonical)).toBe(d.getTime());
				},
			),
		);
	});

	it.each([
		['2026-03-01T15:24:53', /no UTC offset/],
		['0000-01-01T00:00:00Z', /year 0000/],
		['2026-02-30T00:00:00Z', /not a calendar date/],
		['2026-03-01T24:00:00Z', /not a time of day/],
		['2026-03-01T10:00:00+25:00', /impossible UTC offset/],
		['0001-01-01T00:30:00+01:00', /outside the years/],
		['yesterday', /RFC 3339/],
	])('refuses %s', (text, reason) => {
		const parsed = parseInstant(text);
		expect(parsed.ok).toBe(false);
		expect(!parsed.ok && parsed.reason).toMatch(reason);
	});
});

describe('labels are data', () => {
	it('computes the fingerprint bit for bit as prometheus/common for any label set', () => {
		fc.assert(
			fc.property(
				fc.dictionary(
					fc.oneof(
						fc.string({ unit: 'grapheme' }),
						fc.constantFrom('__proto__', 'constructor', 'toString'),
					),
					fc.string({ unit: 'grapheme', maxLength: 40 }),
				),
				(labels) => {
					const map = Object.assign(Object.create(null), labels) as Record<string, string>;
					expect(labelSetFingerprint(map)).toBe(referenceFingerprint(map));
				},
			),
			{ numRuns: 300 },
		);
	});

	it('keeps __proto__, constructor and UTF-8 label names byte for byte on the item', () => {
		const raw = JSON.parse(
			'{"version":"4","alerts":[{"status":"firing","startsAt":"2026-03-01T15:24:53Z","labels":{"alertname":"A","__proto__":"x","constructor":"y","ñámé_ß":"z"},"annotations":{"__proto__":"note"}}]}',
		);
		const { alerts } = readAlertmanagerDelivery(raw);
		const [item] = alerts;
		expect(Object.keys(item.labels)).toEqual(['alertname', '__proto__', 'constructor', 'ñámé_ß']);
		expect(item.labels['__proto__']).toBe('x');
		expect(Object.keys(item.dedupedLabels)).toEqual(Object.keys(item.labels));
		expect(item.annotations['__proto__']).toBe('note');
		const expected = referenceFingerprint({
			alertname: 'A',
			['__proto__']: 'x',
			constructor: 'y',
			ñámé_ß: 'z',
		});
		expect(item.fingerprint).toBe(expected);
		expect(item.alert_fingerprint).toBe(expected);
		// what n8n stores and the next node reads: JSON keeps them as own keys
		expect(Object.keys(JSON.parse(JSON.stringify(item)).labels)).toContain('__proto__');
	});
});

describe('odd but meaningful input is accepted with a warning', () => {
	it.each([
		['version as the number 4', delivery([alert()], { version: 4 }), /version was the number 4/],
		[
			'a numeric annotation value',
			delivery([alert({ annotations: { value: 97.5 } })]),
			/annotations\.value was a number/,
		],
		[
			'a garbage fingerprint',
			delivery([alert({ fingerprint: 'zz-not-hex' })]),
			/does not match the labels; recomputed/,
		],
		[
			'a negative truncatedAlerts',
			delivery([alert()], { truncatedAlerts: -3 }),
			/truncatedAlerts -3 is not a count/,
		],
		[
			'a string truncatedAlerts',
			delivery([alert()], { truncatedAlerts: '2' }),
			/truncatedAlerts was the text/,
		],
		['an unreadable endsAt', delivery([alert({ endsAt: 'soon' })]), /endsAt .*read as unset/],
	])('%s', (_name, body, warning) => {
		const { alerts, refused } = readAlertmanagerDelivery(body);
		expect(refused).toEqual([]);
		expect(alerts).toHaveLength(1);
		expect(alerts[0].warnings?.join('\n')).toMatch(warning);
	});

	it('a 1 MB label value, unchanged', () => {
		const big = 'v'.repeat(1024 * 1024);
		const { alerts } = readAlertmanagerDelivery(
			delivery([alert({ labels: { alertname: 'A', big } })]),
		);
		expect(alerts[0].labels.big).toBe(big);
		expect(alerts[0].fingerprint).toBe(referenceFingerprint({ alertname: 'A', big }));
	});

	it('refuses one alert that cannot be an alert and keeps the others, saying so on them', () => {
		const { alerts, refused } = readAlertmanagerDelivery(
			delivery([alert(), alert({ startsAt: '0000-01-01T00:00:00Z' }), alert({ labels: {} }), 7]),
		);
		expect(alerts).toHaveLength(1);
		expect(refused.map((r) => r.field)).toEqual([
			'alerts[1].startsAt',
			'alerts[2].labels',
			'alerts[3]',
		]);
		expect(alerts[0].warnings?.join('\n')).toMatch(/3 alert\(s\) of this delivery were refused/);
	});

	it('refuses a startsAt without offset naming the field', () => {
		const { refused } = readAlertmanagerDelivery(
			delivery([alert({ startsAt: '2026-03-01T15:24:53' })]),
		);
		expect(refused).toEqual([
			expect.objectContaining({
				field: 'alerts[0].startsAt',
				message: expect.stringMatching(/alerts\[0\]\.startsAt has no UTC offset/),
			}),
		]);
	});

	it('reads a 10,000-alert group into 10,000 items with distinct occurrences', () => {
		const alerts = Array.from({ length: 10_000 }, (_, i) =>
			alert({
				labels: {
					alertname: 'Storm',
					namespace: 'shop',
					pod: `cart-7d4b9c6f8-${i}`,
					prometheus_replica: 'a',
				},
			}),
		);
		const { alerts: items } = readAlertmanagerDelivery(delivery(alerts));
		expect(items).toHaveLength(10_000);
		expect(new Set(items.map((i) => i.occurrence_id)).size).toBe(10_000);
	});
});

describe('transport', () => {
	const limit = 64 * 1024;
	const json = Buffer.from(JSON.stringify(delivery([alert()])));
	const decode = (
		bytes: Buffer,
		headers: { contentType?: string; contentEncoding?: string } = {},
	) => decodeDelivery(bytes, { contentType: 'application/json', ...headers }, limit);
	const refusal = (fn: () => unknown) => {
		try {
			fn();
		} catch (error) {
			expect(error).toBeInstanceOf(DeliveryError);
			const e = error as DeliveryError;
			return { status: e.status, field: e.field, message: e.message };
		}
		throw new Error('not refused');
	};

	it('decodes gzip and deflate (zlib and raw) when the body really is compressed', () => {
		for (const [bytes, coding] of [
			[gzipSync(json), 'gzip'],
			[gzipSync(json), 'x-gzip'],
			[deflateSync(json), 'deflate'],
			[deflateRawSync(json), 'deflate'],
			[json, 'identity'],
		] as const) {
			expect(
				(decode(bytes, { contentEncoding: coding }).value as { version: string }).version,
			).toBe('4');
		}
	});

	it.each([
		[
			'gzip on a plain body',
			() => decode(json, { contentEncoding: 'gzip' }),
			400,
			'Content-Encoding',
		],
		[
			'deflate on a plain body',
			() => decode(json, { contentEncoding: 'deflate' }),
			400,
			'Content-Encoding',
		],
		['br', () => decode(json, { contentEncoding: 'br' }), 415, 'Content-Encoding'],
		['a body over the limit', () => decode(Buffer.alloc(limit + 1, 0x20)), 413, 'body'],
		[
			'a gzip bomb',
			() => decode(gzipSync(Buffer.alloc(limit * 50, 0x20)), { contentEncoding: 'gzip' }),
			413,
			'body',
		],
		[
			'an unknown charset',
			() => decode(json, { contentType: 'application/json; charset=klingon' }),
			415,
			'Content-Type',
		],
		['broken JSON', () => decode(Buffer.from('{"version": "4", "alerts": [')), 400, 'body'],
		['an empty body', () => decode(Buffer.alloc(0)), 400, 'body'],
		[
			'HTML',
			() => decode(Buffer.from('<html></html>'), { contentType: 'text/html' }),
			415,
			'Content-Type',
		],
		[
			'deep nesting',
			() => decode(Buffer.from('['.repeat(10_000) + ']'.repeat(10_000))),
			400,
			'body',
		],
	])('refuses %s with the status and header or field', (_name, fn, status, field) => {
		const r = refusal(fn);
		expect(r).toMatchObject({ status, field });
		expect(r.message).toContain(field === 'body' ? (status === 413 ? '64 KB' : 'body') : field);
	});

	it('reads a UTF-8 BOM, UTF-16 and Latin-1 with a warning where it is odd', () => {
		const bom = decode(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), json]));
		expect(bom.warnings.join()).toMatch(/byte order mark/);
		const utf16 = Buffer.concat([
			Buffer.from([0xff, 0xfe]),
			Buffer.from(json.toString(), 'utf16le'),
		]);
		expect((decode(utf16).value as { version: string }).version).toBe('4');
		const latin1 = Buffer.from('{"version":"4","alerts":[],"receiver":"caf\xe9"}', 'latin1');
		expect(
			(
				decode(latin1, { contentType: 'application/json; charset=ISO-8859-1' }).value as {
					receiver: string;
				}
			).receiver,
		).toBe('café');
		const plain = decode(json, { contentType: 'text/plain' });
		expect(plain.warnings).toEqual([]);
		expect(
			decode(json, { contentType: 'application/x-www-form-urlencoded' }).warnings.join(),
		).toMatch(/not JSON/);
	});

	it('keeps the last of duplicate keys, as Go does, and prototype keys as data', () => {
		const value = decode(
			Buffer.from('{"version":"3","version":"4","__proto__":{"x":1},"alerts":[]}'),
		).value as Record<string, unknown>;
		expect(value.version).toBe('4');
		expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
		expect(Object.keys(value)).toContain('__proto__');
	});
});
