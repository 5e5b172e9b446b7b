// Runs the rules over a snapshot and keeps the strongest conclusion (ties: the rule order).
// With no rule matching, the cause is `unknown` and Repair Action keeps its tier ladder.
import type { EvidenceSnapshot } from '../evidence/types';
import { RULES } from './rules';
import type { Diagnosis } from './types';

export function diagnose(snapshot: EvidenceSnapshot): Diagnosis {
	const missing = Object.entries(snapshot.sources)
		.filter(([, r]) => r.status === 'timeout' || r.status === 'error')
		.map(([name, r]) => `${name} (${r.status}${r.detail ? `: ${r.detail}` : ''})`);
	const matches = RULES.map((rule) => rule(snapshot)).filter((m) => m !== undefined);
	// stable sort keeps the rule order among equal confidences
	const ranked = [...matches].sort((a, b) => b.confidence - a.confidence);
	const best = ranked[0];
	if (!best) {
		return {
			cause: 'unknown',
			confidence: 0,
			summary: 'no rule matched the evidence: the tier ladder decides',
			evidence: [],
			recommended: null,
			cannotHelp: [],
			alternatives: [],
			missing,
		};
	}
	return {
		...best,
		alternatives: ranked.slice(1).map((m) => ({ cause: m.cause, confidence: m.confidence })),
		missing,
	};
}
