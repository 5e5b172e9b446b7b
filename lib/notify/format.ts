// Serialising message spans (markup.ts) into each channel's format, with that channel's
// escaping. The visible text is the same everywhere; only the styling syntax differs.
import { escapeHtml, escapeTelegramAttribute, escapeTelegramHtml } from './escape';
import type { Span } from './markup';

/** Telegram `parse_mode: "HTML"`: b, i, s, code, pre, a; entities in text and attributes. */
export function telegramHtml(spans: Span[]): string {
	return spans
		.map((span) => {
			let html = escapeTelegramHtml(span.text);
			// Telegram allows no other entity inside code/pre
			if (span.pre) return `<pre>${html}</pre>`;
			if (span.code) html = `<code>${html}</code>`;
			else {
				if (span.strike) html = `<s>${html}</s>`;
				if (span.italic) html = `<i>${html}</i>`;
				if (span.bold) html = `<b>${html}</b>`;
			}
			return span.href ? `<a href="${escapeTelegramAttribute(span.href)}">${html}</a>` : html;
		})
		.join('');
}

export interface SlackRichTextElement {
	type: 'text' | 'link';
	text: string;
	url?: string;
	style?: { bold?: boolean; italic?: boolean; strike?: boolean; code?: boolean };
}

export interface SlackRichTextBlock {
	type: 'rich_text';
	elements: Array<{
		type: 'rich_text_section' | 'rich_text_preformatted';
		elements: SlackRichTextElement[];
	}>;
}

/**
 * A Slack `rich_text` block. Its text elements are literal: no mrkdwn, no mentions, no entity
 * decoding, so hostile text needs no escaping here (styles are structured fields).
 */
export function slackRichText(spans: Span[]): SlackRichTextBlock {
	const elements: SlackRichTextBlock['elements'] = [];
	for (const span of spans) {
		const type = span.pre ? 'rich_text_preformatted' : 'rich_text_section';
		let section = elements[elements.length - 1];
		if (!section || section.type !== type) {
			section = { type, elements: [] };
			elements.push(section);
		}
		const element: SlackRichTextElement = span.href
			? { type: 'link', url: span.href, text: span.text }
			: { type: 'text', text: span.text };
		if (!span.pre) {
			const style: SlackRichTextElement['style'] = {};
			if (span.bold) style.bold = true;
			if (span.italic) style.italic = true;
			if (span.strike) style.strike = true;
			if (span.code) style.code = true;
			if (Object.keys(style).length) element.style = style;
		}
		section.elements.push(element);
	}
	return { type: 'rich_text', elements };
}

/** The body of an HTML email: escaped text, line breaks kept by `white-space: pre-wrap`. */
export function emailHtmlBody(spans: Span[]): string {
	return spans
		.map((span) => {
			let html = escapeHtml(span.text);
			if (span.pre)
				return `<pre style="background:#f6f8fa;padding:8px;white-space:pre-wrap;font-size:12px">${html}</pre>`;
			if (span.code) html = `<code>${html}</code>`;
			if (span.strike) html = `<s>${html}</s>`;
			if (span.italic) html = `<em>${html}</em>`;
			if (span.bold) html = `<strong>${html}</strong>`;
			return span.href ? `<a href="${escapeHtml(span.href)}">${html}</a>` : html;
		})
		.join('');
}
