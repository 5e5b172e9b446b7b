// Validates rendered objects against the Kubernetes OpenAPI schemas (npm kubernetes-models, and
// its prometheus-operator and cert-manager packages for the custom resources). A kind the map
// does not know is an error: every kind Render Manifests emits must be checked.
import { Certificate } from '@kubernetes-models/cert-manager/cert-manager.io/v1/Certificate';
import { PrometheusRule } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PrometheusRule';
import { ServiceMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { StatefulSet } from 'kubernetes-models/apps/v1/StatefulSet';
import { Ingress } from 'kubernetes-models/networking.k8s.io/v1/Ingress';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Namespace } from 'kubernetes-models/v1/Namespace';
import { Secret } from 'kubernetes-models/v1/Secret';
import { Service } from 'kubernetes-models/v1/Service';
import { ServiceAccount } from 'kubernetes-models/v1/ServiceAccount';

type Model = new (data: never) => { validate(): void };

const MODELS: Record<string, Model> = {
	'v1/Namespace': Namespace as unknown as Model,
	'v1/ServiceAccount': ServiceAccount as unknown as Model,
	'v1/ConfigMap': ConfigMap as unknown as Model,
	'v1/Secret': Secret as unknown as Model,
	'v1/Service': Service as unknown as Model,
	'apps/v1/Deployment': Deployment as unknown as Model,
	'apps/v1/StatefulSet': StatefulSet as unknown as Model,
	'networking.k8s.io/v1/Ingress': Ingress as unknown as Model,
	'networking.k8s.io/v1/NetworkPolicy': NetworkPolicy as unknown as Model,
	'cert-manager.io/v1/Certificate': Certificate as unknown as Model,
	'monitoring.coreos.com/v1/ServiceMonitor': ServiceMonitor as unknown as Model,
	'monitoring.coreos.com/v1/PrometheusRule': PrometheusRule as unknown as Model,
};

export const VALIDATED_KINDS = Object.keys(MODELS);

/** Throws with the schema's complaint (and the object's kind/name) when the object is not valid. */
export function validateAgainstSchema(object: {
	apiVersion: string;
	kind: string;
	metadata: { name: string };
}): void {
	const model = MODELS[`${object.apiVersion}/${object.kind}`];
	if (!model) throw new Error(`no schema for ${object.apiVersion} ${object.kind}`);
	try {
		new model(structuredClone(object) as never).validate();
	} catch (error) {
		throw new Error(`${object.kind} ${object.metadata.name}: ${(error as Error).message}`);
	}
}
