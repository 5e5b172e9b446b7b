import type { INodeProperties } from 'n8n-workflow';
import { SEND_AND_WAIT_OPERATION } from 'n8n-workflow';

import * as send from './send.operation';
import * as sendAndWait from './sendAndWait.operation';

export { send, sendAndWait };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['message'] } },
		options: [
			{
				name: 'Send',
				value: 'send',
				description:
					'Send each item as a message from its event template to every selected channel',
				action: 'Send a notification',
			},
			{
				name: 'Send and Wait for Approval',
				value: SEND_AND_WAIT_OPERATION,
				description:
					'Send an approval request with approve and reject links, and pause the workflow until someone answers or the time limit passes',
				action: 'Send and wait for approval',
			},
		],
		default: 'send',
	},
];
