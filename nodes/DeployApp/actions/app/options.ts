// Options more than one operation offers, written once.
import type { INodeProperties } from 'n8n-workflow';

export function failureInOutputOption(what: string): INodeProperties {
	return {
		displayName: 'Report Failure in Output',
		name: 'failureInOutput',
		type: 'boolean',
		default: false,
		description: `Whether ${what} is reported in the output item (status "failed") instead of failing the item`,
	};
}

export function policyFieldOption(description: string): INodeProperties {
	return {
		displayName: 'Policy Field',
		name: 'policyField',
		type: 'string',
		default: 'policyAnnotations',
		description,
	};
}

export function forceOption(description: string): INodeProperties {
	return {
		displayName: 'Take Over Conflicting Fields',
		name: 'force',
		type: 'boolean',
		default: true,
		description,
	};
}

/** The Options collection of every operation (each shows the ones it uses). */
export interface AppOptions {
	policyField?: string;
	failureInOutput?: boolean;
	force?: boolean;
	waitForRollout?: boolean;
	waitForNamespace?: boolean;
}
