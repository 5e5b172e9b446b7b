// n8n's CPU per Alertmanager delivery, in one real n8n 2.41.1 with the lean settings (README
// "Settings for alert traffic"): n8n's own floor workflows and the package's chains, loaded
// together and measured interleaved, so the ratios hold on a loaded machine.
//
//   npm run bench:n8n -- [--deliveries 30] [--rounds 4] [--only name,name] [--profile name]
//
// Each round sends every workflow `--deliveries` deliveries of 3 new alerts at concurrency 4,
// waits until n8n is idle, and reads n8n's CPU (its process and children, from /proc) for them.
// --profile <name> runs n8n with --cpu-prof, sends that workflow's deliveries, and prints the
// functions that take the CPU (self time) and the share of a few n8n steps (inclusive).
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';

import { startN8n, type N8nInstance } from '../test/e2e/support/n8n';
import { DATABASE_URL, deletePrefix, dropSchema, REDIS_URL } from '../test/support/stores';

const args = process.argv.slice(2);
const arg = (name: string, fallback: string) => {
	const i = args.indexOf(`--${name}`);
	return i >= 0 ? args[i + 1] : fallback;
};
const DELIVERIES = Number(arg('deliveries', '30'));
const ROUNDS = Number(arg('rounds', '4'));
const PROFILE = arg('profile', '');
const ONLY = arg('only', '').split(',').filter(Boolean);
const CONCURRENCY = 4;
const TOKEN = 'bench-token-' + randomBytes(6).toString('hex');
const run = randomBytes(4).toString('hex');
const prefix = `bench-n8n-${run}:`;
const schema = `bench_n8n_${run}`;

// --- workflows ---------------------------------------------------------------------------

let nodeSerial = 0;
const node = (
	name: string,
	type: string,
	typeVersion: number,
	parameters: object,
	extra: object = {},
) => ({
	id: `bench-node-${++nodeSerial}`,
	name,
	type,
	typeVersion,
	position: [nodeSerial * 220, 0],
	parameters,
	...extra,
});
const chain = (names: string[]) =>
	Object.fromEntries(
		names
			.slice(0, -1)
			.map((n, i) => [n, { main: [[{ node: names[i + 1], type: 'main', index: 0 }]] }]),
	);
const webhookId = (path: string) =>
	`5f0c8a52-8f4e-4b43-9d59-${Buffer.from(path).toString('hex').slice(0, 12).padEnd(12, '0')}`;
const workflow = (id: string, name: string, nodes: Array<{ name: string }>) => ({
	id,
	name,
	active: false,
	settings: { executionOrder: 'v1' },
	nodes,
	connections: chain(nodes.map((n) => n.name)),
});
const receiverCredential = {
	alertmanagerReceiverApi: { id: 'benchAmReceiver1', name: 'bench receiver' },
};
const n8nWebhook = (path: string) =>
	node(
		'Webhook',
		'n8n-nodes-base.webhook',
		2,
		{ httpMethod: 'POST', path, responseMode: 'onReceived', options: {} },
		{ webhookId: webhookId(path) },
	);
const trigger = (path: string) =>
	node(
		'Alertmanager Trigger',
		'n8n-nodes-aiops.alertmanagerTrigger',
		1,
		{ path, authentication: 'credential', emit: 'both' },
		{ webhookId: webhookId(path), credentials: receiverCredential },
	);
const noOps = () => [1, 2, 3].map((i) => node(`NoOp ${i}`, 'n8n-nodes-base.noOp', 1, {}));

interface Bench {
	name: string;
	path: string;
	workflow: object;
}

function benches(): Bench[] {
	const shipped = JSON.parse(
		readFileSync(join(__dirname, '../workflows/alert-to-repair.json'), 'utf8'),
	);
	const shippedPath = shipped.nodes.find((n: { type: string }) =>
		n.type.endsWith('alertmanagerTrigger'),
	).parameters.path;
	return [
		{
			name: 'n8n Webhook → 3 NoOps',
			path: 'floor',
			workflow: workflow('benchFloor000001', 'floor', [n8nWebhook('floor'), ...noOps()]),
		},
		{
			name: 'n8n Webhook → Set (one expression)',
			path: 'floor-expr',
			workflow: workflow('benchFloorExpr01', 'floor with one expression', [
				n8nWebhook('floor-expr'),
				node('Set', 'n8n-nodes-base.set', 3.4, {
					assignments: {
						assignments: [
							{
								id: 'a1',
								name: 'alerts',
								value: '={{ $json.body.alerts.length }}',
								type: 'number',
							},
						],
					},
					options: {},
				}),
			]),
		},
		{
			name: 'Alertmanager Trigger → 3 NoOps',
			path: 'trigger',
			workflow: workflow('benchTrigger0001', 'trigger', [trigger('trigger'), ...noOps()]),
		},
		{
			name: 'Trigger → Record Anomaly (Redis) → Aggregate Incident (Postgres)',
			path: 'chain',
			workflow: workflow('benchChain000001', 'chain', [
				trigger('chain'),
				node(
					'Record Anomaly',
					'n8n-nodes-aiops.recordAnomaly',
					1,
					{
						store: 'redis',
						resource: 'anomaly',
						operation: 'recordOccurrence',
						options: { keyPrefix: prefix },
					},
					{ credentials: { aiopsRedisApi: { id: 'benchRedis000001', name: 'bench redis' } } },
				),
				node(
					'Aggregate Incident',
					'n8n-nodes-aiops.aggregateIncident',
					1,
					{ store: 'postgres', operation: 'openOrJoin', options: { schema } },
					{ credentials: { aiopsPostgresApi: { id: 'benchPostgres001', name: 'bench postgres' } } },
				),
			]),
		},
		{
			name: 'shipped alert-to-repair (embedded store)',
			path: shippedPath,
			workflow: {
				...shipped,
				nodes: shipped.nodes.map((n: { credentials?: object }) =>
					n.credentials && 'alertmanagerReceiverApi' in n.credentials
						? { ...n, credentials: receiverCredential }
						: n,
				),
			},
		},
	].filter((b) => ONLY.length === 0 || ONLY.some((o) => b.path === o || b.name.includes(o)));
}

function credentials() {
	const redis = new URL(REDIS_URL);
	const pg = new URL(DATABASE_URL);
	return [
		{
			id: 'benchAmReceiver1',
			name: 'bench receiver',
			type: 'alertmanagerReceiverApi',
			data: { authType: 'bearer', token: TOKEN },
		},
		{
			id: 'benchRedis000001',
			name: 'bench redis',
			type: 'aiopsRedisApi',
			data: {
				host: redis.hostname,
				port: Number(redis.port || 6379),
				database: Number(redis.pathname.slice(1) || 0),
			},
		},
		{
			id: 'benchPostgres001',
			name: 'bench postgres',
			type: 'aiopsPostgresApi',
			data: {
				host: pg.hostname,
				port: Number(pg.port || 5432),
				database: pg.pathname.slice(1),
				user: decodeURIComponent(pg.username || 'postgres'),
				password: decodeURIComponent(pg.password),
				ssl: 'disable',
			},
		},
	];
}

// --- load --------------------------------------------------------------------------------

let alertSerial = 0;
function deliveryBody(): string {
	const startsAt = new Date(Date.UTC(2026, 0, 1) + ++alertSerial * 1000).toISOString();
	const deployment = `svc-${alertSerial % 7}`;
	const alerts = [0, 1, 2].map((i) => ({
		status: 'firing',
		labels: {
			alertname: 'KubePodCrashLooping',
			namespace: 'bench',
			deployment,
			pod: `${deployment}-7d4b9c6f8-${alertSerial}x${i}`,
			container: 'app',
			severity: 'warning',
		},
		annotations: { summary: `${deployment} is crash looping` },
		startsAt,
		endsAt: '0001-01-01T00:00:00Z',
		generatorURL: 'http://prometheus:9090/graph',
	}));
	return JSON.stringify({
		version: '4',
		receiver: 'n8n',
		status: 'firing',
		groupKey: '{}:{alertname="KubePodCrashLooping"}',
		truncatedAlerts: 0,
		groupLabels: { alertname: 'KubePodCrashLooping' },
		commonLabels: {},
		commonAnnotations: {},
		externalURL: 'http://alertmanager:9093',
		alerts,
	});
}

async function send(n8n: N8nInstance, path: string, count: number): Promise<void> {
	let next = 0;
	const worker = async () => {
		while (next < count) {
			next++;
			const res = await fetch(`${n8n.baseUrl}/webhook/${path}`, {
				method: 'POST',
				headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
				body: deliveryBody(),
			});
			const text = await res.text();
			if (res.status !== 200) throw new Error(`${path}: ${res.status} ${text.slice(0, 300)}`);
		}
	};
	await Promise.all(Array.from({ length: CONCURRENCY }, worker));
}

// --- /proc accounting ----------------------------------------------------------------------

const TICK_MS = 10; // USER_HZ is 100 on Linux

function procStat(pid: number): { ppid: number; ticks: number } | undefined {
	try {
		const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
		const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
		// fields from state (3rd): ppid is 4th, utime 14th, stime 15th, cutime 16th, cstime 17th
		const f = (n: number) => Number(fields[n - 3]);
		return { ppid: f(4), ticks: f(14) + f(15) + f(16) + f(17) };
	} catch {
		return undefined;
	}
}

/** CPU ms used so far by `root` and every live descendant (reaped children count via cutime). */
function treeCpuMs(root: number): number {
	const parents = new Map<number, number>();
	const ticks = new Map<number, number>();
	for (const entry of readdirSync('/proc')) {
		if (!/^\d+$/.test(entry)) continue;
		const stat = procStat(Number(entry));
		if (!stat) continue;
		parents.set(Number(entry), stat.ppid);
		ticks.set(Number(entry), stat.ticks);
	}
	let total = 0;
	for (const [pid, t] of ticks) {
		for (let p: number | undefined = pid; p !== undefined && p > 1; p = parents.get(p)) {
			if (p === root) {
				total += t;
				break;
			}
		}
	}
	return total * TICK_MS;
}

/** Waits until n8n has used under 2% of a core for 600 ms; returns the CPU and time at its start. */
async function untilIdle(pid: number): Promise<{ cpu: number; at: number }> {
	const window: Array<{ cpu: number; at: number }> = [];
	for (;;) {
		window.push({ cpu: treeCpuMs(pid), at: performance.now() });
		while (window.length > 1 && window[window.length - 1].at - window[0].at > 600) window.shift();
		const first = window[0];
		const last = window[window.length - 1];
		if (last.at - first.at >= 550 && last.cpu - first.cpu <= 0.02 * (last.at - first.at))
			return first;
		await new Promise((r) => setTimeout(r, 100));
	}
}

interface Sample {
	cpuPerDelivery: number;
	perSecond: number;
}

async function measure(n8n: N8nInstance, bench: Bench): Promise<Sample> {
	const start = await untilIdle(n8n.pid);
	await send(n8n, bench.path, DELIVERIES);
	const end = await untilIdle(n8n.pid);
	return {
		cpuPerDelivery: (end.cpu - start.cpu) / DELIVERIES,
		perSecond: DELIVERIES / ((end.at - start.at) / 1000),
	};
}

const median = (xs: number[]) => {
	const s = [...xs].sort((a, b) => a - b);
	return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

// --- profile -----------------------------------------------------------------------------

interface ProfileNode {
	id: number;
	callFrame: { functionName: string; url: string; lineNumber: number };
	children?: number[];
}

/** Inclusive share of samples whose stack holds a function matching each pattern. */
function summariseProfile(file: string) {
	const profile = JSON.parse(readFileSync(file, 'utf8')) as {
		nodes: ProfileNode[];
		samples: number[];
		timeDeltas: number[];
	};
	const byId = new Map(profile.nodes.map((n) => [n.id, n]));
	const parent = new Map<number, number>();
	for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
	const label = (n: ProfileNode) =>
		`${n.callFrame.functionName || '(anonymous)'} ${n.callFrame.url.replace(/^.*node_modules\//, '').replace(/^file:\/\//, '')}:${n.callFrame.lineNumber + 1}`;
	const self = new Map<string, number>();
	const inclusive = new Map<string, number>();
	const steps: Array<[string, RegExp]> = [
		['expression isolate: cold start of a bridge (acquireBridgeSync)', /^acquireBridgeSync /],
		[
			'expression isolate: pool replenish (new isolate in the background)',
			/^replenish .*isolate-pool/,
		],
		['expression evaluation (renderExpression)', /^renderExpression /],
		['webhook body parsing (parseRequestBody)', /^parseRequestBody /],
		['credential load + decrypt (getCredentials)', /^getDecrypted |^getCredentials /],
		['Alertmanager Trigger webhook()', /^receiveAlerts /],
		['Alertmanager payload read (readAlertmanagerDelivery)', /^readAlertmanagerDelivery /],
		['workflow run (WorkflowExecute.processRunExecutionData)', /^processRunExecutionData /],
		[
			'execution bookkeeping (DB: ExecutionRepository)',
			/Execution.*Repository|createNewExecution|updateExistingExecution/,
		],
		['garbage collector', /^\(garbage collector\)/],
	];
	let total = 0;
	profile.samples.forEach((id, i) => {
		const dt = profile.timeDeltas[i] ?? 0;
		total += dt;
		const n = byId.get(id)!;
		if (n.callFrame.functionName === '(idle)') return;
		self.set(label(n), (self.get(label(n)) ?? 0) + dt);
		const seen = new Set<string>();
		for (let p: number | undefined = id; p !== undefined; p = parent.get(p)) {
			const l = label(byId.get(p)!);
			for (const [step, re] of steps)
				if (!seen.has(step) && re.test(l))
					(seen.add(step), inclusive.set(step, (inclusive.get(step) ?? 0) + dt));
		}
	});
	const idle = [...profile.samples.entries()].reduce(
		(s, [i, id]) =>
			s + (byId.get(id)!.callFrame.functionName === '(idle)' ? (profile.timeDeltas[i] ?? 0) : 0),
		0,
	);
	const busy = total - idle;
	console.log(`\nprofile of the n8n main process: ${(busy / 1000).toFixed(0)} ms busy`);
	console.log('\nsteps (inclusive share of busy time):');
	for (const [step] of steps)
		console.log(
			`  ${(((inclusive.get(step) ?? 0) / busy) * 100).toFixed(1).padStart(5)}%  ${step}`,
		);
	console.log('\ntop functions (self time):');
	for (const [l, t] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 20))
		console.log(`  ${((t / busy) * 100).toFixed(1).padStart(5)}%  ${l}`);
}

/** n8n's worker threads write their own profiles; the main thread's is the largest. */
function mainThreadProfile(dir: string): string {
	const files = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'));
	const size = (f: string) => statSync(join(dir, f)).size;
	return join(dir, files.sort((a, b) => size(b) - size(a))[0]);
}

// --- main --------------------------------------------------------------------------------

async function main() {
	const summarise = arg('summarise', '');
	if (summarise)
		return summariseProfile(
			statSync(summarise).isDirectory() ? mainThreadProfile(summarise) : summarise,
		);
	const selected = benches();
	const profileDir = PROFILE ? mkdtempSync(join(tmpdir(), 'aiops-n8n-prof-')) : undefined;
	console.log(
		`n8n 2.41.1, lean settings; ${cpus().length} cores, load ${loadavg()
			.map((l) => l.toFixed(1))
			.join(' ')}`,
	);
	const n8n = await startN8n({
		credentials: credentials(),
		workflows: selected.map((b) => b.workflow),
		webhooks: selected.map((b) => b.path),
		env: {
			EXECUTIONS_DATA_SAVE_ON_SUCCESS: 'none',
			N8N_EXPRESSION_ENGINE_LAZY_ACQUIRE: 'true',
			N8N_LOG_LEVEL: 'warn',
			N8N_GRACEFUL_SHUTDOWN_TIMEOUT: '5',
			...(process.env.BENCH_N8N_ENV ? JSON.parse(process.env.BENCH_N8N_ENV) : {}),
		},
		nodeArgs: profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [],
	});
	try {
		// warm-up: first executions compile, connect and migrate
		for (const b of selected) await send(n8n, b.path, 8);
		if (PROFILE) {
			const b = selected.find((s) => s.path === PROFILE || s.name.includes(PROFILE));
			if (!b) throw new Error(`no workflow ${PROFILE}`);
			await send(n8n, b.path, DELIVERIES * ROUNDS);
			await untilIdle(n8n.pid);
			// --cpu-prof writes the main thread's profile only on a clean exit: let n8n shut down
			process.kill(n8n.pid, 'SIGTERM');
			for (let i = 0; i < 900 && existsSync(`/proc/${n8n.pid}`); i++)
				await new Promise((r) => setTimeout(r, 100));
			await n8n.stop();
			console.log(`profiled ${b.name}: ${DELIVERIES * ROUNDS} deliveries after 8 of warm-up`);
			summariseProfile(mainThreadProfile(profileDir!));
			return;
		}
		const samples = new Map<string, Sample[]>(selected.map((b) => [b.name, []]));
		for (let round = 1; round <= ROUNDS; round++) {
			// interleaved: each round measures every workflow once, in a rotating order
			const order = selected.map((_, i) => selected[(i + round) % selected.length]);
			for (const b of order) samples.get(b.name)!.push(await measure(n8n, b));
			console.log(`round ${round}/${ROUNDS} done; load ${loadavg()[0].toFixed(1)}`);
		}
		console.log(
			`\n${DELIVERIES} deliveries of 3 new alerts per workflow and round, concurrency ${CONCURRENCY}, ${ROUNDS} rounds (median, [min–max])\n`,
		);
		console.log('| workflow | n8n CPU per delivery | completed deliveries/s |');
		console.log('| --- | --- | --- |');
		const med = new Map<string, number>();
		for (const [name, xs] of samples) {
			const cpu = xs.map((x) => x.cpuPerDelivery);
			const rate = xs.map((x) => x.perSecond);
			med.set(name, median(cpu));
			console.log(
				`| ${name} | ${median(cpu).toFixed(1)} ms [${Math.min(...cpu).toFixed(1)}–${Math.max(...cpu).toFixed(1)}] | ${median(rate).toFixed(1)} [${Math.min(...rate).toFixed(1)}–${Math.max(...rate).toFixed(1)}] |`,
			);
		}
		const get = (prefix: string) => [...med].find(([n]) => n.startsWith(prefix))?.[1];
		const floor = get('n8n Webhook → 3');
		const floorExpr = get('n8n Webhook → Set');
		const trig = get('Alertmanager Trigger →');
		const chainCpu = get('Trigger → Record');
		const shipped = get('shipped');
		console.log('');
		if (floor && trig)
			console.log(`trigger / floor: ${(trig / floor).toFixed(2)}× (target ≤ 1.2×)`);
		if (trig && chainCpu)
			console.log(
				`Record Anomaly + Aggregate Incident above the trigger: ${(chainCpu - trig).toFixed(1)} ms (target ≤ 10 ms)`,
			);
		if (floor && chainCpu)
			console.log(`chain above the floor: ${(chainCpu - floor).toFixed(1)} ms`);
		if (floorExpr && shipped)
			console.log(
				`alert-to-repair / floor with one expression: ${(shipped / floorExpr).toFixed(2)}× (target ≤ 2×)`,
			);
		console.log(
			`load at the end: ${loadavg()
				.map((l) => l.toFixed(1))
				.join(' ')}`,
		);
	} finally {
		await n8n.stop();
		await cleanStores();
	}
}

async function cleanStores() {
	await deletePrefix(prefix);
	await dropSchema(schema);
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
