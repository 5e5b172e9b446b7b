// An incident as the Aggregate Incident node outputs it.
import type { EscalationLevel } from '../anomaly';
import type { Tier } from './tier';

export type IncidentStatus = 'open' | 'acknowledged' | 'resolved';

export interface RepairAttempt {
	action: string;
	success: boolean;
	at: string;
	outcome_id: string | null;
	details: unknown;
}

export interface IncidentRepairStats {
	total: number;
	successes: number;
	restarts: number;
	last_action: string | null;
	last_success: boolean | null;
	last_at: string | null;
	/** The last 20 attempts, newest first. */
	attempts: RepairAttempt[];
}

export interface Incident {
	id: string;
	anomaly_key: string;
	status: IncidentStatus;
	title: string;
	severity: string | null;
	signature: Record<string, unknown> | null;
	first_alert_at: string;
	last_alert_at: string;
	/** When an alert of the incident was last received (re-deliveries included). */
	last_seen_at: string;
	/** Distinct occurrences aggregated into the incident. */
	aggregated_count: number;
	alerts_total: number;
	alerts_firing: number;
	/** The highest escalation level reached during the incident. */
	escalation_level: EscalationLevel | null;
	/** The highest tier recommended during the incident. */
	recommended_tier: Tier;
	/** Frequency stats of the latest occurrence (from Record Anomaly), if it carried them. */
	frequency: Record<string, unknown> | null;
	repair_stats: IncidentRepairStats;
	created_at: string;
	updated_at: string;
	acknowledged_at: string | null;
	acknowledged_by: string | null;
	resolved_at: string | null;
	resolution_reason: string | null;
	/** Stored values of the incident that were unreadable and came out null (absent when none). */
	store_warnings?: string[];
}
