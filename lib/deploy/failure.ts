// A Deploy App operation that did not complete, carrying its full report so the node can
// fail the item with the step that failed (and continueOnFail users still get the message).
import { UpstreamError } from '../errors';
import { KubeApiError } from '../kube';

export class AppOperationFailedError extends UpstreamError {
	constructor(
		message: string,
		readonly report: { errorCode?: number },
	) {
		super(message, 'Kubernetes', report.errorCode, report);
		this.name = 'AppOperationFailedError';
	}
}

/** The HTTP status of the API answer behind a failure, when there was one. */
export function errorCode(error: unknown): number | undefined {
	return error instanceof KubeApiError ? error.code : undefined;
}

export function errorMessage(error: unknown): string {
	return error instanceof Error ? error.message : String(error);
}
