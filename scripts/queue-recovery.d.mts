export declare function parseFlatted(text: string): unknown;
export declare function triggerItems(data: unknown, trigger: { name: string }): Record<string, unknown>[];
export declare function deliveryFromItems(items: Record<string, unknown>[]): Record<string, unknown> & {
	alerts: Record<string, unknown>[];
};
export interface IntakeRecovery {
	stats: { snapshots: number; redriven: number; dropped: number };
	round: () => Promise<void>;
	start: (intervalMs?: number) => void;
	stop: () => Promise<void>;
}
export declare function intakeRecovery(options: {
	n8nDatabaseUrl: string;
	n8nSchema?: string;
	webhookBase: string;
	authorization?: string;
	snapshotAfterMs?: number;
	lookBackMinutes?: number;
	maxAttempts?: number;
	log?: (message: string) => void;
}): IntakeRecovery;
