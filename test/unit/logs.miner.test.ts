import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { InvalidInputError } from '../../lib/errors';
import type { LineLearnResult } from '../../lib/logs/miner';
import { TemplateMiner } from '../../lib/logs/miner';
import { parseCsv, score } from '../../bench/loghub';

function learnAll(miner: TemplateMiner, lines: string[], start = 0): LineLearnResult[] {
	return lines.map((line, i) => miner.learn(line, start + i));
}

describe('TemplateMiner: learning', () => {
	it('keeps a template id while the template generalises, and gives the parameters', () => {
		const miner = new TemplateMiner();
		const first = miner.learn('Accepted password for root from 10.0.0.1 port 22 ssh2', 1);
		expect(first.created).toBe(true);
		expect(first.params).toEqual(['10.0.0.1', '22']);
		const second = miner.learn('Accepted password for backup.svc from 10.0.0.2 port 2222 ssh2', 2);
		expect(second.id).toBe(first.id);
		expect(second.created).toBe(false);
		expect(second.changed).toBe(true);
		expect(second.params).toEqual(['backup.svc', '10.0.0.2', '2222']);
		expect(miner.template(first.id)).toMatchObject({
			id: first.id,
			text: 'Accepted password for <*> from <*> port <*> ssh2',
			count: 2,
			firstSeen: 1,
			lastSeen: 2,
			sample: 'Accepted password for root from 10.0.0.1 port 22 ssh2',
		});
	});

	it('gives the same id to the same first line in any process', () => {
		const a = new TemplateMiner().learn('Started worker 7 in 120ms');
		const b = new TemplateMiner().learn('Started worker 99 in 3ms');
		expect(a.id).toBe(b.id);
		expect(a.id).toMatch(/^[0-9a-f]{12}$/);
	});

	it('tells events that differ in a word apart, until three words share the place', () => {
		const miner = new TemplateMiner();
		const init = miner.learn('Ending TrustedInstaller initialization.');
		const fin = miner.learn('Ending TrustedInstaller finalization.');
		expect(fin.id).not.toBe(init.id);
		expect(fin.created).toBe(true);
		const third = miner.learn('Ending TrustedInstaller cleanup.');
		expect(third.created).toBe(false);
		expect(third.id).toBe(init.id);
		expect(third.merged).toEqual([fin.id]);
		expect(miner.resolve(fin.id)).toBe(init.id);
		expect(miner.template(init.id)!.text).toBe('Ending TrustedInstaller <*>');
		expect(miner.templates()).toHaveLength(1);
	});

	it('takes the same name with another number for another instance, also where lines are routed', () => {
		const miner = new TemplateMiner();
		const sameTemplate = (a: string, b: string) => miner.learn(a).id === miner.learn(b).id;
		expect(
			sameTemplate(
				'CPU0: Intel(R) Xeon(TM) CPU 2.40GHz stepping 07',
				'CPU1: Intel(R) Xeon(TM) CPU 2.40GHz stepping 07',
			),
		).toBe(true);
		expect(sameTemplate('eth0: link up, 100Mbps', 'eth1: link up, 100Mbps')).toBe(true);
		// names that differ in their letters stay apart
		expect(
			sameTemplate(
				'open through proxy p.example.org:5070 HTTPS',
				'open through proxy p.example.org:5070 SOCKS5',
			),
		).toBe(false);
	});

	it('takes a word for a value where other lines of the template had values, in either order', () => {
		for (const lines of [
			['Invalid user 1234 from 10.0.0.1', 'Invalid user admin from 10.0.0.2'],
			['Invalid user admin from 10.0.0.2', 'Invalid user 1234 from 10.0.0.1'],
		]) {
			const miner = new TemplateMiner();
			const [a, b] = learnAll(miner, lines);
			expect(miner.resolve(a.id)).toBe(miner.resolve(b.id));
			expect(miner.templates()).toHaveLength(1);
		}
		const hosts = new TemplateMiner();
		const [ip, name] = learnAll(hosts, [
			'10.1.2.3:80 error : Could not connect to proxy',
			'wpad:80 error : Could not connect to proxy',
		]);
		expect(name.id).toBe(ip.id);
		expect(name.params).toEqual(['wpad:80']);
	});

	it('holds lines whose number of values differs in one template', () => {
		const miner = new TemplateMiner();
		const [a, b] = learnAll(miner, [
			'example.org:443 close, 1190 bytes (1.16 KB) sent, 1671 bytes (1.63 KB) received, lifetime 00:02',
			'example.org:443 close, 0 bytes sent, 0 bytes received, lifetime <1 sec',
		]);
		expect(b.id).toBe(a.id);
		expect(miner.template(a.id)!.text).toBe(
			'<*> close, <*> bytes (<*>) sent, <*> bytes (<*>) received, lifetime <*>',
		);
		expect(b.params).toEqual(['example.org:443', '0', '', '0', '', '<1 sec']);
	});

	it('keeps key=value keys when their values differ', () => {
		const miner = new TemplateMiner();
		const [a] = learnAll(miner, [
			'login ok user=root tty=ssh',
			'login ok user=ftp tty=ssh',
			'login ok user=www tty=ssh',
		]);
		expect(miner.template(a.id)!.text).toBe('login ok user=<*> tty=ssh');
		expect(miner.match('login ok user=alice tty=ssh')).toEqual({ id: a.id, params: ['alice'] });
		expect(miner.match('login ok group=alice tty=ssh')).toBeUndefined();
	});

	it('matches without learning', () => {
		const miner = new TemplateMiner();
		const { id } = miner.learn('Job 17 finished in 2.5 seconds');
		const before = JSON.stringify(miner.state());
		expect(miner.match('Job 18 finished in 0.1 seconds')).toEqual({
			id,
			params: ['18', '0.1 seconds'],
		});
		expect(miner.match('Disk full on /dev/sda1')).toBeUndefined();
		expect(JSON.stringify(miner.state())).toBe(before);
	});

	it('keeps at most maxClusters, evicting the least recently seen', () => {
		const miner = new TemplateMiner({ maxClusters: 2 });
		const a = miner.learn('alpha event happened', 1);
		const b = miner.learn('beta thing occurred here', 2);
		miner.learn('alpha event happened', 3);
		const c = miner.learn('gamma was observed today again', 4);
		expect(miner.size).toBe(2);
		expect(miner.evicted).toBe(1);
		expect(miner.resolve(a.id)).toBe(a.id);
		expect(miner.resolve(b.id)).toBeUndefined();
		expect(miner.resolve(c.id)).toBe(c.id);
	});

	it('looks at maxLineLength characters of a line', () => {
		const miner = new TemplateMiner({ maxLineLength: 20 });
		const a = miner.learn('request failed: 0x' + 'f'.repeat(100_000));
		const b = miner.learn('request failed: 0x' + 'a'.repeat(50) + ' and more');
		expect(b.id).toBe(a.id);
		expect(miner.template(a.id)!.sample.length).toBeLessThanOrEqual(1000);
	});

	it('rejects options out of range, naming them', () => {
		expect(() => new TemplateMiner({ similarityThreshold: 0 })).toThrow(InvalidInputError);
		expect(() => new TemplateMiner({ depth: 2 })).toThrow(/depth/);
		expect(() => new TemplateMiner({ maxClusters: 0 })).toThrow(/maxClusters/);
		expect(() => new TemplateMiner({ masks: ['nope'] })).toThrow(/masks/);
	});
});

// Lines from a handful of event types with random values, plus random free text.
const word = fc.constantFrom(
	'alice',
	'bob',
	'carol',
	'dave',
	'erin',
	'frank',
	'grace',
	'heidi',
	'ivan',
);
const lineArb = fc.oneof(
	fc
		.tuple(fc.ipV4(), fc.integer({ min: 1, max: 65535 }))
		.map(([ip, p]) => `Connection from ${ip} port ${p}`),
	fc.tuple(word, fc.ipV4()).map(([u, ip]) => `User ${u} logged in from ${ip}`),
	fc
		.tuple(fc.oneof(word, fc.nat(99).map(String)), fc.ipV4())
		.map(([u, ip]) => `Invalid user ${u} from ${ip}`),
	fc.tuple(word, fc.constantFrom('root', 'ftp', '7')).map(([k, v]) => `login ok ${k}=${v} tty=ssh`),
	fc.tuple(fc.nat(), fc.nat(5000)).map(([id, ms]) => `Job ${id} finished in ${ms}ms`),
	fc
		.tuple(fc.constantFrom('GET', 'POST'), fc.webPath(), fc.constantFrom(200, 404, 500))
		.map(([m, p, s]) => `${m} /api${p} ${s}`),
	fc.tuple(word, fc.uuid()).map(([w, u]) => `${w} failed to lock ${u}: timeout`),
	fc.constantFrom(
		'Ending TrustedInstaller initialization.',
		'Ending TrustedInstaller finalization.',
	),
	fc
		.array(fc.constantFrom('a', 'b', 'c', 'x=1', 'y=2', '42', 'z'), { minLength: 1, maxLength: 5 })
		.map((t) => t.join(' ')),
	fc.string({ maxLength: 40 }),
);
const linesArb = fc.array(lineArb, { minLength: 1, maxLength: 60 });

describe('TemplateMiner: laws', () => {
	it('a line always matches the template it produced, then and after everything else', () => {
		fc.assert(
			fc.property(linesArb, (lines) => {
				const miner = new TemplateMiner();
				const results = lines.map((line, i) => {
					const r = miner.learn(line, i);
					expect(miner.match(line)?.id).toBe(r.id);
					return r;
				});
				lines.forEach((line, i) =>
					expect(miner.match(line)?.id).toBe(miner.resolve(results[i].id)),
				);
			}),
			{ numRuns: 200 },
		);
	});

	it('replaying the same lines creates no template', () => {
		fc.assert(
			fc.property(linesArb, (lines) => {
				const miner = new TemplateMiner();
				learnAll(miner, lines);
				const templates = miner.templates().length;
				for (const r of learnAll(miner, lines, 1000)) expect(r.created).toBe(false);
				expect(miner.templates().length).toBe(templates);
			}),
			{ numRuns: 200 },
		);
	});

	it('ids stay stable as templates generalise: an id moves only when reported merged', () => {
		fc.assert(
			fc.property(linesArb, (lines) => {
				const miner = new TemplateMiner();
				const seen = new Set<string>();
				const moved = new Set<string>();
				for (const [i, line] of lines.entries()) {
					const r = miner.learn(line, i);
					seen.add(r.id);
					r.merged.forEach((id) => moved.add(id));
					for (const id of seen) {
						if (!moved.has(id)) expect(miner.resolve(id)).toBe(id);
						else expect(miner.resolve(id)).toBeDefined();
					}
				}
			}),
			{ numRuns: 200 },
		);
	});

	it('decides alike in every process: same lines, same state; a saved state decides as its miner', () => {
		fc.assert(
			fc.property(linesArb, linesArb, (first, then) => {
				const a = new TemplateMiner();
				const b = new TemplateMiner();
				learnAll(a, first);
				learnAll(b, first);
				const saved = JSON.parse(JSON.stringify(a.state()));
				expect(b.state()).toEqual(saved);
				const restored = new TemplateMiner({}, saved);
				expect(learnAll(restored, then, 500)).toEqual(learnAll(a, then, 500));
				expect(restored.state()).toEqual(a.state());
			}),
			{ numRuns: 150 },
		);
	});

	it('never holds more than maxClusters', () => {
		fc.assert(
			fc.property(linesArb, fc.integer({ min: 1, max: 5 }), (lines, max) => {
				const miner = new TemplateMiner({ maxClusters: max });
				for (const [i, line] of lines.entries()) {
					miner.learn(line, i);
					expect(miner.size).toBeLessThanOrEqual(max);
				}
			}),
			{ numRuns: 100 },
		);
	});
});

describe('TemplateMiner on real lines (test/fixtures/logs)', () => {
	const samples = ['HDFS', 'OpenSSH', 'Proxifier', 'Android'].map((name) => {
		const [, ...rows] = parseCsv(
			readFileSync(join(__dirname, `../fixtures/logs/${name}_sample.csv`), 'utf8'),
		);
		return { name, lines: rows.map((r) => r[0]), truth: rows.map((r) => r[1]) };
	});

	it.each(samples)(
		'$name: the laws hold and the grouping follows the ground truth',
		({ lines, truth }) => {
			const miner = new TemplateMiner();
			const results = learnAll(miner, lines);
			const ids = results.map((r) => miner.resolve(r.id)!);
			lines.forEach((line, i) => expect(miner.match(line)?.id).toBe(ids[i]));
			for (const r of learnAll(miner, lines, 10_000)) expect(r.created).toBe(false);
			expect(score(truth, ids).groupAccuracy).toBeGreaterThanOrEqual(0.9);
		},
	);
});

describe('TemplateMiner on structured lines', () => {
	it('mines a JSON line as its level and message; the other fields are parameters', () => {
		const miner = new TemplateMiner();
		const line = (level: string, addr: string, ts: number, user: string) =>
			JSON.stringify({ level, ts, msg: 'listening on port', http: { addr, user } });
		const a = miner.learn(line('info', ':8080', 1705314225.1, 'alice'));
		const b = miner.learn(line('info', ':9090', 1705314226.2, 'bob'));
		const c = miner.learn(line('error', ':9090', 1705314226.2, 'bob'));
		expect(b.id).toBe(a.id);
		expect(c.id).not.toBe(a.id);
		expect(miner.template(a.id)!.text).toBe('level=info listening on port');
		expect(b.params).toEqual(['ts=1705314226.2', 'http.addr=:9090', 'http.user=bob']);
	});

	it('keeps a logfmt message and masks its other quoted values', () => {
		const miner = new TemplateMiner();
		const a = miner.learn('time="2024-01-15T10:23:45Z" level=info msg="Started server" user="a b"');
		const b = miner.learn('time="2024-01-15T10:24:45Z" level=info msg="Started server" user="c d"');
		const c = miner.learn('time="2024-01-15T10:24:45Z" level=info msg="Stopped server" user="c d"');
		expect(b.id).toBe(a.id);
		expect(c.id).not.toBe(a.id);
	});
});
