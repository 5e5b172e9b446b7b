// Pod logs as apps write them: JSON (pino, bunyan, structlog, zap, logrus, Spring ECS/logstash),
// logfmt, and multi-line traces (Java, Python, Go, Node.js), alone and interleaved in one
// stream. The fixtures are in test/fixtures/logs/pods (README there says which are recordings).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import type { Json } from '../../lib/logs/batch';
import { itemOutputs } from '../../lib/logs/batch';
import { TemplateMiner } from '../../lib/logs/miner';
import { joinRecords, traceIdentity } from '../../lib/logs/records';
import type { LogLine, RunResult, ScopeState } from '../../lib/logs/scope';
import { emptyScopeState, runScope } from '../../lib/logs/scope';
import { eventOfLine, logfmtFields } from '../../lib/logs/structured';

const DIR = join(__dirname, '../fixtures/logs/pods');
const WARM = { warmUp: { lines: 0, minutes: 0 } };

/** A fixture's lines as the pod log source gives them (no empty lines). */
function fixture(name: string): string[] {
	return readFileSync(join(DIR, name), 'utf8')
		.split('\n')
		.filter((l) => l.trim() !== '');
}

function run(state: ScopeState, texts: string[], now = 1000, pod = 'p'): RunResult {
	const lines: LogLine[] = texts.map((text) => ({ text, pod, container: 'c' }));
	return runScope(state, lines, now, WARM);
}

function templates(r: RunResult): [string, number][] {
	return r.templates.map((t) => [t.text, t.count]);
}

describe('structured lines: the message is the pattern, level and logger its key', () => {
	it.each([
		[
			'pino.jsonl',
			[
				['level=info logger=checkout order placed', 3],
				['level=warn logger=checkout slow query', 2],
				['level=error logger=checkout payment failed exception=TypeError frame=charge(pino.js)', 2],
				[
					'level=error logger=checkout payment failed exception=SyntaxError frame=JSON.parse(<anonymous>)',
					1,
				],
			],
		],
		[
			'bunyan.jsonl',
			[
				['level=info logger=inventory stock checked', 3],
				[
					'level=error logger=inventory reservation failed exception=RangeError frame=reserve(bunyan.js)',
					2,
				],
			],
		],
		[
			'structlog.jsonl',
			[
				['level=info invoice sent', 3],
				['level=error invoice parse failed exception=ValueError frame=slog.py:parse', 2],
				['level=error invoice parse failed exception=KeyError frame=slog.py:<module>', 1],
			],
		],
		[
			'structlog.logfmt',
			[
				['level=info login ok', 3],
				['level=warning login throttled', 2],
			],
		],
		[
			'zap.jsonl',
			[
				['level=info request served', 3],
				['level=error query failed error: dial tcp <*>: connect: connection refused', 2],
			],
		],
		[
			'logrus.jsonl',
			[
				['level=info cache warmed', 2],
				['level=error sync failed error: context deadline exceeded', 2],
				['level=error sync failed error: permission denied', 1],
			],
		],
		[
			'logrus.logfmt',
			[
				['level=info cache warmed', 2],
				['level=warning cache warmed', 1],
			],
		],
		[
			'spring-ecs.jsonl',
			[
				['level=info logger=com.shop.OrderController Order <*> accepted', 2],
				[
					'level=error logger=com.shop.PaymentService Payment for order <*> failed exception=java.lang.IllegalStateException frame=com.shop.PaymentService.charge(PaymentService.java)',
					2,
				],
				[
					'level=error logger=com.shop.PaymentService Payment for order <*> failed exception=java.net.SocketTimeoutException frame=java.base/sun.nio.ch.NioSocketImpl.timedRead(NioSocketImpl.java)',
					1,
				],
			],
		],
	])('%s gives its expected templates', (name, expected) => {
		expect(templates(run(emptyScopeState(), fixture(name)))).toEqual(expected);
	});

	it('gives the other fields back as parameters, and a new field is no new pattern', () => {
		const miner = new TemplateMiner();
		const a = miner.learn('{"level":"info","msg":"cache warmed","entries":1200}');
		const b = miner.learn('{"level":"info","msg":"cache warmed","entries":7,"region":"eu"}');
		expect(b.id).toBe(a.id);
		expect(b.params).toEqual(['entries=7', 'region=eu']);
		// the level is part of the key: the same message at another level is another pattern,
		// however many levels it is seen at
		const levels = ['debug', 'warn', 'error', 'fatal'].map(
			(level) => miner.learn(`{"level":"${level}","msg":"cache warmed"}`).id,
		);
		expect(new Set([a.id, ...levels]).size).toBe(5);
	});

	it('keeps a JSON line without a message field as its key=value fields', () => {
		expect(eventOfLine('{"a":[1,2],"b":null,"c":"x y"}')).toEqual({
			text: 'a=[1,2] b=null c="x y"',
			fields: [],
		});
		expect(eventOfLine('{not json}')).toBeUndefined();
		expect(eventOfLine('[1,2]')).toBeUndefined();
		expect(eventOfLine('plain words = here')).toBeUndefined();
	});

	it('reads logfmt with quoted values and escapes, and refuses what is not logfmt', () => {
		expect(logfmtFields('level=info msg="say \\"hi\\"" user= n=3')).toEqual({
			level: 'info',
			msg: 'say "hi"',
			user: '',
			n: '3',
		});
		expect(logfmtFields('level=info but then words')).toBeUndefined();
		expect(logfmtFields('only=one')).toBeUndefined();
	});

	it('maps numeric pino/bunyan levels to names', () => {
		expect(eventOfLine('{"level":50,"msg":"x"}')!.text).toBe('level=error x');
		expect(eventOfLine('{"level":30,"msg":"x"}')!.text).toBe('level=info x');
	});
});

describe('multi-line records: a trace is one record, named by exception type and top frame', () => {
	it.each([
		[
			'java.log',
			[
				['INFO shop.Orders - order <*> placed by alice', 1],
				['INFO shop.Orders - order <*> placed by bob', 1],
				['ERROR shop.Orders - charge failed', 2],
				['exception=java.lang.IllegalStateException frame=shop.Shop.charge(Shop.java)', 2],
				['ERROR shop.Orders - save failed', 1],
				['exception=java.lang.RuntimeException frame=shop.Shop.save(Shop.java)', 1],
				['exception=java.lang.NullPointerException frame=shop.Shop.main(Shop.java)', 1],
			],
		],
		[
			'python.log',
			[
				['<*> ERROR worker: job crashed', 3],
				['exception=RuntimeError frame=pyplain.py:run', 2],
				['exception=ZeroDivisionError frame=pyplain.py:<module>', 1],
			],
		],
		[
			'go-panic.log',
			[
				['starting worker pool size=<*>', 3],
				['exception=panic frame=main.pick', 2],
				['exception=panic frame=main.(*Pool).Submit', 1],
			],
		],
		[
			'node.log',
			[
				['server listening on :<*>', 1],
				['exception=TypeError frame=lookup(nodeplain.js)', 2],
				['request GET <*> <*> <*>', 1],
				['exception=Error frame=Object.openSync(node:fs)', 1],
			],
		],
	])('%s gives its expected templates', (name, expected) => {
		const texts = fixture(name);
		const r = run(emptyScopeState(), texts);
		expect(templates(r)).toEqual(expected);
		// every line has its record's template; the continuation lines say where it starts
		for (const [i, line] of r.lines.entries()) {
			expect(line.id).toBeDefined();
			if (line.partOf !== undefined) expect(line.id).toBe(r.lines[line.partOf].id);
		}
	});

	it('the same exception at another line number of the same frame is no new pattern', () => {
		const first = run(emptyScopeState(), fixture('java.log'));
		const edited = run(first.state, fixture('java-edited.log'), 2000);
		expect(fixture('java-edited.log')).not.toEqual(fixture('java.log'));
		expect(edited.templates.filter((t) => t.isNew)).toEqual([]);
		expect(edited.state.miner.clusters.length).toBe(first.state.miner.clusters.length);
	});

	it('a new exception type in a known stream is exactly one new pattern', () => {
		const first = run(emptyScopeState(), fixture('java.log'));
		const more = run(first.state, [
			'ERROR shop.Orders - charge failed',
			'java.lang.UnsupportedOperationException: card type AMEX',
			'\tat shop.Shop.charge(Shop.java:7)',
			'\tat shop.Shop.main(Shop.java:15)',
			'ERROR shop.Orders - charge failed',
			'java.lang.IllegalStateException: card missing for order 5',
			'\tat shop.Shop.charge(Shop.java:7)',
			'\tat shop.Shop.main(Shop.java:15)',
		]);
		const isNew = more.templates.filter((t) => t.isNew);
		expect(isNew.map((t) => t.text)).toEqual([
			'exception=java.lang.UnsupportedOperationException frame=shop.Shop.charge(Shop.java)',
		]);
		expect(isNew[0].count).toBe(1);
	});

	it('interleaved plain, JSON and trace records of one pod give the templates of each alone', () => {
		const sources = ['java.log', 'pino.jsonl', 'python.log', 'structlog.logfmt', 'node.log'];
		const records = sources.map((name) => {
			const texts = fixture(name);
			return joinRecords(texts).map((r) => r.map((i) => texts[i]));
		});
		// round robin, record by record (a writer writes a trace at once)
		const mixed: string[] = [];
		for (let k = 0; records.some((r) => k < r.length); k++) {
			for (const r of records) if (k < r.length) mixed.push(...r[k]);
		}
		const alone = new Set(
			sources.flatMap((name) =>
				run(emptyScopeState(), fixture(name)).templates.map((t) => `${t.text} ×${t.count}`),
			),
		);
		const together = run(emptyScopeState(), mixed).templates.map((t) => `${t.text} ×${t.count}`);
		expect(new Set(together)).toEqual(alone);
	});

	it('joins per stream: lines of two pods interleaved line by line stay apart', () => {
		const trace = fixture('java.log').slice(2, 6); // a log line and a trace of two frames
		const lines: LogLine[] = [];
		for (const [i, text] of trace.entries()) {
			lines.push({ text, pod: 'a', container: 'c' });
			lines.push({ text: `heartbeat ${i} ok`, pod: 'b', container: 'c' });
		}
		const r = runScope(emptyScopeState(), lines, 1000, WARM);
		expect(r.templates.map((t) => [t.text, t.count])).toEqual([
			['ERROR shop.Orders - charge failed', 1],
			['heartbeat <*> ok', 4],
			['exception=java.lang.IllegalStateException frame=shop.Shop.charge(Shop.java)', 1],
		]);
	});

	it('names traces found inside one string (a JSON field) the same way', () => {
		expect(
			traceIdentity([
				'Traceback (most recent call last):',
				'  File "/a/b.py", line 3, in f',
				'KeyError: 1',
			]),
		).toMatchObject({ type: 'KeyError', frame: 'b.py:f', message: '1' });
		expect(traceIdentity(['just one line'])).toBeUndefined();
	});
});

describe('Per Line output of a record', () => {
	it('gives each line of a trace its record’s template and marks the continuation lines', () => {
		const texts = fixture('node.log').slice(0, 4); // a line, then an error with frames
		const lines: LogLine[] = texts.map((text) => ({ text, pod: 'p', container: 'c', item: 0 }));
		const run = runScope(emptyScopeState(), lines, 1000, WARM);
		const [out] = itemOutputs(
			[{ ok: [{ scope: { scope: 's', run, lines }, lines: [0, 1, 2, 3] }] }],
			'lines',
			1000,
		) as Json[][];
		expect(out.map((o) => [o.template, o.continuation ?? false])).toEqual([
			['server listening on :<*>', false],
			['exception=TypeError frame=lookup(nodeplain.js)', false],
			['exception=TypeError frame=lookup(nodeplain.js)', true],
			['exception=TypeError frame=lookup(nodeplain.js)', true],
		]);
	});
});
