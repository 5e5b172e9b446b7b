// What a new or bursting template becomes so that it flows into occurrences and incidents
// like an alert: the fields Record Anomaly takes (signature, anomaly_key, startsAt,
// occurrence_id), with error_type = the template id.
import { anomalyKey, occurrenceId, type Signature } from '../alerts';

export const NEW_PATTERN_ALERT = 'LogPatternNew';
export const PATTERN_BURST_ALERT = 'LogPatternBurst';

export interface PatternSource {
	namespace?: string;
	workload?: string;
	container?: string;
}

export interface PatternSignal {
	alert_name: string;
	status: 'firing';
	signature: Signature;
	anomaly_key: string;
	startsAt: string;
	occurrence_id: string;
	labels: Record<string, string>;
}

/**
 * The occurrence for a template: `new` (first seen after the warm-up) starts at its first
 * line; a `burst` at the run's time, so each bursting run is one more occurrence.
 */
export function patternSignal(
	kind: 'new' | 'burst',
	templateId: string,
	source: PatternSource,
	startsAtMs: number,
): PatternSignal {
	const signature: Signature = {
		alert_name: kind === 'new' ? NEW_PATTERN_ALERT : PATTERN_BURST_ALERT,
		namespace: source.namespace ?? '',
		workload: source.workload ?? '',
		container: source.container ?? '',
		error_type: templateId,
	};
	const key = anomalyKey(signature);
	const startsAt = new Date(startsAtMs).toISOString();
	const labels: Record<string, string> = {
		alertname: signature.alert_name,
		template_id: templateId,
	};
	if (signature.namespace) labels.namespace = signature.namespace;
	if (signature.workload) labels.workload = signature.workload;
	if (signature.container) labels.container = signature.container;
	return {
		alert_name: signature.alert_name,
		status: 'firing',
		signature,
		anomaly_key: key,
		startsAt,
		occurrence_id: occurrenceId(key, startsAt),
		labels,
	};
}
