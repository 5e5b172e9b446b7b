import { parseAllDocuments } from 'yaml';

import {
	ADDONS,
	FRAMEWORKS,
	PLAN_PROFILES,
	PLANS,
	readPolicyAnnotations,
	renderManifests,
	type KubeObject,
	type RenderResult,
} from '../../../lib/manifests';
import { applyOrder } from '../../../lib/kube/order';
import { validateAgainstSchema } from '../../support/kubeSchemas';

const ADDON_SETS = [[], ['postgresql'], ['redis'], [...ADDONS]] as const;
const password = () => 'test-password';

function app(overrides: Record<string, unknown> = {}) {
	return {
		name: 'shop',
		displayName: 'Shop',
		domain: 'shop.example.com',
		framework: 'flask',
		image: 'registry.example.com/team/shop:1.4.2',
		...overrides,
	};
}

const byKind = (result: RenderResult, kind: string) =>
	result.objects.filter((o) => o.kind === kind);
const find = (result: RenderResult, kind: string, name: string) =>
	result.objects.find((o) => o.kind === kind && o.metadata.name === name);

type PodSpec = {
	containers: Array<Record<string, any>>;
	initContainers?: Array<Record<string, any>>;
	serviceAccountName?: string;
};
const podSpec = (o: KubeObject) => (o.spec as any).template.spec as PodSpec;

function matches(selector: Record<string, string>, labels: Record<string, string> | undefined) {
	return Object.entries(selector).every(([k, v]) => labels?.[k] === v);
}

/** What has to hold between the objects for the app to work once applied. */
function checkConsistency(result: RenderResult) {
	const names = new Set(result.objects.map((o) => `${o.kind}/${o.metadata.name}`));
	for (const o of result.objects) {
		expect(o.metadata.name.length).toBeLessThanOrEqual(63);
		if (o.kind !== 'Namespace') expect(o.metadata.namespace).toBe(result.namespace);
		for (const value of Object.values(o.metadata.labels ?? {})) {
			expect(value).toMatch(/^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/);
		}
	}
	for (const workload of [...byKind(result, 'Deployment'), ...byKind(result, 'StatefulSet')]) {
		const spec = workload.spec as any;
		// the selector selects the pod template, and the pods are what the policy protects
		expect(matches(spec.selector.matchLabels, spec.template.metadata.labels)).toBe(true);
		const pod = podSpec(workload);
		if (pod.serviceAccountName)
			expect(names.has(`ServiceAccount/${pod.serviceAccountName}`)).toBe(true);
		for (const c of [...pod.containers, ...(pod.initContainers ?? [])]) {
			const envNames = (c.env ?? []).map((e: any) => e.name);
			expect(new Set(envNames).size).toBe(envNames.length);
			for (const from of c.envFrom ?? []) {
				if (from.configMapRef) expect(names.has(`ConfigMap/${from.configMapRef.name}`)).toBe(true);
			}
			for (const e of c.env ?? []) {
				const ref = e.valueFrom?.secretKeyRef;
				if (ref && ref.name.endsWith('-postgresql')) {
					expect((find(result, 'Secret', ref.name) as any).stringData[ref.key]).toBeDefined();
				}
			}
		}
		if (workload.kind === 'Deployment') {
			expect(readPolicyAnnotations(workload.metadata.annotations)).toEqual(result.policy);
		}
	}
	for (const service of byKind(result, 'Service')) {
		const selector = (service.spec as any).selector;
		const targets = [...byKind(result, 'Deployment'), ...byKind(result, 'StatefulSet')].filter(
			(w) => matches(selector, (w.spec as any).template.metadata.labels),
		);
		expect(targets).toHaveLength(1);
		for (const port of (service.spec as any).ports) {
			const named = podSpec(targets[0]).containers.flatMap((c) => c.ports ?? []);
			expect(named.map((p: any) => p.name)).toContain(port.targetPort);
		}
	}
	const ingress = byKind(result, 'Ingress')[0] as any;
	const backend = ingress.spec.rules[0].http.paths[0].backend.service.name;
	expect(names.has(`Service/${backend}`)).toBe(true);
	const certificate = byKind(result, 'Certificate')[0] as any;
	expect(certificate.spec.secretName).toBe(ingress.spec.tls[0].secretName);
	expect(certificate.spec.dnsNames).toEqual(ingress.spec.tls[0].hosts);
	for (const monitor of byKind(result, 'ServiceMonitor')) {
		const service = byKind(result, 'Service').filter((s) =>
			matches((monitor.spec as any).selector.matchLabels, s.metadata.labels),
		);
		expect(service.map((s) => s.metadata.name)).toEqual([result.name]);
	}
	// apply order: what is referred to comes before what refers to it (Deploy App's order)
	expect(applyOrder(result.objects)).toEqual(result.objects);
	const kinds = result.objects.map((o) => o.kind);
	expect(kinds.indexOf('Namespace')).toBe(0);
	expect(kinds.lastIndexOf('ConfigMap')).toBeLessThan(kinds.indexOf('Deployment'));
	expect(kinds.lastIndexOf('Secret')).toBeLessThan(kinds.indexOf('Deployment'));
	expect(kinds.indexOf('Certificate')).toBeGreaterThan(kinds.lastIndexOf('Deployment'));
}

describe('renderManifests', () => {
	const combinations = FRAMEWORKS.flatMap((framework) =>
		PLANS.flatMap((plan) => ADDON_SETS.map((addons) => ({ framework, plan, addons: [...addons] }))),
	);

	it.each(combinations)(
		'$framework / $plan / addons $addons: every object is valid against the Kubernetes schemas',
		({ framework, plan, addons }) => {
			const result = renderManifests(app({ framework, plan, addons }), {
				generatePassword: password,
			});
			for (const object of result.objects) validateAgainstSchema(object);
			checkConsistency(result);

			const kinds = result.objects.map((o) => o.kind);
			for (const kind of [
				'Namespace',
				'ServiceAccount',
				'ConfigMap',
				'Service',
				'Deployment',
				'Ingress',
				'Certificate',
				'NetworkPolicy',
				'PrometheusRule',
			]) {
				expect(kinds).toContain(kind);
			}
			expect(kinds.includes('ServiceMonitor')).toBe(framework !== 'static');
			expect(
				byKind(result, 'StatefulSet')
					.map((s) => s.metadata.name)
					.sort(),
			).toEqual(addons.map((a) => `shop-${a}`).sort());
			// a Django app with Redis gets its Celery worker
			const worker = find(result, 'Deployment', 'shop-worker');
			expect(Boolean(worker)).toBe(framework === 'django' && addons.includes('redis'));

			const web = find(result, 'Deployment', 'shop')!;
			const container = podSpec(web).containers[0];
			expect(container.resources).toEqual(PLAN_PROFILES[plan].resources);
			expect((web.spec as any).replicas).toBe(PLAN_PROFILES[plan].replicas);
			expect(container.livenessProbe.httpGet.port).toBe('http');
			expect((web.spec as any).template.spec.affinity.podAntiAffinity).toBeDefined();

			// the YAML stream is the same objects
			const docs = parseAllDocuments(result.yaml) as any[];
			expect(docs.map((d) => d.toJS())).toEqual(result.objects);
			// and kubectl-style (YAML 1.1) readers read the same values
			expect(parseAllDocuments(result.yaml, { version: '1.1' }).map((d: any) => d.toJS())).toEqual(
				result.objects,
			);
		},
	);

	it('writes the seed four alerts, each with its auto_repair action and kube-prometheus labels', () => {
		const result = renderManifests(app({ name: 'event-system', displayName: '活動報名網站' }), {
			generatePassword: password,
		});
		const rule = find(result, 'PrometheusRule', 'event-system-alerts') as any;
		expect(rule.metadata.labels).toMatchObject({ prometheus: 'k8s', role: 'alert-rules' });
		const rules = rule.spec.groups[0].rules;
		expect(rules.map((r: any) => [r.alert, r.labels.auto_repair, r.labels.severity])).toEqual([
			['EventSystemDown', 'restart', 'critical'],
			['EventSystemHighMemory', 'scale_memory', 'warning'],
			['EventSystemOOMKilled', 'oom_handler', 'critical'],
			['EventSystemHigh5xxRate', 'rollback', 'warning'],
		]);
		for (const r of rules) {
			expect(r.labels.app).toBe('event-system');
			expect(r.annotations.summary).toMatch(/^活動報名網站 /);
			expect(r.expr).toContain('namespace="app-event-system"');
		}
		expect(rules[0].for).toBe('1m');
		expect(rules[2].expr).toContain('reason="OOMKilled"');
	});

	it('renders the seed dashboard panels, with queries scoped to the app', () => {
		const result = renderManifests(app({ displayName: 'My "Shop"' }), {
			generatePassword: password,
		});
		const dashboard = result.dashboard as any;
		expect(dashboard.title).toBe('My "Shop" (app-shop)');
		expect(dashboard.uid.length).toBeLessThanOrEqual(40);
		expect(dashboard.panels.map((p: any) => [p.type, p.title])).toEqual([
			['stat', 'Availability'],
			['timeseries', 'Requests per second'],
			['timeseries', 'Response time (p95)'],
			['gauge', 'Memory use'],
			['stat', '5xx error rate'],
		]);
		for (const panel of dashboard.panels) expect(panel.targets[0].expr).toContain('"app-shop"');
		const statics = renderManifests(app({ framework: 'static' }), { generatePassword: password });
		// no app metrics: requests come from the ingress controller
		expect((statics.dashboard as any).panels[1].targets[0].expr).toContain(
			'nginx_ingress_controller_requests',
		);
	});

	it('returns the policy as the annotations every workload carries', () => {
		const result = renderManifests(
			app({
				framework: 'django',
				addons: ['redis'],
				replicas: 3,
				policy: {
					allowedActions: ['restart', 'raise_memory'],
					maxMemory: '3Gi',
					maxReplicas: 5,
					approvalRequired: true,
				},
			}),
			{ generatePassword: password },
		);
		expect(result.policyAnnotations).toEqual({
			'n8n-nodes-aiops.dev/auto-repair': 'enabled',
			'n8n-nodes-aiops.dev/allowed-actions': 'restart,raise_memory',
			'n8n-nodes-aiops.dev/max-memory': '3Gi',
			'n8n-nodes-aiops.dev/max-replicas': '5',
			'n8n-nodes-aiops.dev/approval-required': 'restart,raise_memory',
		});
		for (const d of byKind(result, 'Deployment'))
			expect(d.metadata.annotations).toMatchObject(result.policyAnnotations);
		// the addon's StatefulSet is only ever restarted
		const redis = find(result, 'StatefulSet', 'shop-redis')!;
		expect(readPolicyAnnotations(redis.metadata.annotations)).toMatchObject({
			allowedActions: ['restart'],
			maxReplicas: 1,
		});
	});

	it('wires the addons into the app: URLs from their Secrets, not from the ConfigMap', () => {
		const result = renderManifests(app({ framework: 'django', addons: ['postgresql', 'redis'] }), {
			generatePassword: (type) => `pw-${type}`,
		});
		const env = podSpec(find(result, 'Deployment', 'shop')!).containers[0].env;
		expect(env.map((e: any) => [e.name, e.valueFrom.secretKeyRef.name])).toEqual([
			['DATABASE_URL', 'shop-postgresql'],
			['REDIS_URL', 'shop-redis'],
			['CELERY_BROKER_URL', 'shop-redis'],
		]);
		const secret = find(result, 'Secret', 'shop-postgresql') as any;
		expect(secret.stringData.DATABASE_URL).toBe(
			'postgresql://shop:pw-postgresql@shop-postgresql:5432/shop',
		);
		expect(secret.metadata.annotations['n8n-nodes-aiops.dev/apply']).toBe('create-only');
		// migrations run before the app
		expect(podSpec(find(result, 'Deployment', 'shop')!).initContainers![0].command).toEqual([
			'python',
			'manage.py',
			'migrate',
			'--noinput',
		]);
	});

	it('puts the app env in the ConfigMap over the framework defaults, and rolls pods when it changes', () => {
		const a = renderManifests(app({ env: { FLASK_DEBUG: '1', GREETING: 'hi' } }), {
			generatePassword: password,
		});
		const config = find(a, 'ConfigMap', 'shop-config') as any;
		expect(config.data).toMatchObject({ FLASK_DEBUG: '1', GREETING: 'hi', PORT: '8000' });
		const b = renderManifests(app({ env: { FLASK_DEBUG: '1', GREETING: 'hello' } }), {
			generatePassword: password,
		});
		const checksum = (r: RenderResult) =>
			(find(r, 'Deployment', 'shop')!.spec as any).template.metadata.annotations['checksum/config'];
		expect(checksum(a)).not.toBe(checksum(b));
	});

	it('opens the network to the internet only when asked, and never to the metadata address', () => {
		const closed = find(
			renderManifests(app(), { generatePassword: password }),
			'NetworkPolicy',
			'shop-isolation',
		) as any;
		expect(JSON.stringify(closed.spec.egress)).not.toContain('0.0.0.0/0');
		const open = find(
			renderManifests(app({ internetEgress: true }), { generatePassword: password }),
			'NetworkPolicy',
			'shop-isolation',
		) as any;
		expect(open.spec.egress[2].to[0].ipBlock).toEqual({
			cidr: '0.0.0.0/0',
			except: ['169.254.169.254/32'],
		});
	});

	it('applies the cluster settings', () => {
		const result = renderManifests(app(), {
			generatePassword: password,
			cluster: {
				namespacePrefix: 'tenant-',
				ingressClassName: 'traefik',
				issuerName: 'internal-ca',
				issuerKind: 'Issuer',
				monitoringLabels: 'release=kube-prometheus-stack',
			},
		});
		expect(result.namespace).toBe('tenant-shop');
		expect((byKind(result, 'Ingress')[0].spec as any).ingressClassName).toBe('traefik');
		expect((byKind(result, 'Certificate')[0].spec as any).issuerRef).toEqual({
			name: 'internal-ca',
			kind: 'Issuer',
			group: 'cert-manager.io',
		});
		for (const kind of ['ServiceMonitor', 'PrometheusRule']) {
			expect(byKind(result, kind)[0].metadata.labels).toMatchObject({
				release: 'kube-prometheus-stack',
			});
		}
	});

	it('renders the same objects for the same spec (only addon passwords are random)', () => {
		const a = renderManifests(app({ addons: ['redis'] }));
		const b = renderManifests(app({ addons: ['redis'] }));
		expect(a.objects.length).toBe(b.objects.length);
		const strip = (r: RenderResult) => r.objects.filter((o) => o.kind !== 'Secret');
		expect(strip(a)).toEqual(strip(b));
		expect((find(a, 'Secret', 'shop-redis') as any).stringData.REDIS_PASSWORD).toMatch(
			/^[A-Za-z0-9_-]{32}$/,
		);
		expect((find(a, 'Secret', 'shop-redis') as any).stringData.REDIS_PASSWORD).not.toBe(
			(find(b, 'Secret', 'shop-redis') as any).stringData.REDIS_PASSWORD,
		);
	});
});
