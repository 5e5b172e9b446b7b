// Each channel's own escaping of literal text. Only the characters a channel parses are
// replaced, so the reader sees exactly the original text.

/** HTML text and attribute values (email). */
export function escapeHtml(text: string): string {
	return text
		.replace(/&/g, '&amp;')
		.replace(/</g, '&lt;')
		.replace(/>/g, '&gt;')
		.replace(/"/g, '&quot;')
		.replace(/'/g, '&#39;');
}

/**
 * Telegram's HTML parse mode: every `<`, `>` and `&` that is not markup must be an entity, and
 * only &lt; &gt; &amp; &quot; are known by name (Bot API "HTML style").
 */
export function escapeTelegramHtml(text: string): string {
	return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** A Telegram HTML attribute value (href): the same, plus the quote. */
export function escapeTelegramAttribute(text: string): string {
	return escapeTelegramHtml(text).replace(/"/g, '&quot;');
}

/**
 * Slack mrkdwn's control characters: `&`, `<`, `>` (in this order), which is what makes
 * `<!channel>`, `<@U123>` and `<url|text>` literal. Slack defines no escape for * _ ~ `,
 * so text where those must not format goes into rich_text elements (format.ts).
 */
export function escapeSlackText(text: string): string {
	return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
