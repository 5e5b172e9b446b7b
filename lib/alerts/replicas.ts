// Labels that only say which HA copy of Prometheus sent an alert. Dropped before anything
// else, so two replicas of one alert are one alert.
export const DEFAULT_REPLICA_LABELS = ['prometheus_replica', 'replica', '__replica__'];

/** A label map that holds any name as data (`__proto__`, `constructor` included). */
export function emptyLabelMap(): Record<string, string> {
	return Object.create(null) as Record<string, string>;
}

export function withoutReplicaLabels(
	labels: Record<string, string>,
	replicaLabels: readonly string[] = DEFAULT_REPLICA_LABELS,
): Record<string, string> {
	const kept = emptyLabelMap();
	for (const name of Object.keys(labels)) {
		if (!replicaLabels.includes(name)) kept[name] = labels[name];
	}
	return kept;
}
