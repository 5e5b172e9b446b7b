import type { N8nRuntime } from './n8n-local.mjs';

export declare function freePort(): Promise<number>;
export declare function ensureDatabase(url: string): Promise<void>;
export declare function queueSettings(options: {
	n8nDatabaseUrl: string;
	redisUrl: string;
	bullPrefix: string;
	encryptionKey: string;
}): Record<string, string>;
export interface QueueProcess {
	role: string;
	child: import('node:child_process').ChildProcess;
	logs: () => string;
}
export interface QueueCluster {
	mainUrl: string;
	webhookUrl: string;
	procs: Record<string, QueueProcess>;
	envs: Record<string, Record<string, string>>;
	logs: () => string;
	stop: () => Promise<void>;
	killWorker: (index: number) => Promise<void>;
	stopWorker: (index: number) => Promise<void>;
	startWorker: (index: number) => Promise<void>;
}
export declare function startQueueCluster(options: {
	runtime: N8nRuntime;
	tarball: string;
	folder: string;
	workers?: number;
	host?: string;
	mainPort?: number;
	webhookPort?: number;
	settings: Record<string, string>;
	extraEnv?: Record<string, string>;
	credentials?: object[];
	workflows?: Array<object & { id?: string }>;
	publish?: (workflow: object & { id?: string }) => boolean;
	webhooks?: string[];
	echo?: (line: string) => void;
}): Promise<QueueCluster>;
