// The recommended repair tier (DESIGN.md): 1 restart, 2 mitigate, 3 root cause,
// 4 architecture. Tier 2 from ESCALATE or at least 2 restarts, 3 from PERMANENT_FIX, 4 when a
// permanent fix was marked and the signature still recurs.
import type { EscalationLevel } from '../anomaly';

export type Tier = 1 | 2 | 3 | 4;

export interface TierInputs {
	escalation_level?: EscalationLevel | null;
	restart_count?: number;
	permanent_fix_applied?: boolean;
	recurred_after_fix?: boolean;
}

export function recommendedTier(f: TierInputs): Tier {
	if (f.permanent_fix_applied && f.recurred_after_fix) return 4;
	if (f.escalation_level === 'PERMANENT_FIX') return 3;
	if (f.escalation_level === 'ESCALATE' || (f.restart_count ?? 0) >= 2) return 2;
	return 1;
}
