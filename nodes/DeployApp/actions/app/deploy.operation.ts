import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { assertDeployed, deployApp, planDeploy } from '../../../../lib/deploy';
import type { KubeClient } from '../../../../lib/kube';
import { forEachApp } from './input';
import { failureInOutputOption, forceOption, policyFieldOption } from './options';

const properties: INodeProperties[] = [
	{
		displayName: 'Rollout Timeout (Seconds)',
		name: 'rolloutTimeout',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 300,
		description:
			"How long the app's Deployments, StatefulSets and DaemonSets may take to roll out; past it the deploy fails with the last rollout status",
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			policyFieldOption(
				'Item field holding the remediation policy annotations (allowed actions, max memory, max replicas, approval) written onto the workloads for Repair Action',
			),
			failureInOutputOption('a failed step'),
			forceOption(
				"Whether to take ownership of fields another field manager changed (kubectl's --force-conflicts), e.g. replicas edited by hand; off, such a field fails the deploy with a 409 naming it",
			),
			{
				displayName: 'Wait for Rollout',
				name: 'waitForRollout',
				type: 'boolean',
				default: true,
				description:
					'Whether to wait for the workloads to roll out before configuring ingress, TLS and monitoring',
			},
		],
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['app'], operation: ['deploy'] } },
	properties,
);

export async function execute(
	this: IExecuteFunctions,
	client: KubeClient,
): Promise<INodeExecutionData[]> {
	return forEachApp(
		this,
		(app, i) =>
			deployApp(client, app.objects, {
				rolloutTimeoutMs: (this.getNodeParameter('rolloutTimeout', i, 300) as number) * 1000,
				waitForRollout: app.options.waitForRollout ?? true,
				force: app.options.force ?? true,
				policy: app.policy,
			}),
		assertDeployed,
	);
}

/** Without a Kubernetes credential: the steps and objects a deploy would apply. */
export async function plan(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	return forEachApp(this, (app) => planDeploy(app.objects, app.policy));
}
