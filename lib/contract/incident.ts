// The incident section, written by Aggregate Incident: the incident in `incident`, and what
// this item did to it beside it (is_new, aggregated … for Open or Join; alert_found,
// resolved_now for a resolved alert).
import type { Incident, Tier } from '../incidents';
import { isRecord, itemError, type Json } from './fields';

export interface IncidentJoin {
	is_new: boolean;
	aggregated: boolean;
	duplicate: boolean;
	escalation_changed: boolean;
	superseded_incident_id: string | null;
}

export interface IncidentResolution {
	alert_found: boolean;
	resolved_now: boolean;
}

/** The incident, and what this item did to it (nothing, for Get and List). */
export type IncidentSection = { incident: Incident | null } & Partial<
	IncidentJoin & IncidentResolution
>;

/** The parts of the incident the later nodes act on. */
export interface IncidentRef {
	id: string;
	recommended_tier: Tier;
}

export function writeIncident<T extends Json>(
	json: T,
	incident: Incident | null,
	effect: IncidentJoin | IncidentResolution | Record<string, never> = {},
): T & IncidentSection {
	// a plain JSON copy: dates and nested objects as n8n stores them
	const plain = incident ? (JSON.parse(JSON.stringify(incident)) as Incident) : null;
	return { ...json, incident: plain, ...effect };
}

/** The item's incident; null when no Aggregate Incident ran (or it found none). */
export function readIncident(json: Json, itemIndex: number): IncidentRef | null {
	const incident = json.incident;
	if (incident === undefined || incident === null) return null;
	if (!isRecord(incident)) throw itemError(itemIndex, 'incident', 'must be an object');
	const id = incident.id;
	if (typeof id !== 'string' || id === '') {
		throw itemError(
			itemIndex,
			'incident.id',
			'is missing (the incident Aggregate Incident output)',
		);
	}
	const tier = incident.recommended_tier ?? 1;
	if (tier !== 1 && tier !== 2 && tier !== 3 && tier !== 4) {
		throw itemError(
			itemIndex,
			'incident.recommended_tier',
			`must be 1, 2, 3 or 4, got ${JSON.stringify(tier)}`,
		);
	}
	return { id, recommended_tier: tier };
}
