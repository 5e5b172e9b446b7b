// What Render Manifests produces, applied as Deploy App applies it (server-side apply through
// lib/kube) to the fake API server: every object is accepted, the workloads roll out, and
// applying the same render again changes nothing.
import { FRAMEWORKS, renderManifests } from '../../lib/manifests';
import { KubeClient } from '../../lib/kube/client';
import { applyObject } from '../../lib/kube/objects';
import { FakeKube } from '../k8s/server';

let fake: FakeKube;
let client: KubeClient;

beforeEach(async () => {
	fake = await new FakeKube({ tickMs: 0 }).start();
	client = KubeClient.fromCredential({ mode: 'kubeconfig', kubeconfig: fake.kubeconfig() });
});
afterEach(async () => {
	await fake.stop();
});

describe('rendered objects on the (fake) API server', () => {
	it.each(FRAMEWORKS)(
		'%s with both addons: applied, rolled out, and stable on a second apply',
		async (framework) => {
			const result = renderManifests(
				{
					name: 'shop',
					domain: 'shop.example.com',
					framework,
					image: 'registry.example.com/shop:1.0.0',
					addons: ['postgresql', 'redis'],
				},
				{ generatePassword: () => 'pw' },
			);
			const first = [];
			for (const object of result.objects) first.push(await applyObject(client, object));
			fake.settle();
			for (const d of result.objects.filter((o) => o.kind === 'Deployment')) {
				const live = fake.get('Deployment', result.namespace, d.metadata.name) as any;
				expect(live.status.availableReplicas).toBe((d.spec as any).replicas);
			}
			const stored = (o: { kind: string; metadata: { name: string; namespace?: string } }) =>
				(fake.get(o.kind, o.metadata.namespace ?? '', o.metadata.name) as any).metadata;
			const before = result.objects.map((o) => stored(o).resourceVersion);
			for (const [i, object] of result.objects.entries()) {
				const again = await applyObject(client, object);
				// an apply that changes nothing keeps the resourceVersion (and the object)
				expect(again.metadata.resourceVersion, `${object.kind} ${object.metadata.name}`).toBe(
					before[i],
				);
				expect(again.metadata.uid).toBe(first[i].metadata.uid);
			}
		},
	);
});
