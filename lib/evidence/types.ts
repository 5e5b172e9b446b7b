// The evidence snapshot: what the cluster, the logs, Prometheus and the package's own state said
// about one workload at one moment, each source with its own status. The diagnosis rules
// (lib/diagnosis) read only this shape, so a snapshot stored with an incident can be diagnosed
// again later and a user can build one by hand.

export type EvidenceSourceName = 'history' | 'cluster' | 'logs' | 'prometheus';

/** How one source fared: `timeout` and `error` mean its part of the snapshot is missing. */
export interface SourceReport {
	status: 'ok' | 'timeout' | 'error' | 'skipped';
	durationMs: number;
	/** why it failed or was skipped */
	detail?: string;
}

export interface EvidenceTarget {
	namespace: string;
	/** Deployment, StatefulSet or DaemonSet */
	kind: string;
	name: string;
	/** the container the alert names, if any */
	container?: string;
}

export interface ContainerTermination {
	reason: string;
	exitCode: number;
	finishedAt?: string;
	message?: string;
}

export interface ContainerEvidence {
	pod: string;
	name: string;
	image: string;
	ready: boolean;
	restartCount: number;
	/** waiting / running / terminated */
	state: string;
	/** CrashLoopBackOff, ImagePullBackOff, CreateContainerConfigError, OOMKilled, … */
	reason?: string;
	message?: string;
	lastTermination?: ContainerTermination;
}

export interface PodEvidence {
	name: string;
	phase: string;
	node?: string;
	/** PodScheduled=False and the like: `type: reason — message` */
	problems: string[];
	containers: ContainerEvidence[];
}

export interface ContainerSpecEvidence {
	name: string;
	image: string;
	requests: Record<string, string>;
	limits: Record<string, string>;
}

export interface RevisionEvidence {
	revision: number;
	createdAt?: string;
	images: string[];
}

export interface WorkloadEvidence {
	kind: string;
	name: string;
	namespace: string;
	replicas: number;
	readyReplicas: number;
	updatedReplicas: number;
	containers: ContainerSpecEvidence[];
	/** the current and the previous revision (Deployments), newest first */
	revisions: RevisionEvidence[];
	/** seconds between the current revision's creation and the snapshot */
	rolledOutSecondsAgo?: number;
}

export interface EventEvidence {
	type: string;
	reason: string;
	message: string;
	/** `Pod web-5d9c-abcde` */
	object: string;
	count: number;
	lastSeen?: string;
}

export interface NodeEvidence {
	name: string;
	/** conditions that say the node is unwell: `Ready=False (KubeletNotReady)`, `MemoryPressure=True` */
	problems: string[];
}

/** A Service the workload talks to (named in its env or its logs) and whether it has endpoints. */
export interface DependencyEvidence {
	service: string;
	namespace: string;
	exists: boolean;
	readyEndpoints: number;
	notReadyEndpoints: number;
	/** where the workload names it: `env DATABASE_URL`, `log` */
	namedIn: string[];
}

export type LogSignalKind =
	| 'connection_refused'
	| 'timeout'
	| 'unknown_host'
	| 'out_of_memory'
	| 'missing_config'
	| 'permission_denied';

export interface LogSignal {
	kind: LogSignalKind;
	/** host or host:port the line names, when it names one */
	endpoint?: string;
	line: string;
}

export interface LogEvidence {
	pod: string;
	container: string;
	/** the log of the instance that crashed, not the one now starting */
	previous: boolean;
	tail: string[];
	signals: LogSignal[];
}

export interface MetricEvidence {
	container?: string;
	memoryBytes?: number;
	memoryLimitBytes?: number;
	cpuCores?: number;
	cpuLimitCores?: number;
	/** fraction of CPU periods throttled over the last 5 minutes */
	cpuThrottled?: number;
}

/** The package's own record of the signature, as the item carried it or the store answered. */
export interface HistoryEvidence {
	count1h?: number;
	count24h?: number;
	escalation?: string;
	incidentId?: string;
	tier?: number;
	repairs: { action: string; attempts: number; successes: number; lastOutcome?: string }[];
}

export interface EvidenceSnapshot {
	collectedAt: string;
	target: EvidenceTarget;
	sources: Record<EvidenceSourceName, SourceReport>;
	workload?: WorkloadEvidence;
	pods: PodEvidence[];
	events: EventEvidence[];
	nodes: NodeEvidence[];
	dependencies: DependencyEvidence[];
	logs: LogEvidence[];
	metrics: MetricEvidence[];
	history?: HistoryEvidence;
}
