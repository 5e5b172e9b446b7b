// An alert storm as Alertmanager would deliver it: one delivery per signature (a Deployment's
// crash-looping pods), every alert twice (an HA pair of Prometheus replicas), some deliveries
// sent again byte for byte (Alertmanager's re-sends). Shared by the queue e2e and bench/queue.

export interface Storm {
	/** the bodies to POST, re-sends included, in sending order */
	bodies: string[];
	/** distinct occurrences (alert instance × startsAt) the storm carries */
	occurrences: number;
	/** alerts sent in total (replicas and re-sends included) */
	alerts: number;
	signatures: number;
	alertname: string;
}

export function alertStorm({
	tag,
	signatures = 200,
	podsPerSignature = 10,
	replicas = 2,
	resendEvery = 10,
	now = Date.now(),
}: {
	tag: string;
	signatures?: number;
	podsPerSignature?: number;
	replicas?: number;
	/** every n-th delivery is sent twice */
	resendEvery?: number;
	now?: number;
}): Storm {
	const alertname = `QueueStorm${tag}`;
	const bodies: string[] = [];
	let alerts = 0;
	for (let s = 0; s < signatures; s++) {
		const deployment = `svc-${s}`;
		const groupLabels = { alertname, deployment };
		const items = [];
		for (let p = 0; p < podsPerSignature; p++) {
			// one firing per pod, a second apart, within the last hour
			const startsAt = new Date(now - 120_000 - p * 1_000).toISOString();
			for (let r = 0; r < replicas; r++) {
				items.push({
					status: 'firing',
					labels: {
						alertname,
						namespace: 'shop',
						deployment,
						pod: `${deployment}-7d9f8c6b5-p${String(p).padStart(4, '0')}`,
						container: 'app',
						reason: 'CrashLoopBackOff',
						severity: 'warning',
						prometheus_replica: `prom-${r}`,
					},
					annotations: { summary: `${deployment} is crash looping` },
					startsAt,
					endsAt: '0001-01-01T00:00:00Z',
					generatorURL: 'http://prometheus.local/graph',
				});
			}
		}
		const body = JSON.stringify(deliveryBody(items, groupLabels));
		bodies.push(body);
		alerts += items.length;
		if (resendEvery > 0 && s % resendEvery === 0) {
			bodies.push(body);
			alerts += items.length;
		}
	}
	return { bodies, occurrences: signatures * podsPerSignature, alerts, signatures, alertname };
}

/** An Alertmanager webhook (version 4) carrying `alerts` of one group. */
export function deliveryBody(alerts: object[], groupLabels: Record<string, string>) {
	return {
		version: '4',
		groupKey: `{}:{${Object.entries(groupLabels)
			.map(([k, v]) => `${k}="${v}"`)
			.join(', ')}}`,
		truncatedAlerts: 0,
		status: 'firing',
		receiver: 'aiops',
		groupLabels,
		commonLabels: groupLabels,
		commonAnnotations: {},
		externalURL: 'http://alertmanager.local',
		alerts,
	};
}

export interface SendResult {
	/** deliveries answered 200 */
	accepted: number;
	/** answers other than 200 (each retried, as Alertmanager retries a failed notification) */
	refused: number;
}

/**
 * POSTs the bodies with `concurrency` deliveries in flight; a delivery that is not answered 200
 * is retried after a second until it is (that is not a re-send of an accepted delivery).
 * `onProgress(sent)` runs after each accepted delivery.
 */
export async function sendStorm(
	url: string,
	authorization: string,
	bodies: string[],
	{
		concurrency = 8,
		onProgress,
	}: { concurrency?: number; onProgress?: (accepted: number) => void } = {},
): Promise<SendResult> {
	const result: SendResult = { accepted: 0, refused: 0 };
	let next = 0;
	const worker = async () => {
		while (next < bodies.length) {
			const body = bodies[next++];
			for (;;) {
				const status = await fetch(url, {
					method: 'POST',
					headers: { 'content-type': 'application/json', authorization },
					body,
				}).then(
					async (r) => {
						await r.arrayBuffer();
						return r.status;
					},
					() => 0,
				);
				if (status === 200) break;
				result.refused++;
				await new Promise((r) => setTimeout(r, 1_000));
			}
			result.accepted++;
			onProgress?.(result.accepted);
		}
	};
	await Promise.all(Array.from({ length: concurrency }, worker));
	return result;
}
