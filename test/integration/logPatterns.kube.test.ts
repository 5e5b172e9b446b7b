// Pod logs as the line source, against the fake Kubernetes API server: only new lines per pod
// and container on each run, previous logs of restarted containers, tail limits, selectors, and
// two runs at once counting each line once.
import { KubeClient } from '../../lib/kube';
import type { LogStateStore } from '../../lib/logs';
import {
	logPosition,
	parseTimestamped,
	podContainers,
	podLogItems,
	RedisLogStateStore,
	runItems,
} from '../../lib/logs';
import { closeRedisClients } from '../../lib/store';
import { FakeKube } from '../k8s/server';
import { deletePrefix, redisConnection, testPrefix } from '../support/stores';

let fake: FakeKube;
let client: KubeClient;
let store: LogStateStore;
let prefix: string;

const T = (s: number) => new Date(Date.UTC(2026, 10, 20, 9, 0, s)).toISOString();

function pod(name: string, app: string, hash: string, containers: string[]) {
	return {
		apiVersion: 'v1',
		kind: 'Pod',
		metadata: {
			name,
			namespace: 'shop',
			labels: { app, 'pod-template-hash': hash },
			ownerReferences: [
				{
					apiVersion: 'apps/v1',
					kind: 'ReplicaSet',
					name: `${app}-${hash}`,
					uid: `rs-${app}`,
					controller: true,
				},
			],
		},
		spec: { containers: containers.map((c) => ({ name: c, image: 'x' })) },
	};
}

/** The kubelet reports a restart (status is a subresource: create does not take it). */
function restart(name: string, containers: string[]) {
	fake.modify('Pod', 'shop', name, (o) => {
		o.status = { containerStatuses: containers.map((c) => ({ name: c, restartCount: 1 })) };
	});
}

beforeEach(async () => {
	fake = await new FakeKube({ tickMs: 0 }).start();
	client = KubeClient.fromCredential(
		{ mode: 'kubeconfig', kubeconfig: fake.kubeconfig() },
		{ timeoutMs: 5000 },
	);
	fake.seed({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } });
	fake.seed(pod('checkout-7d4b9c8f6-x2kqz', 'checkout', '7d4b9c8f6', ['app', 'proxy']));
	restart('checkout-7d4b9c8f6-x2kqz', ['app', 'proxy']);
	fake.seed(pod('checkout-7d4b9c8f6-b5m7p', 'checkout', '7d4b9c8f6', ['app', 'proxy']));
	fake.seed(pod('search-5c8d7b9f4d-7xq2w', 'search', '5c8d7b9f4d', ['app']));
	prefix = testPrefix();
	store = new RedisLogStateStore(redisConnection(), { prefix });
});

afterEach(async () => {
	await fake.stop();
	await deletePrefix(prefix);
});

afterAll(async () => {
	await closeRedisClients();
});

const lines = (from: number, to: number, text = (i: number) => `GET /orders/${i} 200 ${i}ms`) =>
	Array.from({ length: to - from }, (_, k) => ({ time: T(from + k), text: text(from + k) }));

async function learn(item: Parameters<typeof podLogItems>[2][number], now = Date.parse(T(600))) {
	const inputs = await podLogItems(client, store, [item], true);
	const [run] = await runItems(store, inputs, now, {}, true);
	if ('error' in run) throw run.error;
	return run.ok;
}

describe('pod logs as a line source', () => {
	it('lists the selected containers with their workload, from the owner ReplicaSet', async () => {
		const all = await podContainers(client, { namespace: 'shop' });
		expect(all.map((c) => `${c.workload} ${c.pod}/${c.container} ${c.restarted}`)).toEqual([
			'checkout checkout-7d4b9c8f6-b5m7p/app false',
			'checkout checkout-7d4b9c8f6-b5m7p/proxy false',
			'checkout checkout-7d4b9c8f6-x2kqz/app true',
			'checkout checkout-7d4b9c8f6-x2kqz/proxy true',
			'search search-5c8d7b9f4d-7xq2w/app false',
		]);
		const selected = await podContainers(client, {
			namespace: 'shop',
			labelSelector: 'app=checkout',
			containers: ['app'],
		});
		expect(selected.map((c) => c.pod)).toEqual([
			'checkout-7d4b9c8f6-b5m7p',
			'checkout-7d4b9c8f6-x2kqz',
		]);
		const byWorkload = await podContainers(client, { namespace: 'shop', workload: 'search' });
		expect(byWorkload.map((c) => c.container)).toEqual(['app']);
	});

	it('reads only the lines that are new since the last run, per pod and container', async () => {
		fake.setPodLogs('shop', 'checkout-7d4b9c8f6-x2kqz', 'app', lines(0, 5));
		fake.setPodLogs('shop', 'checkout-7d4b9c8f6-b5m7p', 'app', lines(0, 3));
		const req = { namespace: 'shop', workload: 'checkout', containers: ['app'] };
		const first = await learn(req);
		expect(first.map((p) => p.scope.scope)).toEqual(['shop/checkout']);
		expect(first[0].lines).toHaveLength(8);
		const state1 = (await store.load('shop/checkout')).state;
		expect(state1.lines).toBe(8);
		expect(state1.cursors).toEqual({
			'checkout-7d4b9c8f6-x2kqz/app': logPosition(T(4)),
			'checkout-7d4b9c8f6-b5m7p/app': logPosition(T(2)),
		});

		// two more lines on one pod, nothing on the other
		fake.setPodLogs('shop', 'checkout-7d4b9c8f6-x2kqz', 'app', lines(0, 7));
		fake.requests.length = 0;
		const second = await learn(req);
		const read = second[0].lines.map((i) => second[0].scope.lines[i].text);
		expect(read).toEqual(['GET /orders/5 200 5ms', 'GET /orders/6 200 6ms']);
		const logReads = fake.requests.filter((r) => r.path.endsWith('/log'));
		expect(
			logReads.map((r) => [r.path.split('/')[6], r.query.sinceTime, r.query.timestamps]),
		).toEqual([
			['checkout-7d4b9c8f6-b5m7p', T(2).replace('.000Z', 'Z'), 'true'],
			['checkout-7d4b9c8f6-x2kqz', T(4).replace('.000Z', 'Z'), 'true'],
		]);
		expect((await store.load('shop/checkout')).state.lines).toBe(10);

		// a third run with nothing new learns nothing
		const third = await learn(req);
		expect(third[0].lines).toEqual([]);
		expect((await store.load('shop/checkout')).state.lines).toBe(10);
	});

	it('reads the previous log of a restarted container once, and keeps to the tail limit', async () => {
		fake.setPodLogs('shop', 'checkout-7d4b9c8f6-x2kqz', 'app', lines(100, 110), [
			{
				time: T(50),
				text: 'panic: runtime error: invalid memory address or nil pointer dereference',
			},
		]);
		const req = {
			namespace: 'shop',
			labelSelector: 'app=checkout',
			containers: ['app'],
			previous: true,
			tailLines: 4,
		};
		const first = await learn(req);
		const texts = first[0].lines.map((i) => first[0].scope.lines[i].text);
		expect(texts).toEqual([
			'panic: runtime error: invalid memory address or nil pointer dereference',
			'GET /orders/106 200 106ms',
			'GET /orders/107 200 107ms',
			'GET /orders/108 200 108ms',
			'GET /orders/109 200 109ms',
		]);
		const second = await learn(req);
		expect(second[0].lines).toEqual([]);
	});

	it('two runs at once count every line once', async () => {
		fake.setPodLogs('shop', 'search-5c8d7b9f4d-7xq2w', 'app', lines(0, 20));
		const req = { namespace: 'shop', workload: 'search' };
		const [a, b] = await Promise.all([
			podLogItems(client, store, [req], true),
			podLogItems(client, store, [req], true),
		]);
		// both read the same 20 lines before either learned them
		expect((a[0] as { lines: unknown[] }[])[0].lines).toHaveLength(20);
		await Promise.all([
			runItems(store, a, Date.parse(T(600)), {}, true),
			runItems(store, b, Date.parse(T(600)), {}, true),
		]);
		const { state, version } = await store.load('shop/search');
		expect(version).toBe(2);
		expect(state.lines).toBe(20);
	});

	it('parses the kubelet’s timestamps into positions that sort as text', () => {
		expect(parseTimestamped('2026-01-15T10:23:45.12Z hello world')).toEqual({
			position: '2026-01-15T10:23:45.120000000Z',
			at: Date.parse('2026-01-15T10:23:45.120Z'),
			text: 'hello world',
		});
		expect(
			logPosition('2026-01-15T10:23:45Z')! < logPosition('2026-01-15T10:23:45.000000001Z')!,
		).toBe(true);
		expect(logPosition('2026-01-15T11:23:45.5+01:00')).toBe('2026-01-15T10:23:45.500000000Z');
		expect(parseTimestamped('no timestamp here')).toBeUndefined();
	});
});
