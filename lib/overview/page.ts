// The status page: one self-contained HTML document (no external assets, no script), readable on
// a phone, refreshing itself with a meta refresh. Every value goes through htmlText. The one
// inline style is allowed by its hash in the Content-Security-Policy the page comes with.
import { createHash } from 'node:crypto';

import type { CheckSummary } from './checks';
import type { Counts, FailedExecution } from './executions';
import type { Overview, RepairTotals } from './snapshot';
import { htmlText as t } from './text';

const STYLE = `
:root{color-scheme:light dark;--ok:#1a7f37;--bad:#cf222e;--warn:#9a6700;--mute:#6e7781;--line:#d0d7de}
*{box-sizing:border-box}body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;padding:12px;max-width:1100px;margin-inline:auto}
h1{font-size:1.3rem;margin:.2rem 0}h2{font-size:1.05rem;margin:1.4rem 0 .4rem;border-bottom:1px solid var(--line);padding-bottom:.2rem}
.meta{color:var(--mute);font-size:.85rem}
.tiles{display:grid;grid-template-columns:repeat(auto-fill,minmax(150px,1fr));gap:8px}
.tile{border:1px solid var(--line);border-radius:8px;padding:8px 10px}.tile b{display:block;font-size:1.5rem}.tile span{color:var(--mute);font-size:.8rem}
.scroll{overflow-x:auto}table{border-collapse:collapse;width:100%;font-size:.9rem}th,td{text-align:left;padding:4px 6px;border-bottom:1px solid var(--line);vertical-align:top}
th{font-weight:600;white-space:nowrap}td.n{text-align:right;font-variant-numeric:tabular-nums}
.ok{color:var(--ok)}.bad{color:var(--bad)}.warn{color:var(--warn)}.mute{color:var(--mute)}
.txt{overflow-wrap:anywhere;unicode-bidi:isolate}
`;

const POLICY = () => [
	"default-src 'none'",
	`style-src 'sha256-${createHash('sha256').update(STYLE).digest('base64')}'`,
	"img-src 'none'",
	"script-src 'none'",
	"base-uri 'none'",
	"form-action 'none'",
];

/** The Content-Security-Policy of the page: nothing but its own inline style. */
export function pageCsp(): string {
	return [...POLICY(), "frame-ancestors 'none'"].join('; ');
}

/**
 * The same policy inside the page: n8n replaces the Content-Security-Policy header of HTML
 * webhook answers with its own sandbox policy, so the page carries its own (a meta policy
 * cannot say frame-ancestors; the header n8n sends sandboxes the page instead).
 */
function metaCsp(): string {
	return POLICY().join('; ');
}

const pct = (v: number | null) =>
	v === null ? '–' : `${(Math.floor(v * 10000) / 100).toFixed(2)} %`;
const num = (key: string, v: number | null) =>
	`<td class="n" data-metric="${t(key)}">${v === null ? '–' : v}</td>`;
const tile = (key: string, v: number | string | null, label: string, cls = '') =>
	`<div class="tile"><b class="${cls}" data-metric="${t(key)}">${t(v === null ? '–' : v)}</b><span>${t(label)}</span></div>`;

function ago(iso: string | null, nowMs: number): string {
	if (!iso) return 'never';
	const s = Math.max(0, Math.round((nowMs - Date.parse(iso)) / 1000));
	if (s < 120) return `${s} s ago`;
	if (s < 7200) return `${Math.round(s / 60)} min ago`;
	if (s < 172800) return `${Math.round(s / 3600)} h ago`;
	return `${Math.round(s / 86400)} d ago`;
}

function age(iso: string, nowMs: number): string {
	return ago(iso, nowMs).replace(/ ago$/, '');
}

function checkRows(list: CheckSummary[], nowMs: number, withAvailability: boolean): string {
	if (!list.length) return `<tr><td colspan="7" class="mute">no checks recorded yet</td></tr>`;
	return list
		.map((c) => {
			const key = `${c.kind}.${c.name}`;
			return `<tr data-check="${t(key)}"><td class="txt">${t(c.name)}</td><td class="${c.ok ? 'ok' : 'bad'}" data-metric="${t(key)}.status">${t(c.status)}</td>${num(`${key}.response_ms`, c.responseMs)}${
				withAvailability
					? `<td class="n" data-metric="${t(key)}.availability24h">${pct(c.availability24h)}</td><td class="n" data-metric="${t(key)}.availability7d">${pct(c.availability7d)}</td>`
					: `<td class="n" data-metric="${t(key)}.failures7d">${c.failures7d}</td>`
			}<td title="${t(c.lastCheckAt)}">${t(ago(c.lastCheckAt, nowMs))}</td><td class="txt mute">${t(c.detail ?? '')}</td></tr>`;
		})
		.join('');
}

function countCells(key: string, c: Counts): string {
	return `${num(`${key}.succeeded`, c.succeeded)}<td class="n${c.failed ? ' bad' : ''}" data-metric="${t(key)}.failed">${c.failed}</td>`;
}

function failureText(f: FailedExecution | null): string {
	if (!f) return '<span class="mute">none this week</span>';
	const retry = f.retries.length
		? ` <span class="${f.retriedSuccessfully ? 'ok' : 'warn'}">retried: ${f.retries.map((r) => `#${t(r.id)} ${t(r.status)}`).join(', ')}</span>`
		: ' <span class="mute">not retried</span>';
	const of = f.retryOf ? ` <span class="mute">(retry of #${t(f.retryOf)})</span>` : '';
	return `#${t(f.id)}${of} <span title="${t(f.at)}">${t(f.at)}</span>${f.node ? ` in <b class="txt">${t(f.node)}</b>` : ''}: <span class="txt">${t(f.message ?? '(no message saved)')}</span>${retry}`;
}

function rate(r: RepairTotals): string {
	return pct(r.successRate);
}

export function renderPage(
	o: Overview,
	options: { title?: string; refreshSeconds?: number } = {},
): string {
	const now = Date.parse(o.generatedAt);
	const title = options.title || 'AIOps status';
	const refresh = Math.max(5, Math.round(options.refreshSeconds ?? 60));
	const inc = o.incidents;
	const anyDown = [...o.services, ...o.sources].some((c) => !c.ok);
	const tiers = ['1', '2', '3', '4'];
	const ages: [keyof typeof inc.byAge, string][] = [
		['lt_1h', '< 1 h'],
		['1h_24h', '1–24 h'],
		['1d_7d', '1–7 d'],
		['gt_7d', '> 7 d'],
	];
	const incidentLine = (i: (typeof inc.oldest)[number]) =>
		`<tr data-incident="${t(i.id)}"><td class="n">${i.tier}</td><td class="txt">${t(i.title)}</td><td class="txt">${t(i.namespace)}/${t(i.workload)}</td><td class="txt">${t(i.alertName)}</td><td class="n">${i.occurrences}</td><td>${t(age(i.firstAlertAt, now))}</td></tr>`;
	const ex = o.executions;
	const sections = [
		`<header><h1>${t(title)}</h1><div class="meta">generated <span data-metric="generatedAt">${t(o.generatedAt)}</span> · store ${t(o.store.kind)} (${t(o.store.address)}, schema ${t(o.store.schema)}) · refreshes every ${refresh} s · <span class="${anyDown ? 'bad' : 'ok'}">${anyDown ? 'something is down' : 'all checks up'}</span></div></header>`,
		`<h2>At a glance</h2><div class="tiles">${[
			tile('incidents.open', inc.open, 'open incidents', inc.open ? 'warn' : 'ok'),
			tile('occurrences.lastHour', o.occurrences.lastHour, 'occurrences, last hour'),
			tile('occurrences.lastDay', o.occurrences.lastDay, 'occurrences, last 24 h'),
			tile(
				'repairs.lastDay.succeeded',
				o.repairs.lastDay.succeeded,
				'repairs succeeded, 24 h',
				'ok',
			),
			tile(
				'repairs.lastDay.failed',
				o.repairs.lastDay.failed,
				'repairs failed, 24 h',
				o.repairs.lastDay.failed ? 'bad' : '',
			),
			tile('repairs.lastWeek.successRate', rate(o.repairs.lastWeek), 'repair success rate, 7 d'),
			tile(
				'approvalsPending',
				o.approvalsPending,
				'approvals pending',
				o.approvalsPending ? 'warn' : '',
			),
			tile(
				'predictedBreaches',
				o.predictedBreaches,
				'predicted breaches open',
				o.predictedBreaches ? 'warn' : '',
			),
			tile('newLogPatterns.lastDay', o.newLogPatterns.lastDay, 'new log patterns, 24 h'),
			tile('incidents.resolvedLast24h', inc.resolvedLast24h, 'resolved, last 24 h'),
		].join('')}</div>`,
		`<h2>Open incidents by tier and age</h2><div class="scroll"><table><thead><tr><th>tier</th>${ages.map(([, l]) => `<th>${t(l)}</th>`).join('')}<th>all</th></tr></thead><tbody>${tiers
			.map(
				(tier) =>
					`<tr><th>${tier}</th>${ages.map(([a]) => num(`incidents.byTierAndAge.${tier}.${a}`, inc.byTierAndAge[tier]?.[a] ?? 0)).join('')}${num(`incidents.byTier.${tier}`, inc.byTier[tier] ?? 0)}</tr>`,
			)
			.join(
				'',
			)}<tr><th>all</th>${ages.map(([a]) => num(`incidents.byAge.${a}`, inc.byAge[a])).join('')}${num('incidents.open.total', inc.open)}</tr></tbody></table></div>`,
		`<h2>Oldest open incidents</h2><div class="scroll"><table><thead><tr><th>tier</th><th>title</th><th>namespace/workload</th><th>alert</th><th>occ.</th><th>age</th></tr></thead><tbody>${
			inc.oldest.map(incidentLine).join('') ||
			'<tr><td colspan="6" class="mute">none open</td></tr>'
		}</tbody></table></div>`,
		`<h2>Predicted breaches</h2><div class="scroll"><table><thead><tr><th>tier</th><th>title</th><th>namespace/workload</th><th>alert</th><th>occ.</th><th>age</th></tr></thead><tbody>${
			inc.predicted.map(incidentLine).join('') ||
			'<tr><td colspan="6" class="mute">none open</td></tr>'
		}</tbody></table></div>`,
		`<h2>Repairs</h2><div class="scroll"><table><thead><tr><th>action</th><th>result</th><th>24 h</th><th>7 d</th><th>all</th></tr></thead><tbody>${
			o.repairs.byActionAndResult
				.map(
					(r) =>
						`<tr><td class="txt">${t(r.action || '(none)')}</td><td class="${r.result === 'succeeded' ? 'ok' : r.result === 'failed' ? 'bad' : ''}">${t(r.result)}</td>${num(`repairs.${r.action}.${r.result}.lastDay`, r.lastDay)}${num(`repairs.${r.action}.${r.result}.lastWeek`, r.lastWeek)}${num(`repairs.${r.action}.${r.result}.total`, r.total)}</tr>`,
				)
				.join('') || '<tr><td colspan="5" class="mute">no repairs recorded</td></tr>'
		}<tr><th colspan="2">success rate</th><td class="n">${rate(o.repairs.lastDay)}</td><td class="n">${rate(o.repairs.lastWeek)}</td><td class="n">${rate(o.repairs.total)}</td></tr></tbody></table></div>`,
		`<h2>Services</h2><div class="scroll"><table><thead><tr><th>service</th><th>status</th><th>ms</th><th>24 h</th><th>7 d</th><th>checked</th><th>detail</th></tr></thead><tbody>${checkRows(o.services, now, true)}</tbody></table></div>`,
		`<h2>Workflow executions</h2><p class="meta">${
			!ex.available
				? 'No execution records were given to the node (connect the n8n node that reads executions).'
				: ex.successesSaved
					? 'Counted from the executions n8n saved (pruned ones are gone).'
					: 'n8n does not save successful executions here (EXECUTIONS_DATA_SAVE_ON_SUCCESS=none): only failures are counted, “succeeded” shows –.'
		}</p><div class="scroll"><table><thead><tr><th>workflow</th><th>1 h ok</th><th>1 h failed</th><th>24 h ok</th><th>24 h failed</th><th>7 d ok</th><th>7 d failed</th><th>waiting</th><th>last failure</th></tr></thead><tbody>${
			ex.workflows
				.map((w) => {
					const key = `executions.${w.id}`;
					return `<tr data-workflow="${t(w.id)}"><td class="txt">${t(w.name)}${w.active ? '' : ' <span class="mute">(inactive)</span>'}</td>${countCells(`${key}.lastHour`, w.lastHour)}${countCells(`${key}.lastDay`, w.lastDay)}${countCells(`${key}.lastWeek`, w.lastWeek)}${num(`${key}.waiting`, w.waiting)}<td>${failureText(w.lastFailure)}</td></tr>`;
				})
				.join('') || '<tr><td colspan="9" class="mute">no AIOps workflows</td></tr>'
		}</tbody></table></div>${
			ex.workflows.some((w) => w.failures.length > 1)
				? `<h2>Failed executions this week</h2><ul>${ex.workflows
						.flatMap((w) =>
							w.failures.map((f) => `<li><b class="txt">${t(w.name)}</b> ${failureText(f)}</li>`),
						)
						.join('')}</ul>`
				: ''
		}`,
		`<h2>Data sources</h2><div class="scroll"><table><thead><tr><th>source</th><th>status</th><th>ms</th><th>failures 7 d</th><th>checked</th><th>detail</th></tr></thead><tbody>${checkRows(o.sources, now, false)}</tbody></table></div>`,
		`<h2>Notification channels</h2><div class="scroll"><table><thead><tr><th>channel</th><th>last</th><th>ms</th><th>failures 7 d</th><th>last delivery</th><th>detail</th></tr></thead><tbody>${checkRows(o.channels, now, false)}</tbody></table></div>`,
		`<p class="meta">last successful inspection: <span data-metric="lastInspectionAt">${t(o.lastInspectionAt ?? 'never')}</span> · JSON: add <code>?format=json</code></p>`,
	];
	return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="${t(metaCsp())}"><meta name="viewport" content="width=device-width,initial-scale=1"><meta http-equiv="refresh" content="${refresh}"><meta name="referrer" content="no-referrer"><title>${t(title)}</title><style>${STYLE}</style></head><body>${sections.join('\n')}</body></html>`;
}
