// Defaulting and validation, for the fields and rules our objects meet: the API server fills
// the same defaults on a dry run as on a real write, so a diff of the two shows only real
// changes. Validation covers names, the Deployment selector/template rule and containers.
import type { Json, JsonObject } from './patch';
import { isObject } from './patch';
import type { ResourceType } from './resources';
import type { StatusCause } from './status';

const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

const obj = (v: Json | undefined): JsonObject => (isObject(v) ? v : {});

function defaultPodSpec(spec: JsonObject) {
	spec.restartPolicy ??= 'Always';
	spec.terminationGracePeriodSeconds ??= 30;
	spec.dnsPolicy ??= 'ClusterFirst';
	spec.securityContext ??= {};
	spec.schedulerName ??= 'default-scheduler';
	for (const list of ['containers', 'initContainers']) {
		if (!Array.isArray(spec[list])) continue;
		for (const c of spec[list] as JsonObject[]) {
			c.terminationMessagePath ??= '/dev/termination-log';
			c.terminationMessagePolicy ??= 'File';
			const image = String(c.image ?? '');
			const tagged = /:[^/]+$/.test(image.replace(/@.*$/, ''));
			c.imagePullPolicy ??= !tagged || image.endsWith(':latest') ? 'Always' : 'IfNotPresent';
			c.resources ??= {};
			if (Array.isArray(c.ports)) for (const p of c.ports as JsonObject[]) p.protocol ??= 'TCP';
		}
	}
}

let nextClusterIp = 10;

export function applyDefaults(rt: ResourceType, o: JsonObject): void {
	const m = obj(o.metadata);
	const spec = obj(o.spec);
	switch (rt.kind) {
		case 'Namespace':
			m.labels = { ...obj(m.labels), 'kubernetes.io/metadata.name': String(m.name) };
			o.spec = { finalizers: ['kubernetes'], ...spec };
			o.status ??= { phase: 'Active' };
			break;
		case 'Deployment': {
			spec.replicas ??= 1;
			spec.revisionHistoryLimit ??= 10;
			spec.progressDeadlineSeconds ??= 600;
			const strategy = obj(spec.strategy);
			strategy.type ??= 'RollingUpdate';
			if (strategy.type === 'RollingUpdate') {
				strategy.rollingUpdate = {
					maxUnavailable: '25%',
					maxSurge: '25%',
					...obj(strategy.rollingUpdate),
				};
			}
			spec.strategy = strategy;
			defaultPodSpec(obj(obj(spec.template).spec));
			o.spec = spec;
			break;
		}
		case 'StatefulSet':
			spec.replicas ??= 1;
			spec.updateStrategy ??= { type: 'RollingUpdate', rollingUpdate: { partition: 0 } };
			spec.podManagementPolicy ??= 'OrderedReady';
			spec.revisionHistoryLimit ??= 10;
			defaultPodSpec(obj(obj(spec.template).spec));
			break;
		case 'DaemonSet':
			spec.updateStrategy ??= {
				type: 'RollingUpdate',
				rollingUpdate: { maxUnavailable: 1, maxSurge: 0 },
			};
			spec.revisionHistoryLimit ??= 10;
			defaultPodSpec(obj(obj(spec.template).spec));
			break;
		case 'ReplicaSet':
			spec.replicas ??= 1;
			defaultPodSpec(obj(obj(spec.template).spec));
			break;
		case 'Job':
			spec.backoffLimit ??= 6;
			spec.completions ??= 1;
			spec.parallelism ??= 1;
			defaultPodSpec(obj(obj(spec.template).spec));
			break;
		case 'Pod':
			defaultPodSpec(spec);
			break;
		case 'Service': {
			spec.type ??= 'ClusterIP';
			spec.sessionAffinity ??= 'None';
			if (spec.clusterIP === undefined) {
				spec.clusterIP = `10.96.0.${nextClusterIp++ % 250}`;
				spec.clusterIPs = [spec.clusterIP];
			}
			spec.ipFamilies ??= ['IPv4'];
			spec.ipFamilyPolicy ??= 'SingleStack';
			spec.internalTrafficPolicy ??= 'Cluster';
			if (Array.isArray(spec.ports)) {
				for (const p of spec.ports as JsonObject[]) {
					p.protocol ??= 'TCP';
					p.targetPort ??= p.port;
				}
			}
			o.status ??= { loadBalancer: {} };
			break;
		}
		case 'Secret':
			o.type ??= 'Opaque';
			break;
	}
}

function labelsMatch(selector: JsonObject, labels: JsonObject): boolean {
	const ml = obj(selector.matchLabels);
	return Object.entries(ml).every(([k, v]) => labels[k] === v);
}

/** Field errors for an object about to be stored (empty: valid). */
export function validate(rt: ResourceType, o: JsonObject): StatusCause[] {
	const causes: StatusCause[] = [];
	const m = obj(o.metadata);
	const name = String(m.name ?? '');
	const invalid = (field: string, value: Json | undefined, detail: string) =>
		causes.push({
			reason: 'FieldValueInvalid',
			message: `Invalid value: ${JSON.stringify(value)}: ${detail}`,
			field,
		});
	const required = (field: string) =>
		causes.push({ reason: 'FieldValueRequired', message: 'Required value', field });
	if (!name) required('metadata.name');
	else if (
		rt.kind === 'Namespace'
			? !DNS1123_LABEL.test(name) || name.length > 63
			: !DNS1123_SUBDOMAIN.test(name) || name.length > 253
	) {
		invalid(
			'metadata.name',
			name,
			rt.kind === 'Namespace'
				? "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"
				: "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
		);
	}
	const spec = obj(o.spec);
	const template = obj(spec.template);
	const podSpec = rt.kind === 'Pod' ? spec : obj(template.spec);
	if (['Deployment', 'ReplicaSet', 'StatefulSet', 'DaemonSet'].includes(rt.kind)) {
		const selector = obj(spec.selector);
		if (!isObject(spec.selector)) required('spec.selector');
		else if (!labelsMatch(selector, obj(obj(template.metadata).labels))) {
			invalid(
				'spec.template.metadata.labels',
				obj(obj(template.metadata).labels),
				'`selector` does not match template `labels`',
			);
		}
		if (typeof spec.replicas === 'number' && spec.replicas < 0) {
			invalid('spec.replicas', spec.replicas, 'must be greater than or equal to 0');
		}
	}
	if (['Deployment', 'ReplicaSet', 'StatefulSet', 'DaemonSet', 'Job', 'Pod'].includes(rt.kind)) {
		const prefix = rt.kind === 'Pod' ? 'spec' : 'spec.template.spec';
		const containers = podSpec.containers;
		if (!Array.isArray(containers) || containers.length === 0) required(`${prefix}.containers`);
		else {
			containers.forEach((c, i) => {
				if (!obj(c).name) required(`${prefix}.containers[${i}].name`);
				if (!obj(c).image) required(`${prefix}.containers[${i}].image`);
			});
		}
	}
	return causes;
}
