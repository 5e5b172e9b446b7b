// Input parsing, apply order, diffs, selectors and timestamps of lib/kube.
import { InvalidInputError } from '../../lib/errors';
import { diffObject, fieldChanges, unifiedDiff } from '../../lib/kube/diff';
import { applyOrder, deleteOrder } from '../../lib/kube/order';
import { parseObjectList, parseYamlObjects } from '../../lib/kube/parseObjects';
import { selectorString, templatesEqual } from '../../lib/kube/rollbackToRevision';
import { rfc3339Local } from '../../lib/kube/rolloutRestart';

describe('parseYamlObjects', () => {
	it('reads multi-document YAML as kubectl does: empty documents skipped, Lists flattened, YAML 1.1', () => {
		const objects = parseYamlObjects(`---
apiVersion: v1
kind: Namespace
metadata: {name: app-a}
---
# only a comment
---
apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: ConfigMap
  metadata: {name: c, namespace: app-a}
  data: {enabled: "yes"}
- apiVersion: v1
  kind: Secret
  metadata: {name: s, namespace: app-a}
  immutable: yes
`);
		expect(objects.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([
			'Namespace/app-a',
			'ConfigMap/c',
			'Secret/s',
		]);
		expect(objects[2].immutable).toBe(true); // YAML 1.1: yes is a boolean
		expect((objects[1].data as Record<string, string>).enabled).toBe('yes');
	});

	it('names the document and field that is wrong', () => {
		expect(() => parseYamlObjects('kind: ConfigMap\nmetadata: {name: x}\n')).toThrow(
			new InvalidInputError('yaml[0] has no apiVersion', 'yaml[0].apiVersion'),
		);
		expect(() =>
			parseYamlObjects(
				'apiVersion: v1\nkind: ConfigMap\n---\napiVersion: v1\nkind: A\nmetadata: {name: a}',
			),
		).toThrow(/yaml\[0\] \(ConfigMap\) has no metadata.name/);
		expect(() => parseYamlObjects('a: [1, 2')).toThrow(/yaml document 1 is not valid YAML/);
		expect(() => parseObjectList({})).toThrow(/objects must be an array/);
		expect(() =>
			parseObjectList([{ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 3 } }]),
		).toThrow(/metadata.namespace that is not a string/);
	});
});

describe('applyOrder', () => {
	it('puts what others depend on first, custom resources last by kind, and deletes in reverse', () => {
		const o = (kind: string, name = kind.toLowerCase()) => ({
			apiVersion: 'v1',
			kind,
			metadata: { name },
		});
		const input = [
			o('ServiceMonitor'),
			o('Deployment'),
			o('Ingress'),
			o('Certificate'),
			o('Service'),
			o('ConfigMap'),
			o('Namespace'),
			o('NetworkPolicy'),
			o('ServiceAccount'),
			o('PrometheusRule'),
		];
		expect(applyOrder(input).map((x) => x.kind)).toEqual([
			'Namespace',
			'NetworkPolicy',
			'ServiceAccount',
			'ConfigMap',
			'Service',
			'Deployment',
			'Ingress',
			'Certificate',
			'PrometheusRule',
			'ServiceMonitor',
		]);
		expect(deleteOrder(input)[0].kind).toBe('ServiceMonitor');
		expect(deleteOrder(input).at(-1)!.kind).toBe('Namespace');
		expect(
			applyOrder([o('ConfigMap', 'b'), o('ConfigMap', 'a')]).map((x) => x.metadata.name),
		).toEqual(['b', 'a']);
	});
});

describe('diff', () => {
	it('lists changed fields, named list items by name, and masks server-managed fields', () => {
		const live = {
			apiVersion: 'apps/v1',
			kind: 'Deployment',
			metadata: { name: 'web', resourceVersion: '7', generation: 3, managedFields: [{}] },
			spec: {
				replicas: 2,
				template: {
					spec: {
						containers: [
							{ name: 'app', image: 'a:1' },
							{ name: 'side', image: 's:1' },
						],
					},
				},
			},
			status: { replicas: 2 },
		};
		const proposed = {
			...live,
			metadata: { name: 'web', resourceVersion: '8', generation: 4, labels: { team: 'x' } },
			spec: {
				replicas: 2,
				template: {
					spec: {
						containers: [
							{ name: 'app', image: 'a:2' },
							{ name: 'side', image: 's:1' },
						],
					},
				},
			},
			status: { replicas: 1 },
		};
		const d = diffObject(live, proposed, 'Deployment/web');
		expect(d.action).toBe('update');
		expect(d.changes).toEqual([
			{ path: '.metadata.labels', op: 'add', after: { team: 'x' } },
			{
				path: '.spec.template.spec.containers[name="app"].image',
				op: 'replace',
				before: 'a:1',
				after: 'a:2',
			},
		]);
		expect(d.diff).toContain('-          image: a:1\n+          image: a:2');
		expect(
			diffObject(live, { ...live, metadata: { ...live.metadata, resourceVersion: '9' } }, 'x'),
		).toEqual({ action: 'unchanged', changes: [], diff: '' });
		expect(diffObject(undefined, proposed, 'x').action).toBe('create');
		expect(fieldChanges({ a: ['x'] }, { a: ['x', 'y'] })).toEqual([
			{ path: '.a', op: 'replace', before: ['x'], after: ['x', 'y'] },
		]);
		expect(fieldChanges({ 'kubernetes.io/x': 1 }, {})).toEqual([
			{ path: '["kubernetes.io/x"]', op: 'remove', before: 1 },
		]);
	});

	it('writes unified-diff hunks with line numbers', () => {
		const a = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '10'].join('\n');
		const b = ['1', '2', '3', '4', 'five', '6', '7', '8', '9', '10', '11'].join('\n');
		expect(unifiedDiff(a, b, ['a', 'b'], 1)).toBe(
			'--- a\n+++ b\n@@ -4,3 +4,3 @@\n 4\n-5\n+five\n 6\n@@ -10 +10,2 @@\n 10\n+11\n',
		);
		expect(unifiedDiff('', 'x\n', ['a', 'b'])).toBe('--- a\n+++ b\n@@ -0,0 +1 @@\n+x\n');
	});
});

describe('selectorString / templatesEqual / rfc3339Local', () => {
	it('renders a label selector as LabelSelectorAsSelector().String() does', () => {
		expect(
			selectorString({
				matchLabels: { b: '2', a: '1' },
				matchExpressions: [
					{ key: 'c', operator: 'In', values: ['y', 'x'] },
					{ key: 'd', operator: 'DoesNotExist' },
				],
			}),
		).toBe('a=1,b=2,c in (x,y),!d');
	});
	it('compares pod templates ignoring pod-template-hash', () => {
		const t = (labels: Record<string, string>) => ({
			metadata: { labels },
			spec: { containers: [{ name: 'a', image: 'x' }] },
		});
		expect(templatesEqual(t({ app: 'w', 'pod-template-hash': 'abc' }), t({ app: 'w' }))).toBe(true);
		expect(templatesEqual(t({ app: 'w' }), t({ app: 'v' }))).toBe(false);
	});
	it("formats time as Go's RFC3339 in the local zone, second precision", () => {
		const d = new Date('2024-05-01T12:34:56.789Z');
		const text = rfc3339Local(d);
		expect(text).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(Z|[+-]\d\d:\d\d)$/);
		expect(Date.parse(text)).toBe(Date.parse('2024-05-01T12:34:56Z'));
	});
});
