// The BUILT Deploy App node through the harness, against the fake API server: the four
// operations, both input shapes, item errors, continueOnFail, the credential test.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type {
	ICredentialsDecrypted,
	IDataObject,
	INodeExecutionData,
	INodeType,
} from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';
import { parseAllDocuments } from 'yaml';

import { FakeKube } from '../k8s/server';
import { loadNode, runNode } from '../harness/nodeHarness';

const node = loadNode('DeployApp');
const APP_YAML = readFileSync(join(__dirname, '../fixtures/k8s/app.yaml'), 'utf8');
const APP = parseAllDocuments(APP_YAML).map((d) => d.toJS());
const NS = 'app-event-system';
const policyAnnotations = {
	'n8n-nodes-aiops.dev/max-replicas': '4',
	'n8n-nodes-aiops.dev/approval-required': 'rollback,raise_memory',
};

let fake: FakeKube;
let credentials: Record<string, Record<string, string>>;

beforeEach(async () => {
	fake = await new FakeKube({ tickMs: 5 }).start();
	fake.seed({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'monitoring' } });
	credentials = {
		aiopsKubernetesApi: {
			authentication: 'kubeconfig',
			kubeconfig: fake.kubeconfig(),
			context: '',
		},
	};
});

afterEach(async () => {
	await fake.stop();
});

const run = (parameters: IDataObject, items: INodeExecutionData[], continueOnFail = false) =>
	runNode(node, { parameters, items, credentials, continueOnFail });

describe('Deploy App (node)', () => {
	it('deploys the objects Render Manifests outputs and reports the six steps', async () => {
		const [out] = await run({ operation: 'deploy', rolloutTimeout: 30 }, [
			{ json: { objects: APP, policyAnnotations } },
		]);
		expect(out).toHaveLength(1);
		expect(out[0].pairedItem).toEqual({ item: 0 });
		const report = out[0].json as {
			status: string;
			steps: { step: string; status: string; durationMs: number }[];
			namespace: string;
		};
		expect(report.status).toBe('succeeded');
		expect(report.namespace).toBe(NS);
		expect(report.steps.map((s) => `${s.step}:${s.status}`)).toEqual([
			'create_namespace:succeeded',
			'deploy_app:succeeded',
			'configure_ingress:succeeded',
			'setup_ssl:succeeded',
			'configure_monitoring:succeeded',
			'setup_auto_repair:succeeded',
		]);
		const annotations = (
			fake.get('Deployment', NS, 'event-system')!.metadata as {
				annotations: Record<string, string>;
			}
		).annotations;
		expect(annotations['n8n-nodes-aiops.dev/max-replicas']).toBe('4');
	});

	it('reads multi-document YAML from the yaml field', async () => {
		const [out] = await run({ operation: 'deploy', source: 'yaml', rolloutTimeout: 30 }, [
			{ json: { yaml: APP_YAML } },
		]);
		expect((out[0].json as { status: string }).status).toBe('succeeded');
		expect(fake.get('Ingress', NS, 'event-system')).toBeDefined();
	});

	it('without a Kubernetes credential reports the plan step by step and sends nothing', async () => {
		const before = fake.requests.length;
		const [out] = await runNode(node, {
			parameters: { operation: 'deploy', source: 'yaml', rolloutTimeout: 30 },
			items: [{ json: { yaml: APP_YAML, policyAnnotations } }],
		});
		const report = out[0].json as {
			status: string;
			steps: { step: string; status: string; detail: string }[];
		};
		expect(report.status).toBe('planned');
		expect(report.steps.map((s) => s.step)).toEqual([
			'create_namespace',
			'deploy_app',
			'configure_ingress',
			'setup_ssl',
			'configure_monitoring',
			'setup_auto_repair',
		]);
		expect(report.steps.find((s) => s.step === 'configure_ingress')!.detail).toMatch(
			/Ingress\/event-system/,
		);
		expect(report.steps.find((s) => s.step === 'setup_auto_repair')!.detail).toMatch(
			/policy annotations on 1 workload/,
		);
		expect(fake.requests.length).toBe(before);
		await expect(
			runNode(node, {
				parameters: { operation: 'status', source: 'yaml' },
				items: [{ json: { yaml: APP_YAML } }],
			}),
		).rejects.toThrow(/status needs a Kubernetes API credential/);
	});

	it('fails a bad item with the field and item named; with continueOnFail the other items still run', async () => {
		const bad = { json: { objects: [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: {} }] } };
		const error = await run({ operation: 'deploy' }, [bad]).catch((e) => e);
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error.message).toBe('objects[0] (ConfigMap) has no metadata.name');
		expect(error.description).toBe('Field: objects[0].metadata.name');
		expect(error.context.itemIndex).toBe(0);
		const [out] = await run(
			{ operation: 'status' },
			[{ json: { objects: APP } }, { json: {} }, bad],
			true,
		);
		expect(out.map((o) => o.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(out[0].json).toMatchObject({ operation: 'status', ready: false });
		expect(out[1].json).toEqual({
			error: 'The item has neither "objects" (array of objects) nor "yaml" (YAML text)',
			field: 'objects',
		});
		expect(out[2].json.field).toBe('objects[0].metadata.name');
	});

	it('fails with a NodeApiError naming the verb and resource on a 403, or reports it when asked', async () => {
		fake.rbac = {
			cluster: [{ apiGroups: [''], resources: ['namespaces'], verbs: ['*'] }],
			namespaced: {},
		};
		const error = await run({ operation: 'deploy' }, [{ json: { objects: APP } }]).catch((e) => e);
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.httpCode).toBe('403');
		expect(error.message).toContain(
			'Deploy failed at step create_namespace: Kubernetes denied patch networkpolicies.networking.k8s.io "event-system-isolation"',
		);
		expect(error.message).toContain(
			'the credential lacks "patch" on "networkpolicies.networking.k8s.io"',
		);
		const [out] = await run({ operation: 'deploy', options: { failureInOutput: true } }, [
			{ json: { objects: APP } },
		]);
		const report = out[0].json as {
			status: string;
			errorCode: number;
			steps: { status: string }[];
		};
		expect(report.status).toBe('failed');
		expect(report.errorCode).toBe(403);
		expect(report.steps.map((s) => s.status)).toEqual([
			'failed',
			'pending',
			'pending',
			'pending',
			'pending',
			'pending',
		]);
	});

	it('dry-runs as a diff without changing the cluster, then reports status and tears down', async () => {
		await run({ operation: 'deploy', rolloutTimeout: 30 }, [{ json: { objects: APP } }]);
		await fake.quiet();
		const before = fake.snapshot();
		const changed = APP.map((o) =>
			o.kind === 'ConfigMap' ? { ...o, data: { ...o.data, GUNICORN_WORKERS: '8' } } : o,
		);
		const [dry] = await run({ operation: 'dryRun' }, [{ json: { objects: changed } }]);
		expect(fake.changedSince(before)).toEqual([]);
		const report = dry[0].json as { summary: Record<string, number>; diff: string };
		expect(report.summary).toMatchObject({ update: 1, unchanged: 10 });
		expect(report.diff).toContain('-  GUNICORN_WORKERS: "4"\n+  GUNICORN_WORKERS: "8"');
		const [status] = await run({ operation: 'status' }, [{ json: { objects: APP } }]);
		expect(status[0].json).toMatchObject({
			ready: true,
			summary: '10 of 10 objects present; 1 of 1 workload rolled out',
		});
		const [gone] = await run({ operation: 'delete', namespaceTimeout: 10 }, [
			{ json: { objects: APP } },
		]);
		expect(gone[0].json).toMatchObject({
			status: 'succeeded',
			namespaces: [{ name: NS, gone: true }],
		});
		expect(fake.get('Namespace', '', NS)).toBeUndefined();
	});

	it('offers a credential test that calls /version, then reviews its access', async () => {
		const test = (node as INodeType & { methods: { credentialTest: Record<string, Function> } })
			.methods.credentialTest.kubernetesConnectionTest;
		const ok = await test.call({}, {
			data: credentials.aiopsKubernetesApi,
		} as unknown as ICredentialsDecrypted);
		expect(ok).toEqual({ status: 'OK', message: `Connected to Kubernetes v1.30.0 at ${fake.url}` });
		const paths = fake.requests.map((r) => r.path);
		expect(paths).toContain('/version');
		expect(paths.at(-1)).toBe('/apis/authorization.k8s.io/v1/selfsubjectaccessreviews');
		const token = { authentication: 'token', server: fake.url, token: 'wrong', insecure: true };
		const bad = await test.call({}, { data: token } as unknown as ICredentialsDecrypted);
		expect(bad.status).toBe('Error');
		expect(bad.message).toContain('401 Unauthorized');
	});
});
