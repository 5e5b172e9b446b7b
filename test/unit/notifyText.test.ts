// Message text: markup parsing, each channel's escaping, truncation with a marker, templates.
import fc from 'fast-check';

import {
	DEFAULT_TEMPLATES,
	NOTIFY_EVENTS,
	TRUNCATION_MARKER,
	cutText,
	emailHtmlBody,
	escapeHtml,
	escapeSlackText,
	escapeTelegramHtml,
	parseMarkup,
	plainText,
	renderMessage,
	slackRichText,
	telegramHtml,
	truncateSpans,
	truncateText,
	visibleLength,
} from '../../lib/notify';
import { InvalidInputError } from '../../lib/errors';
import { HOSTILE_TEXTS, decodeTelegramHtml, slackRichTextToText } from '../support/notifyText';

describe('parseMarkup', () => {
	it('turns the tag subset into styled spans and decodes entities', () => {
		expect(
			parseMarkup(
				'<b>Alert &amp; <i>more</i></b>\n<code>x&lt;y</code> <a href="https://e.io/?a=1&amp;b=2">link</a>',
			),
		).toEqual([
			{ text: 'Alert & ', bold: true },
			{ text: 'more', bold: true, italic: true },
			{ text: '\n' },
			{ text: 'x<y', code: true },
			{ text: ' ' },
			{ text: 'link', href: 'https://e.io/?a=1&b=2' },
		]);
	});

	it('keeps anything else that looks like markup as literal text', () => {
		expect(
			plainText(parseMarkup('<script>x</script> <div> a < b <a href="javascript:alert(1)">y</a>')),
		).toBe('<script>x</script> <div> a < b y');
	});

	it('decodes the entities Handlebars writes and leaves unknown ones alone', () => {
		expect(plainText(parseMarkup('&#x27;&#x60;&#x3D;&quot;&#128512;&bogus;&#xD800;'))).toBe(
			'\'`="😀&bogus;&#xD800;',
		);
	});

	it('accepts single-quoted link addresses (as formatters write them)', () => {
		expect(parseMarkup("<a href='https://x.io'>x</a>")).toEqual([
			{ text: 'x', href: 'https://x.io' },
		]);
	});

	it('<br> is a line break and unbalanced tags do not break the text', () => {
		expect(plainText(parseMarkup('a<br>b<br/>c</b></i><b>d'))).toBe('a\nb\nc' + 'd');
	});
});

describe('plainText', () => {
	it('shows a link address after its text unless they are the same', () => {
		const spans = parseMarkup(
			'<a href="https://x.io/a">open</a> <a href="https://x.io/b">https://x.io/b</a>',
		);
		expect(plainText(spans)).toBe('open (https://x.io/a) https://x.io/b');
		expect(plainText(spans, false)).toBe('open https://x.io/b');
	});
});

describe('escaping', () => {
	it('Telegram HTML escapes exactly <, > and &', () => {
		expect(escapeTelegramHtml(`<b>&"'*_\``)).toBe(`&lt;b&gt;&amp;"'*_\``);
	});
	it('Slack escapes exactly &, <, > with & first', () => {
		expect(escapeSlackText('<!channel> &lt; *x*')).toBe('&lt;!channel&gt; &amp;lt; *x*');
	});
	it('HTML escapes quotes too', () => {
		expect(escapeHtml(`<a href="x">'`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;');
	});
});

describe('channel formats keep the visible text', () => {
	it.each(HOSTILE_TEXTS.map((t) => [t.slice(0, 40), t]))('%s', (_name, hostile) => {
		const spans = renderMessage('alert_fired', {
			labels: { alertname: 'Test', severity: 'critical' },
			annotations: { description: hostile },
		}).spans;
		const visible = plainText(spans, false);
		expect(visible).toContain(hostile);
		expect(decodeTelegramHtml(telegramHtml(spans))).toBe(visible);
		expect(slackRichTextToText(slackRichText(spans))).toBe(visible);
	});

	it('Telegram nests styles and keeps code and pre free of other tags', () => {
		expect(
			telegramHtml(parseMarkup('<b><i>a</i></b><b><code>c</code></b><pre>d<b>e</b></pre>')),
		).toBe('<b><i>a</i></b><code>c</code><pre>d</pre><pre>e</pre>');
	});

	it('Slack rich_text: sections, styles, links and preformatted blocks', () => {
		expect(
			slackRichText(parseMarkup('<b>T</b> <a href="https://x.io">x</a>\n<pre>diff</pre>after')),
		).toEqual({
			type: 'rich_text',
			elements: [
				{
					type: 'rich_text_section',
					elements: [
						{ type: 'text', text: 'T', style: { bold: true } },
						{ type: 'text', text: ' ' },
						{ type: 'link', url: 'https://x.io', text: 'x' },
						{ type: 'text', text: '\n' },
					],
				},
				{ type: 'rich_text_preformatted', elements: [{ type: 'text', text: 'diff' }] },
				{ type: 'rich_text_section', elements: [{ type: 'text', text: 'after' }] },
			],
		});
	});

	it('email HTML escapes text and attributes', () => {
		expect(
			emailHtmlBody(parseMarkup('<b>&lt;x&gt;</b><a href="https://x.io/?q=&#x27;a&amp;b">l</a>')),
		).toBe('<strong>&lt;x&gt;</strong><a href="https://x.io/?q=&#39;a&amp;b">l</a>');
	});
});

describe('truncation', () => {
	it('cuts to the limit, marker included, on a grapheme boundary', () => {
		const family = '👨‍👩‍👧';
		const { text, truncated } = truncateText(
			'ab' + family + 'cd'.repeat(20),
			2 + TRUNCATION_MARKER.length + 3,
		);
		expect(truncated).toBe(true);
		expect(text).toBe('ab' + TRUNCATION_MARKER);
		expect(cutText('a😀', 2)).toBe('a');
	});

	it('leaves text that fits alone', () => {
		expect(truncateText('short', 5)).toEqual({ text: 'short', truncated: false });
	});

	it('law: the result fits, is a prefix plus the marker, and never splits a surrogate pair', () => {
		fc.assert(
			fc.property(
				fc.string({ unit: 'grapheme', maxLength: 200 }),
				fc.integer({ min: 14, max: 300 }),
				(text, limit) => {
					const { text: out, truncated } = truncateText(text, limit);
					expect(out.length).toBeLessThanOrEqual(
						Math.max(limit, text.length <= limit ? text.length : 0),
					);
					if (!truncated) {
						expect(out).toBe(text);
						return;
					}
					const kept = out.slice(0, out.length - TRUNCATION_MARKER.length);
					expect(out.endsWith(TRUNCATION_MARKER)).toBe(true);
					expect(text.startsWith(kept)).toBe(true);
					expect(/[\ud800-\udbff]$/.test(kept)).toBe(false);
				},
			),
		);
	});

	it('law: truncated spans keep styles, fit the limit and read as a prefix', () => {
		const span = fc.record(
			{
				text: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 }),
				bold: fc.constant(true as const),
			},
			{ requiredKeys: ['text'] },
		);
		fc.assert(
			fc.property(
				fc.array(span, { maxLength: 12 }),
				fc.integer({ min: 14, max: 200 }),
				(spans, limit) => {
					const { spans: out, truncated } = truncateSpans(spans, limit);
					const before = spans.map((s) => s.text).join('');
					const after = out.map((s) => s.text).join('');
					if (!truncated) {
						expect(after).toBe(before);
						return;
					}
					expect(visibleLength(out)).toBeLessThanOrEqual(limit);
					expect(after.endsWith(TRUNCATION_MARKER)).toBe(true);
					expect(before.startsWith(after.slice(0, -TRUNCATION_MARKER.length))).toBe(true);
				},
			),
		);
	});
});

describe('templates', () => {
	const item = {
		status: 'firing',
		labels: { alertname: 'KubePodCrashLooping', severity: 'critical', namespace: 'shop' },
		annotations: {
			summary: 'checkout restarts',
			description: 'Back-off restarting failed container',
		},
		workload: 'checkout',
		startsAt: '2026-03-01T10:00:00Z',
		frequency: { count_1h: 2, count_24h: 5, count_7d: 9, escalation_level: 'ESCALATE' },
		incident: { id: 'inc-7', tier: 2 },
		repair: {
			action: 'rollback',
			target: { namespace: 'shop', name: 'checkout' },
			reason: 'tier 3',
			duration_ms: 65_000,
			// what Repair Action outputs for a dry run
			change: {
				description: 'roll back deployment/checkout from revision 2 to revision 1',
				fields: [
					{
						path: 'spec.template.spec.containers[0].image',
						op: 'replace',
						before: 'shop:2',
						after: 'shop:1',
					},
				],
			},
		},
	};

	it('has a default for every event, and each renders a titled message', () => {
		for (const event of NOTIFY_EVENTS) {
			expect(DEFAULT_TEMPLATES[event].length).toBeGreaterThan(20);
			const message = renderMessage(event, item);
			expect(message.title.length).toBeGreaterThan(3);
			expect(plainText(message.spans)).not.toMatch(/\n\n\n/);
		}
	});

	it('alert_fired shows what an on-call engineer needs', () => {
		expect(plainText(renderMessage('alert_fired', item).spans)).toBe(
			[
				'🔴 Alert firing: KubePodCrashLooping',
				'Severity: critical',
				'Target: shop/checkout',
				'Since: 2026-03-01 10:00:00 UTC',
				'',
				'checkout restarts',
				'',
				'Back-off restarting failed container',
				'',
				'Seen 2× in 1h, 5× in 24h, level ESCALATE',
				'Incident: inc-7 (tier 2)',
			].join('\n'),
		);
	});

	it("shows the tier of Aggregate Incident's output (recommended_tier)", () => {
		const fromAggregate = { ...item, incident: { id: 'inc-8', recommended_tier: 3 } };
		for (const event of ['alert_fired', 'repair_failed', 'repair_needs_approval'])
			expect(plainText(renderMessage(event, fromAggregate).spans)).toContain(
				'Incident: inc-8 (tier 3)',
			);
		expect(plainText(renderMessage('escalation', fromAggregate).spans)).toContain(
			'Recommended tier: 3',
		);
	});

	it('prediction names the workload, the reason and the incident', () => {
		const predicted = {
			status: 'firing',
			labels: { alertname: 'PredictedBreach', namespace: 'shop' },
			annotations: { summary: 'Memory predicted to reach 0.9 within 4 h' },
			metric: 'memory_usage',
			workload: 'cart',
			threshold: 0.9,
			hours_to_threshold: 0.65,
			predicted_value: 1.4025,
			horizon: '4 h',
			slope_per_hour: 0.15,
			confidence: 'high',
			incident: { id: 'inc-9', recommended_tier: 2 },
		};
		expect(plainText(renderMessage('prediction', predicted).spans)).toBe(
			[
				'📈 Predicted: memory_usage in shop',
				'Workload: cart',
				'Threshold 0.9 reached in about 0.7 h',
				'Predicted value: 1.403 at +4 h',
				'Trend: 0.15 per hour',
				'Confidence: high',
				'',
				'Memory predicted to reach 0.9 within 4 h',
				'Incident: inc-9 (tier 2)',
			].join('\n'),
		);
	});

	it('repair_needs_approval carries the dry-run diff as a preformatted block', () => {
		const { spans, title } = renderMessage('repair_needs_approval', item);
		expect(title).toBe('🛑 Approval needed: rollback');
		expect(spans.find((s) => s.pre)?.text).toBe(
			'spec.template.spec.containers[0].image: "shop:2" → "shop:1"',
		);
		expect(plainText(spans)).toContain(
			'What will be done: roll back deployment/checkout from revision 2 to revision 1',
		);
		expect(plainText(spans)).toContain('Why: tier 3');
	});

	it('a node template overrides the default and may use the helpers', () => {
		const message = renderMessage(
			'alert_fired',
			{ ...item, when: 1767225600 },
			'<b>{{upper labels.severity}}</b> {{coalesce missing labels.alertname}} {{date when}} {{duration repair.duration_ms}} {{round 3.14159 2}} {{json incident}}',
		);
		expect(plainText(message.spans)).toBe(
			'CRITICAL KubePodCrashLooping 2026-01-01 00:00:00 UTC 1 m 5 s 3.14 {\n  "id": "inc-7",\n  "tier": 2\n}',
		);
		expect(message.spans[0]).toEqual({ text: 'CRITICAL', bold: true });
	});

	it('a broken template or an unknown event is an input error naming the field', () => {
		expect(() =>
			renderMessage('alert_fired', {}, '{{#if x}}never closed', 'options.template'),
		).toThrow(expect.objectContaining({ field: 'options.template' }));
		expect(() => renderMessage('nope', {})).toThrow(InvalidInputError);
	});
});
