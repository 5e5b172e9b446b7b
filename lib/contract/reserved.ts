// Sections reserved for the evidence-before-action step (DESIGN.md): named here so no node
// takes these names for something else. Nothing writes them yet.

/** What the investigator gathered for the incident, source by source. */
export interface EvidenceSection {
	evidence: { gathered_at: string; sources: Record<string, unknown> };
}

/** The diagnostician's reading of the evidence. */
export interface DiagnosisSection {
	diagnosis: {
		cause: string;
		confidence: number;
		recommended_action: string | null;
		useless_actions: string[];
	};
}
