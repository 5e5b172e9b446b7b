import type { INodeProperties } from 'n8n-workflow';

import { scopeProperties } from '../properties';
import * as learnAndMatch from './learnAndMatch.operation';
import * as listTemplates from './listTemplates.operation';
import * as matchOnly from './matchOnly.operation';
import * as resetScope from './resetScope.operation';

export { learnAndMatch, listTemplates, matchOnly, resetScope };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['logPattern'] } },
		options: [
			{
				name: 'Learn and Match',
				value: 'learnAndMatch',
				description:
					'Learn the lines into their scope’s templates; flag new templates after the warm-up and bursts',
				action: 'Learn and match log lines',
			},
			{
				name: 'List Templates',
				value: 'listTemplates',
				description: 'Output the templates a scope has learned',
				action: 'List the templates of a scope',
			},
			{
				name: 'Match Only',
				value: 'matchOnly',
				description: 'Classify lines against the templates a scope knows, learning nothing',
				action: 'Match log lines without learning',
			},
			{
				name: 'Reset Scope',
				value: 'resetScope',
				description:
					'Forget everything a scope has learned (templates, rates, warm-up, read positions)',
				action: 'Reset a scope',
			},
		],
		default: 'learnAndMatch',
	},
	...learnAndMatch.description,
	...matchOnly.description,
	...scopeProperties,
];
