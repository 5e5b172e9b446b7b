import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { UpstreamError } from '../../../../lib/errors';
import {
	NOTIFY_EVENTS,
	plainText,
	renderMessage,
	sendToChannels,
	type DeliveryResult,
} from '../../../../lib/notify';
import { emitItems, type ItemOutcome } from '../../../shared/items';
import { notifyContext } from '../../transport';
import { repeatGuard, repeatKeyOf, suppressionProperties } from './suppression';
import {
	channelSpecs,
	credentialReader,
	deliveryOptionProperties,
	type CommonOptions,
} from './common';

const EVENT_NAMES: Record<(typeof NOTIFY_EVENTS)[number], string> = {
	alert_fired: 'Alert Fired',
	app_deployed: 'App Deployed',
	escalation: 'Escalation',
	incident_resolved: 'Incident Resolved',
	prediction: 'Prediction',
	repair_failed: 'Repair Failed',
	repair_needs_approval: 'Repair Needs Approval',
	repair_succeeded: 'Repair Succeeded',
};

const properties: INodeProperties[] = [
	{
		displayName: 'Event',
		name: 'event',
		type: 'options',
		options: Object.entries(EVENT_NAMES)
			.map(([value, name]) => ({ name, value }))
			.sort((a, b) => a.name.localeCompare(b.name)),
		default: 'alert_fired',
		description: 'Which message template to use; the item’s JSON fills it',
	},
	...suppressionProperties,
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			...deliveryOptionProperties,
			{
				displayName: 'Fail When',
				name: 'failWhen',
				type: 'options',
				options: [
					{
						name: 'All Channels Failed',
						value: 'allFailed',
						description: 'An item fails only when no channel delivered',
					},
					{
						name: 'Any Channel Failed',
						value: 'anyFailed',
					},
					{
						name: 'Never',
						value: 'never',
						description: 'Report failures in the output only',
					},
				],
				default: 'allFailed',
			},
			{
				displayName: 'Include Item in Webhook',
				name: 'includeItemData',
				type: 'boolean',
				default: true,
				description: "Whether the webhook body carries the item's JSON as `data`",
			},
		],
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['message'], operation: ['send'] } },
	properties,
);

interface SendOptions extends CommonOptions {
	failWhen?: 'allFailed' | 'anyFailed' | 'never';
	includeItemData?: boolean;
}

/** The item fails (as an API error) when its channels failed as the Fail When option says. */
function itemFailure(
	results: DeliveryResult[],
	failWhen: SendOptions['failWhen'],
): Error | undefined {
	const failed = results.filter((r) => !r.delivered && !r.suppressed);
	// everything suppressed is a success: it was sent before
	const fails =
		failWhen === 'never'
			? false
			: failWhen === 'anyFailed'
				? failed.length > 0
				: failed.length > 0 && failed.length === results.filter((r) => !r.suppressed).length;
	if (!fails) return undefined;
	const message = failed.map((r) => `${r.channel} (${r.target}): ${r.error}`).join('; ');
	return new UpstreamError(
		`Notification failed: ${message}`,
		'notify',
		failed[0].httpCode ?? undefined,
		results,
	);
}

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const items = this.getInputData();
	const credentials = credentialReader.call(this);
	const outcomes: ItemOutcome[] = [];
	let guard: Awaited<ReturnType<typeof repeatGuard>>;
	try {
		guard = await repeatGuard.call(this);
	} catch (error) {
		// a bad suppression setting fails every item, before anything is sent
		return emitItems.call(
			this,
			items.map(() => ({ error: error as Error })),
		);
	}
	for (let i = 0; i < items.length; i++) {
		try {
			const options = this.getNodeParameter('options', i, {}) as SendOptions;
			const event = this.getNodeParameter('event', i) as string;
			const data = items[i].json;
			const message = renderMessage(event, data, options.template, 'options.template');
			const specs = await channelSpecs.call(
				this,
				i,
				credentials,
				options,
				options.includeItemData === false ? undefined : data,
			);
			const results = await sendToChannels(specs, message, notifyContext.call(this, options), {
				guard,
				repeatKey: guard
					? repeatKeyOf.call(this, i, event, data, plainText(message.spans))
					: undefined,
			});
			const failure = itemFailure(results, options.failWhen);
			if (failure) {
				outcomes.push({ error: failure });
				continue;
			}
			const notification: IDataObject = {
				event,
				title: message.title,
				delivered: results.some((r) => r.delivered),
				suppressed: results.length > 0 && results.every((r) => r.suppressed === true),
				channels: results as unknown as IDataObject[],
			};
			outcomes.push({ json: { ...data, notification } });
		} catch (error) {
			// the other items are still sent; emitItems throws the first error afterwards
			outcomes.push({ error: error as Error });
		}
	}
	return emitItems.call(this, outcomes);
}
