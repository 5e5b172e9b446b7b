// `npm run demo` (with `npm start` running): fires an alert storm and an app onboarding at the
// shipped workflows, then reads n8n's executions and prints what happened — incidents and
// tiers, planned repairs (dry runs: no cluster is connected by default), and the rendered
// notifications that reached the notification inbox.
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

import { n8nRuntime, signIn } from './n8n-local.mjs';

const home = process.env.AIOPS_N8N_HOME ?? join(homedir(), '.n8n-aiops');
const base = `http://127.0.0.1:${process.env.N8N_PORT ?? 5678}`;
const secrets = JSON.parse(readFileSync(join(home, 'aiops-secrets.json'), 'utf8'));
const runtime = await n8nRuntime();
// n8n stores execution data with `flatted`; use n8n's own copy to read it back
const { parse } = createRequire(join(dirname(runtime.n8n), '..', 'package.json'))('flatted');
const say = (s = '') => process.stdout.write(`${s}\n`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function post(path, body, auth) {
	const res = await fetch(`${base}/webhook/${path}`, {
		method: 'POST',
		headers: { 'content-type': 'application/json', authorization: auth },
		body: JSON.stringify(body),
	});
	return { status: res.status, body: await res.text() };
}

function delivery(alerts, status = 'firing') {
	return {
		receiver: 'n8n',
		status,
		alerts,
		groupLabels: { alertname: alerts[0].labels.alertname, namespace: alerts[0].labels.namespace },
		commonLabels: {},
		commonAnnotations: {},
		externalURL: 'http://alertmanager.demo:9093',
		version: '4',
		groupKey: `{}:{alertname="${alerts[0].labels.alertname}"}`,
		truncatedAlerts: 0,
	};
}
function alert(labels, startsAt, summary, status = 'firing') {
	return {
		status,
		labels,
		annotations: { summary },
		startsAt,
		endsAt: status === 'resolved' ? new Date().toISOString() : '0001-01-01T00:00:00Z',
		generatorURL: 'http://prometheus.demo/graph',
	};
}

const started = Date.now();
say(`n8n at ${base}`);
say('\n1. Alert storm → /webhook/alertmanager');
const crash = {
	alertname: 'KubePodCrashLooping',
	namespace: 'payments',
	container: 'checkout',
	reason: 'CrashLoopBackOff',
	severity: 'critical',
};
const oom = {
	alertname: 'KubeContainerOOMKilled',
	namespace: 'payments',
	container: 'ledger',
	reason: 'OOMKilled',
	severity: 'critical',
	pod: 'ledger-85d4b7c9f-q2w3e',
};
const auth = `Bearer ${secrets.alertmanagerToken}`;
// the checkout pods crash again and again: each restart is a new occurrence (new startsAt);
// two HA Prometheus replicas and Alertmanager's re-sends repeat each one
for (let i = 0; i < 6; i++) {
	const startsAt = new Date(started - (6 - i) * 60_000).toISOString();
	const pod = `checkout-6f7b9c-${['m8q7z', 'x2k4p', 'b5n7d', 'q9w2t', 'z7c4v', 'h2j5k'][i]}`;
	const body = delivery([
		alert({ ...crash, pod, prometheus_replica: 'prom-0' }, startsAt, 'checkout keeps crashing'),
		alert({ ...crash, pod, prometheus_replica: 'prom-1' }, startsAt, 'checkout keeps crashing'),
	]);
	const r = await post('alertmanager', body, auth);
	await post('alertmanager', body, auth); // Alertmanager's repeat: changes no count
	say(`   crash-loop occurrence ${i + 1} (2 replicas, sent twice): HTTP ${r.status}`);
	await sleep(400);
}
const oomAt = new Date(started - 120_000).toISOString();
say(
	`   OOMKilled ledger: HTTP ${(await post('alertmanager', delivery([alert(oom, oomAt, 'ledger ran out of memory')]), auth)).status}`,
);
await sleep(800);
say(
	`   OOMKilled ledger resolved: HTTP ${(await post('alertmanager', delivery([alert(oom, oomAt, 'ledger ran out of memory', 'resolved')], 'resolved'), auth)).status}`,
);
say(
	`   a wrong token: HTTP ${(await post('alertmanager', delivery([alert(oom, oomAt, 'x')]), 'Bearer wrong')).status}`,
);

say('\n2. App onboarding → /webhook/aiops-onboard');
const spec = {
	name: 'shop',
	displayName: 'Shop',
	domain: 'shop.example.com',
	framework: 'nodejs',
	image: 'ghcr.io/acme/shop:1.4.2',
	plan: 'standard',
	addons: ['redis'],
};
const onboard = await post('aiops-onboard', spec, `Bearer ${secrets.onboardingToken}`);
say(`   HTTP ${onboard.status}`);
try {
	const report = JSON.parse(onboard.body);
	say(`   ${report.status} in namespace ${report.namespace}`);
	for (const s of report.steps ?? []) say(`   - ${s.step}: ${s.status} — ${s.detail}`);
} catch {
	say(`   ${onboard.body.slice(0, 400)}`);
}

say('\n3. What n8n did (from its executions)');
await sleep(3000);
const cookie = await signIn(base, secrets.owner);
const rest = async (path) =>
	(await (await fetch(`${base}/rest/${path}`, { headers: { cookie } })).json()).data;
const list = await rest('executions?limit=100');
const recent = list.results.filter((e) => Date.parse(e.startedAt) >= started - 1000).reverse();
const incidents = new Map();
const repairs = [];
const messages = [];
for (const e of recent) {
	const ex = await rest(`executions/${e.id}`);
	const runData = parse(ex.data).resultData.runData;
	const out = (node) =>
		(runData[node]?.[0]?.data?.main ?? []).flatMap((o) => o ?? []).map((i) => i.json);
	if (e.workflowId === 'aiopsAlertRepair') {
		for (const j of out('Aggregate Incident')) {
			if (j.incident) incidents.set(j.incident.id, { ...j.incident, lastNew: j.is_new });
		}
		for (const node of ['Repair', 'Plan Repair (Dry Run)', 'Repair (Approved)']) {
			for (const j of out(node)) if (j.repair) repairs.push(j.repair);
		}
	}
	if (e.workflowId === 'aiopsNotifyInbox')
		for (const j of out('Notification')) messages.push(j.body);
}
say(`   incidents (${incidents.size}):`);
for (const i of incidents.values()) {
	say(
		`   - ${i.title} [${i.status}] tier ${i.recommended_tier}, escalation ${i.escalation_level ?? 'none'}, ${i.aggregated_count} occurrence(s)`,
	);
}
say(`   repairs (${repairs.length}):`);
// A dry run records no attempt, so no cooldown or rate limit is in force; say what the Repair
// node's guardrails (its defaults, as the shipped workflow leaves them) would do with a cluster.
const repairType = (await (await fetch(`${base}/types/nodes.json`, { headers: { cookie } })).json())
	.filter((t) => t.name === 'n8n-nodes-aiops.repairAction')
	.at(-1);
const guardrails = Object.fromEntries(
	repairType.properties
		.find((p) => p.name === 'guardrails')
		.options.map((o) => [o.name, o.default]),
);
const seenTargets = new Map();
for (const r of repairs) {
	const target = r.target ? `${r.target.kind} ${r.target.namespace}/${r.target.name}` : '';
	const key = `${r.action} ${target}`;
	const n = (seenTargets.get(key) ?? 0) + 1;
	seenTargets.set(key, n);
	let guard = '';
	if (r.would_skip) guard = ` — a real repair now would be refused: ${r.would_skip.reason}`;
	else if (r.status === 'dry_run')
		guard =
			n === 1
				? ` — with a cluster it would run (no earlier ${r.action} of it)`
				: ` — with a cluster it would be refused: within the cooldown (${guardrails.cooldownMinutes} min) of #1 (the rate limit, ${guardrails.maxPerHour} an hour, counts only repairs that ran)`;
	say(`   - #${n} ${r.status} ${r.action ?? ''} ${target}${guard}`);
	if (n === 1) say(`       ${r.reason}`);
}
say(
	`   notifications (${messages.length}, rendered for the channel; the inbox stands in for Telegram/Slack/email/LINE):`,
);
for (const m of messages)
	say(
		`   --- ${m.event}\n${String(m.text)
			.split('\n')
			.map((l) => `       ${l}`)
			.join('\n')}`,
	);
