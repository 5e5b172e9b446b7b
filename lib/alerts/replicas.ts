// Labels that only say which HA copy of Prometheus sent an alert. Dropped before anything
// else, so two replicas of one alert are one alert.
export const DEFAULT_REPLICA_LABELS = ['prometheus_replica', 'replica', '__replica__'];

export function withoutReplicaLabels(
	labels: Record<string, string>,
	replicaLabels: readonly string[] = DEFAULT_REPLICA_LABELS,
): Record<string, string> {
	const kept: Record<string, string> = {};
	for (const [name, value] of Object.entries(labels)) {
		if (!replicaLabels.includes(name)) kept[name] = value;
	}
	return kept;
}
