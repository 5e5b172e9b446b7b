// deploy/: the container build and the Kubernetes manifests for queue mode, checked without a
// cluster or a docker engine: every object against the Kubernetes schemas (kubernetes-models),
// and the topology as a whole (one image of the tested n8n version, one encryption key, the
// roles, the webhook URL on the webhook processors, the recovery's settings).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';

import { validateAgainstSchema } from '../support/kubeSchemas';

const ROOT = join(__dirname, '..', '..');
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');
const TESTED_N8N = /N8N_VERSION="\$\{N8N_VERSION:-([\d.]+)\}"/.exec(
	read('scripts/n8n-runtime.sh'),
)![1];

interface Container {
	name: string;
	image: string;
	args?: string[];
	command?: string[];
	envFrom?: Array<{ configMapRef?: { name: string } }>;
	env?: Array<{
		name: string;
		value?: string;
		valueFrom?: { secretKeyRef: { name: string; key: string } };
	}>;
}
interface K8sObject {
	apiVersion: string;
	kind: string;
	metadata: { name: string };
	data?: Record<string, string>;
	stringData?: Record<string, string>;
	spec?: { replicas?: number; template?: { spec: { containers: Container[] } } };
}

const objects: K8sObject[] = parseAllDocuments(read('deploy/kubernetes/n8n-queue.yaml')).map(
	(d) => {
		if (d.errors.length) throw d.errors[0];
		return d.toJS() as K8sObject;
	},
);
const byName = (kind: string, name: string) => {
	const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
	if (!found) throw new Error(`deploy/kubernetes/n8n-queue.yaml has no ${kind} ${name}`);
	return found;
};
const container = (name: string) => byName('Deployment', name).spec!.template!.spec.containers[0];
const config = byName('ConfigMap', 'n8n-aiops').data!;
const secret = byName('Secret', 'n8n-aiops').stringData!;

describe('deploy/kubernetes/n8n-queue.yaml', () => {
	it('is valid against the Kubernetes schemas, object by object', () => {
		expect(objects.length).toBeGreaterThanOrEqual(8);
		for (const object of objects) expect(() => validateAgainstSchema(object)).not.toThrow();
	});

	it('runs main, webhook processors and workers from one image of the tested n8n version', () => {
		const roles = { 'n8n-main': 'start', 'n8n-webhook': 'webhook', 'n8n-worker': 'worker' };
		for (const [deployment, command] of Object.entries(roles)) {
			const c = container(deployment);
			expect(c.args).toEqual([command]);
			expect(c.image).toBe(`n8n-aiops:${TESTED_N8N}`);
			expect(c.envFrom).toEqual([{ configMapRef: { name: 'n8n-aiops' } }]);
			// one encryption key for every process, from the one secret
			expect(c.env).toContainEqual({
				name: 'N8N_ENCRYPTION_KEY',
				valueFrom: { secretKeyRef: { name: 'n8n-aiops', key: 'N8N_ENCRYPTION_KEY' } },
			});
		}
		expect(byName('Deployment', 'n8n-main').spec!.replicas).toBe(1);
		expect(byName('Deployment', 'n8n-worker').spec!.replicas).toBeGreaterThanOrEqual(2);
	});

	it('puts n8n in queue mode on Postgres and Redis, with production webhooks on the webhook processors', () => {
		expect(config).toMatchObject({
			EXECUTIONS_MODE: 'queue',
			DB_TYPE: 'postgresdb',
			N8N_DISABLE_PRODUCTION_MAIN_PROCESS: 'true',
		});
		expect(config.DB_POSTGRESDB_HOST).toBeTruthy();
		expect(config.QUEUE_BULL_REDIS_HOST).toBeTruthy();
		expect(config.WEBHOOK_URL).toMatch(/^https?:\/\/.+\/$/);
		// every secret a container refers to exists
		for (const o of objects.filter((x) => x.kind === 'Deployment'))
			for (const e of o.spec!.template!.spec.containers.flatMap((c) => c.env ?? []))
				if (e.valueFrom) expect(Object.keys(secret)).toContain(e.valueFrom.secretKeyRef.key);
	});

	it('runs the intake recovery with the settings scripts/queue-recovery.mjs reads', () => {
		const recovery = read('scripts/queue-recovery.mjs');
		const c = container('aiops-intake-recovery');
		expect(c.command).toEqual(['node', '/opt/aiops/queue-recovery.cjs']);
		const names = (c.env ?? []).map((e) => e.name);
		for (const name of [
			'AIOPS_N8N_DATABASE_URL',
			'AIOPS_WEBHOOK_BASE',
			'AIOPS_RECEIVER_AUTHORIZATION',
		]) {
			expect(names).toContain(name);
			expect(recovery).toContain(`env.${name}`);
		}
		const base = c.env!.find((e) => e.name === 'AIOPS_WEBHOOK_BASE')!.value!;
		expect(base).toBe(`http://${byName('Service', 'n8n-webhook').metadata.name}:5678`);
	});
});

describe('deploy/Dockerfile', () => {
	const dockerfile = read('deploy/Dockerfile');

	it('builds on the official n8n image of the version the package is tested with', () => {
		expect(dockerfile).toContain(`ARG N8N_VERSION=${TESTED_N8N}`);
		expect(dockerfile).toMatch(/^FROM docker\.n8n\.io\/n8nio\/n8n:\$\{N8N_VERSION\}$/m);
	});

	it('installs the packed package where n8n looks for community packages, and the recovery where the manifest runs it', () => {
		expect(dockerfile).toContain('installCommunityPackage');
		expect(dockerfile).toMatch(
			/COPY --from=package --chown=node:node \/out\/home\/\.n8n \/home\/node\/\.n8n/,
		);
		expect(dockerfile).toContain('/opt/aiops/queue-recovery.cjs');
	});
});
