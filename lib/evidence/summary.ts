// The snapshot as bounded plain text, for messages and for an LLM's prompt: the facts a person
// would look at first, each line cut, the whole cut at a limit (with a visible mark).
import type { EvidenceSnapshot } from './types';

export const SUMMARY_LIMIT = 4000;
const LINE_LIMIT = 300;

const cut = (line: string, n = LINE_LIMIT) => (line.length > n ? `${line.slice(0, n - 1)}…` : line);

export function evidenceSummary(s: EvidenceSnapshot, limit = SUMMARY_LIMIT): string {
	const out: string[] = [];
	const t = s.target;
	out.push(`Evidence for ${t.kind} ${t.namespace}/${t.name}${t.container ? ` (container ${t.container})` : ''} at ${s.collectedAt}`);
	const gaps = Object.entries(s.sources).filter(([, r]) => r.status !== 'ok');
	if (gaps.length) out.push(`Missing sources: ${gaps.map(([n, r]) => `${n} ${r.status}${r.detail ? ` (${r.detail})` : ''}`).join('; ')}`);
	const w = s.workload;
	if (w) {
		out.push(`Workload: ${w.readyReplicas}/${w.replicas} ready, ${w.updatedReplicas} updated`);
		for (const c of w.containers) {
			const res = [...Object.entries(c.requests).map(([k, v]) => `request ${k} ${v}`), ...Object.entries(c.limits).map(([k, v]) => `limit ${k} ${v}`)];
			out.push(`  container ${c.name}: ${c.image}${res.length ? `; ${res.join(', ')}` : ''}`);
		}
		const [cur, prev] = w.revisions;
		if (cur) out.push(`Revision ${cur.revision}${w.rolledOutSecondsAgo !== undefined ? `, rolled out ${Math.round(w.rolledOutSecondsAgo / 60)} min ago` : ''}${prev ? `; previous ${prev.revision} (${prev.images.join(', ')})` : ''}`);
	}
	for (const p of s.pods.slice(0, 5)) {
		const cs = p.containers.map((c) => `${c.name} ${c.reason ?? c.state} restarts=${c.restartCount}${c.lastTermination ? ` last=${c.lastTermination.reason || 'exit'}(${c.lastTermination.exitCode})` : ''}`);
		out.push(cut(`Pod ${p.name} ${p.phase}${p.node ? ` on ${p.node}` : ''}: ${cs.join('; ')}${p.problems.length ? ` | ${p.problems.join('; ')}` : ''}`));
	}
	if (s.pods.length > 5) out.push(`… ${s.pods.length - 5} more pods`);
	for (const e of s.events.slice(0, 8)) out.push(cut(`Event ${e.object} ${e.reason} ×${e.count}: ${e.message}`));
	for (const n of s.nodes) out.push(cut(`Node ${n.name}: ${n.problems.join(', ')}`));
	for (const d of s.dependencies)
		out.push(cut(`Dependency ${d.namespace}/${d.service}: ${d.exists ? `${d.readyEndpoints} ready endpoints` : 'no such Service'} (named in ${d.namedIn.join(', ')})`));
	for (const m of s.metrics) {
		const parts = [
			m.memoryBytes !== undefined ? `memory ${mib(m.memoryBytes)}${m.memoryLimitBytes ? ` of ${mib(m.memoryLimitBytes)}` : ''}` : '',
			m.cpuCores !== undefined ? `cpu ${m.cpuCores.toFixed(2)}${m.cpuLimitCores ? ` of ${m.cpuLimitCores}` : ''} cores` : '',
			m.cpuThrottled !== undefined ? `throttled ${Math.round(m.cpuThrottled * 100)}%` : '',
		].filter(Boolean);
		if (parts.length) out.push(`Metrics ${m.container ?? ''}: ${parts.join(', ')}`);
	}
	const h = s.history;
	if (h) {
		out.push(`History: ${h.count1h ?? '?'} in 1h, ${h.count24h ?? '?'} in 24h${h.escalation ? `, ${h.escalation}` : ''}${h.tier ? `, tier ${h.tier}` : ''}`);
		for (const r of h.repairs) out.push(`  ${r.action}: ${r.successes}/${r.attempts} succeeded${r.lastOutcome ? `, last ${r.lastOutcome}` : ''}`);
	}
	for (const l of s.logs) {
		out.push(`Log ${l.pod}/${l.container}${l.previous ? ' (previous instance)' : ''}, last lines:`);
		for (const line of l.tail.slice(-10)) out.push(cut(`  ${line}`, 200));
	}
	const text = out.join('\n');
	return text.length > limit ? `${text.slice(0, limit - 40)}\n… (cut at ${limit} characters)` : text;
}

function mib(bytes: number): string {
	return `${Math.round(bytes / 1048576)}Mi`;
}
