import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import {
	AlertPayloadError,
	anomalyKey,
	canonicalSignatureJson,
	isAuthorized,
	labelSetFingerprint,
	matchesLabels,
	parseAlertmanagerWebhook,
	parseLabelMatchers,
	signatureFromLabels,
	workloadFromLabels,
	workloadFromPodName,
} from '../../lib/alerts';

const deliveries = JSON.parse(
	readFileSync(join(__dirname, '../fixtures/alertmanager/deliveries.json'), 'utf8'),
).deliveries as Array<{ body: Record<string, unknown> }>;

describe('labelSetFingerprint', () => {
	it.each([
		[{ alertname: 'HighLatency', service: 'api', severity: 'critical' }, '6a4f37c34a2d1e4b'],
		[
			{
				alertname: 'KubePodCrashLooping',
				namespace: 'prod',
				pod: 'web-7d4b9c-x2x9z',
				severity: 'warning',
			},
			'8980488afc449705',
		],
		[{ alertname: 'Watchdog' }, '003b0a0f7d3fa569'],
		[{}, 'cbf29ce484222325'],
		[{ a: 'b' }, 'd2b371819297f98a'],
		[{ a: '' }, 'e57e2e1903df23e2'],
		[{ name: 'garland, briggs', fear: 'love is not enough' }, '507a62d79ee76c9a'],
	])('matches prometheus/common for %j', (labels, expected) => {
		expect(labelSetFingerprint(labels as Record<string, string>)).toBe(expected);
	});

	it('reproduces every fingerprint a real Alertmanager sent in the recorded deliveries', () => {
		let checked = 0;
		for (const delivery of deliveries) {
			for (const alert of delivery.body.alerts as Array<{
				labels: Record<string, string>;
				fingerprint: string;
			}>) {
				expect(labelSetFingerprint(alert.labels)).toBe(alert.fingerprint);
				checked++;
			}
		}
		expect(checked).toBeGreaterThan(10);
	});

	it('does not depend on the order labels arrive in', () => {
		fc.assert(
			fc.property(fc.dictionary(fc.string({ minLength: 1 }), fc.string()), (labels) => {
				const reversed = Object.fromEntries(Object.entries(labels).reverse());
				expect(labelSetFingerprint(reversed)).toBe(labelSetFingerprint(labels));
			}),
		);
	});
});

const safe = fc.constantFrom(...'bcdfghjklmnpqrstvwxz2456789'.split(''));
const dnsLabel = fc
	.array(fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789'.split('')), {
		minLength: 1,
		maxLength: 12,
	})
	.map((c) => c.join(''))
	.filter((s) => /^[a-z]/.test(s));
const workloadName = fc.array(dnsLabel, { minLength: 1, maxLength: 4 }).map((p) => p.join('-'));

describe('workload', () => {
	it('maps any Deployment pod name to its Deployment', () => {
		fc.assert(
			fc.property(
				workloadName,
				fc.array(safe, { minLength: 6, maxLength: 10 }),
				fc.array(safe, { minLength: 5, maxLength: 5 }),
				(name, hash, suffix) => {
					expect(workloadFromPodName(`${name}-${hash.join('')}-${suffix.join('')}`)).toBe(name);
				},
			),
		);
	});

	it('maps StatefulSet and DaemonSet pods to their controller', () => {
		// A controller whose own last segment looks like a pod-template-hash is ambiguous by nature
		const notHashLike = workloadName.filter(
			(n) => !/-[a-z0-9]{6,10}$/.test(n) || /[aeiou][^-]*$/.test(n),
		);
		fc.assert(
			fc.property(
				notHashLike,
				fc.nat(500),
				fc.array(safe, { minLength: 5, maxLength: 5 }),
				(name, ordinal, suffix) => {
					expect(workloadFromPodName(`${name}-${ordinal}`)).toBe(name);
					expect(workloadFromPodName(`${name}-${suffix.join('')}`)).toBe(name);
				},
			),
		);
	});

	it('keeps names that are not generated', () => {
		expect(workloadFromPodName('node-exporter')).toBe('node-exporter');
		expect(workloadFromPodName('redis-cache')).toBe('redis-cache');
		expect(workloadFromPodName('ledger-85d4b7c9f-q2w3e')).toBe('ledger');
	});

	it('prefers explicit workload labels, then pod, then service, then job', () => {
		expect(workloadFromLabels({ deployment: 'api', pod: 'x-1' })).toBe('api');
		expect(workloadFromLabels({ statefulset: 'db', pod: 'db-0' })).toBe('db');
		expect(workloadFromLabels({ pod: 'db-0', service: 'svc' })).toBe('db');
		expect(workloadFromLabels({ service: 'svc', job: 'j' })).toBe('svc');
		expect(workloadFromLabels({ job: 'kube-state-metrics' })).toBe('kube-state-metrics');
		expect(workloadFromLabels({})).toBe('');
	});
});

describe('signature and anomaly_key', () => {
	it('hashes the canonical JSON like the seed (Python json.dumps sort_keys)', () => {
		const sig = signatureFromLabels({
			alertname: 'A',
			namespace: 'n',
			deployment: 'w',
			container: 'c',
			reason: 'OOMKilled',
		});
		expect(canonicalSignatureJson(sig)).toBe(
			'{"alert_name": "A", "container": "c", "error_type": "OOMKilled", "namespace": "n", "workload": "w"}',
		);
		// sha256 of that exact string, computed independently with Python's hashlib
		expect(anomalyKey(sig)).toMatch(/^[0-9a-f]{16}$/);
		expect(canonicalSignatureJson({ a: '中' })).toBe('{"a": "\\u4e2d"}');
	});

	it('never changes with a replica label or a volatile label', () => {
		fc.assert(
			fc.property(
				fc.record({ alertname: dnsLabel, namespace: dnsLabel, deployment: dnsLabel }),
				fc.string(),
				fc.string(),
				(labels, replica, instance) => {
					const body = (extra: Record<string, string>) => ({
						version: '4',
						alerts: [
							{
								status: 'firing',
								labels: { ...labels, ...extra },
								startsAt: '2026-01-01T00:00:00Z',
							},
						],
					});
					const [a] = parseAlertmanagerWebhook(body({}));
					const [b] = parseAlertmanagerWebhook(
						body({ prometheus_replica: replica, instance, pod: `${labels.deployment}-0` }),
					);
					expect(b.anomaly_key).toBe(a.anomaly_key);
				},
			),
		);
	});
});

describe('parseAlertmanagerWebhook', () => {
	it('gives one item per alert with the group fields and derived fields', () => {
		const items = parseAlertmanagerWebhook(deliveries[0].body);
		expect(items).toHaveLength(3);
		const [first, second, replica] = items;
		expect(first).toMatchObject({
			status: 'firing',
			receiver: 'n8n',
			groupKey: '{}:{alertname="KubePodNotReady", namespace="payments"}',
			groupLabels: { alertname: 'KubePodNotReady', namespace: 'payments' },
			externalURL: 'http://vm:19093',
			fingerprint: '97a67da4a58ea011',
			workload: 'checkout',
			signature: {
				alert_name: 'KubePodNotReady',
				namespace: 'payments',
				workload: 'checkout',
				container: 'checkout',
				error_type: 'CrashLoopBackOff',
			},
		});
		expect(first.dedupedLabels).not.toHaveProperty('prometheus_replica');
		expect(new Set(items.map((i) => i.anomaly_key)).size).toBe(1);
		// two replicas of the same pod's alert are one occurrence; the other pod is another
		expect(replica.occurrence_id).toBe(second.occurrence_id);
		expect(first.occurrence_id).not.toBe(second.occurrence_id);
		expect(first.warnings).toBeUndefined();
	});

	it('the recorded deliveries hold 2 occurrences of the crash-looping Deployment', () => {
		const all = deliveries.flatMap((d) => parseAlertmanagerWebhook(d.body));
		const crash = all.filter(
			(a) => a.labels.alertname === 'KubePodNotReady' && a.status === 'firing',
		);
		expect(new Set(crash.map((a) => a.anomaly_key)).size).toBe(1);
		expect(new Set(crash.map((a) => a.occurrence_id)).size).toBe(2);
	});

	it('warns on every item of a truncated group', () => {
		const truncated = deliveries.find((d) => (d.body.truncatedAlerts as number) > 0)!;
		const items = parseAlertmanagerWebhook(truncated.body);
		expect(items.length).toBeGreaterThan(0);
		for (const item of items) expect(item.warnings?.[0]).toMatch(/truncated.*2 alert/);
	});

	it('recomputes an absent fingerprint bit for bit', () => {
		const body = structuredClone(deliveries[0].body) as { alerts: Array<Record<string, unknown>> };
		const expected = body.alerts.map((a) => a.fingerprint);
		for (const a of body.alerts) delete a.fingerprint;
		expect(parseAlertmanagerWebhook(body).map((i) => i.fingerprint)).toEqual(expected);
	});

	it.each([
		['not an object', 'junk', 'body'],
		['wrong version', { version: '3', alerts: [] }, 'version'],
		['alerts not a list', { version: '4', alerts: {} }, 'alerts'],
		[
			'alert without labels',
			{ version: '4', alerts: [{ status: 'firing', startsAt: '2026-01-01T00:00:00Z' }] },
			'alerts[0].labels',
		],
		[
			'alert without startsAt',
			{ version: '4', alerts: [{ status: 'firing', labels: { a: 'b' } }] },
			'alerts[0].startsAt',
		],
		[
			'bad status',
			{
				version: '4',
				alerts: [{ status: 'x', labels: { a: 'b' }, startsAt: '2026-01-01T00:00:00Z' }],
			},
			'alerts[0].status',
		],
		[
			'label not a string',
			{
				version: '4',
				alerts: [{ status: 'firing', labels: { a: null }, startsAt: '2026-01-01T00:00:00Z' }],
			},
			'alerts[0].labels.a',
		],
		[
			'bad startsAt',
			{ version: '4', alerts: [{ status: 'firing', labels: { a: 'b' }, startsAt: 'yesterday' }] },
			'alerts[0].startsAt',
		],
	])('rejects %s naming the field', (_name, body, field) => {
		try {
			parseAlertmanagerWebhook(body);
			expect.unreachable();
		} catch (error) {
			expect(error).toBeInstanceOf(AlertPayloadError);
			expect((error as AlertPayloadError).field).toBe(field);
			expect((error as Error).message).toContain(field);
		}
	});

	it('never throws anything but AlertPayloadError on arbitrary JSON', () => {
		fc.assert(
			fc.property(fc.jsonValue(), (value) => {
				try {
					parseAlertmanagerWebhook(value);
				} catch (error) {
					expect(error).toBeInstanceOf(AlertPayloadError);
				}
			}),
		);
	});
});

describe('label filters and receiver auth', () => {
	it('parses Alertmanager matchers and applies them', () => {
		const m = parseLabelMatchers(
			'severity=~"critical|warning", namespace!="kube-system"\nteam="a,b"',
		);
		expect(m).toHaveLength(3);
		expect(matchesLabels({ severity: 'critical', namespace: 'x', team: 'a,b' }, m)).toBe(true);
		expect(matchesLabels({ severity: 'info', namespace: 'x', team: 'a,b' }, m)).toBe(false);
		expect(matchesLabels({ severity: 'critical', namespace: 'kube-system', team: 'a,b' }, m)).toBe(
			false,
		);
		expect(() => parseLabelMatchers('sev~~x')).toThrow(/not a label matcher/);
		expect(parseLabelMatchers('')).toEqual([]);
	});

	it('checks bearer and basic auth', () => {
		expect(isAuthorized({ type: 'bearer', token: 't' }, 'Bearer t')).toBe(true);
		expect(isAuthorized({ type: 'bearer', token: 't' }, 'Bearer u')).toBe(false);
		expect(isAuthorized({ type: 'bearer', token: 't' }, undefined)).toBe(false);
		expect(isAuthorized({ type: 'bearer', token: '' }, 'Bearer ')).toBe(false);
		const basic = 'Basic ' + Buffer.from('am:pw').toString('base64');
		expect(isAuthorized({ type: 'basic', user: 'am', password: 'pw' }, basic)).toBe(true);
		expect(isAuthorized({ type: 'basic', user: 'am', password: 'px' }, basic)).toBe(false);
		expect(isAuthorized({ type: 'none' }, undefined)).toBe(true);
	});
});
