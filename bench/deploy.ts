// `npm run bench:deploy`: Deploy App's requests per deploy and time from request to "ready" for
// the typical app (test/fixtures/k8s/app.yaml, 11 objects) on the fake API server, against a
// baseline in the same process: the same objects applied one by one with client-node's
// KubernetesObjectApi (server-side apply) and readiness found by polling the Deployment every
// 50 ms, as deploy scripts with `sleep` loops do. The fake's controllers tick every 10 ms; its
// pods are ready 3 ticks (then 30 ticks) after they start, for both sides. Each run gets a
// fresh fake. Figures depend on the machine's load; the request counts do not.
import * as k8s from '@kubernetes/client-node';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { deployApp } from '../lib/deploy';
import type { KubeObject } from '../lib/kube';
import { applyOrder, KubeClient, parseYamlObjects } from '../lib/kube';
import { FakeKube } from '../test/k8s/server';

const RUNS = Number(process.env.RUNS ?? 15);
const FIXTURE = join(process.cwd(), 'test/fixtures/k8s/app.yaml');

function appIn(ns: string): KubeObject[] {
	// each run its own namespace, and its own PrometheusRule in `monitoring`
	const text = readFileSync(FIXTURE, 'utf8').replaceAll('event-system-alerts', `${ns}-alerts`);
	return parseYamlObjects(text.replaceAll('app-event-system', ns));
}

const pct = (xs: number[], p: number) =>
	[...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];

async function ours(fake: FakeKube, i: number) {
	const client = KubeClient.fromCredential({ mode: 'kubeconfig', kubeconfig: fake.kubeconfig() });
	const n = fake.requests.length;
	const t0 = performance.now();
	const report = await deployApp(client, appIn(`app-ours-${i}`), {
		rolloutTimeoutMs: 30_000,
		force: true,
	});
	const ms = performance.now() - t0;
	if (report.status !== 'succeeded') throw new Error(report.error);
	// ready: the namespace and the app applied and rolled out (steps create_namespace, deploy_app)
	const readyMs = report.steps.slice(0, 2).reduce((a, s) => a + s.durationMs, 0);
	return { ms, readyMs, requests: fake.requests.slice(n) };
}

async function baseline(fake: FakeKube, i: number) {
	const kc = new k8s.KubeConfig();
	kc.loadFromString(fake.kubeconfig());
	const api = k8s.KubernetesObjectApi.makeApiClient(kc);
	const apps = kc.makeApiClient(k8s.AppsV1Api);
	const ns = `app-base-${i}`;
	const n = fake.requests.length;
	const t0 = performance.now();
	let readyMs = 0;
	for (const o of applyOrder(appIn(ns))) {
		await api.patch(
			o as k8s.KubernetesObject,
			undefined,
			undefined,
			'baseline',
			true,
			k8s.PatchStrategy.ServerSideApply,
		);
		if (o.kind === 'Deployment') {
			for (;;) {
				const d = await apps.readNamespacedDeployment({ name: o.metadata.name, namespace: ns });
				const s = d.status ?? {};
				if (
					(d.metadata?.generation ?? 0) <= (s.observedGeneration ?? 0) &&
					(s.availableReplicas ?? 0) >= (d.spec?.replicas ?? 1) &&
					(s.updatedReplicas ?? 0) >= (d.spec?.replicas ?? 1)
				)
					break;
				await new Promise((r) => setTimeout(r, 50));
			}
			readyMs = performance.now() - t0;
		}
	}
	return { ms: performance.now() - t0, readyMs, requests: fake.requests.slice(n) };
}

function summarize(
	name: string,
	runs: { ms: number; readyMs: number; requests: { verb?: string; method: string }[] }[],
) {
	const per = runs[runs.length - 1].requests;
	const byVerb: Record<string, number> = {};
	for (const r of per)
		byVerb[r.verb ?? `discovery (${r.method})`] =
			(byVerb[r.verb ?? `discovery (${r.method})`] ?? 0) + 1;
	const ms = runs.map((r) => r.ms);
	const ready = runs.map((r) => r.readyMs);
	console.log(
		`${name.padEnd(9)} requests/deploy ${String(per.length).padStart(3)}  ${JSON.stringify(byVerb)}\n` +
			`${''.padEnd(9)} ready after   median ${pct(ready, 50).toFixed(0)} ms  p95 ${pct(ready, 95).toFixed(0)} ms;  whole deploy median ${pct(ms, 50).toFixed(0)} ms  p95 ${pct(ms, 95).toFixed(0)} ms`,
	);
	return { requests: per.length, readyMedian: pct(ready, 50), msMedian: pct(ms, 50) };
}

let podReadyTicks = 3;

/** Each run on a fresh fake cluster, so every deploy meets the same (small) cluster. */
async function onFreshFake<T>(fn: (fake: FakeKube) => Promise<T>): Promise<T> {
	const fake = await new FakeKube({ tickMs: 10, podReadyTicks }).start();
	fake.seed({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'monitoring' } });
	try {
		return await fn(fake);
	} finally {
		await fake.stop();
	}
}

async function main() {
	// warm up both paths (module loading, JIT)
	await onFreshFake((f) => ours(f, -1));
	await onFreshFake((f) => baseline(f, -1));
	// a fast rollout, and a slower one where polling shows its cost
	for (const ticks of [3, 30]) {
		podReadyTicks = ticks;
		const a = [];
		const b = [];
		for (let i = 0; i < RUNS; i++) {
			a.push(await onFreshFake((f) => ours(f, i)));
			b.push(await onFreshFake((f) => baseline(f, i)));
		}
		console.log(
			`\nDeploy of the typical app (11 objects), ${RUNS} runs each, fake API server (10 ms ticks, pods ready after ${ticks})`,
		);
		const x = summarize('deployApp', a);
		const y = summarize('baseline', b);
		console.log(
			`ratio deployApp/baseline: requests ${(x.requests / y.requests).toFixed(2)}, time to ready ${(x.readyMedian / y.readyMedian).toFixed(2)}, whole deploy ${(x.msMedian / y.msMedian).toFixed(2)}`,
		);
	}
}

void main();
