// The sliding windows occurrences are counted over, and the retention of occurrences.
export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;

export const WINDOWS = [
	{ name: 'count_1h', ms: HOUR_MS },
	{ name: 'count_24h', ms: DAY_MS },
	{ name: 'count_7d', ms: 7 * DAY_MS },
	{ name: 'count_30d', ms: 30 * DAY_MS },
] as const;

export const DEFAULT_RETENTION_DAYS = 30;

/** Repair outcomes kept per anomaly_key (the newest). */
export const OUTCOME_HISTORY_LIMIT = 100;
