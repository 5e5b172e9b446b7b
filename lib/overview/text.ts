// Alert text is hostile input: labels and annotations reach the page as text. Everything is
// HTML-escaped, and characters that would reorder or hide text (bidi controls, zero-width and
// other control characters) are shown as visible ⟦U+XXXX⟧ marks instead of acting.
const INVISIBLE =
	/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u00ad\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\ufff9-\ufffb]/g;

/** The text with its invisible and reordering characters made visible. */
export function visibleText(text: string): string {
	return text.replace(
		INVISIBLE,
		(c) => `⟦U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}⟧`,
	);
}

/** Text for HTML element content and quoted attribute values. */
export function htmlText(value: unknown): string {
	return visibleText(value === null || value === undefined ? '' : String(value))
		.replace(/&/g, '&amp;')
		.replace(/</g, '&lt;')
		.replace(/>/g, '&gt;')
		.replace(/"/g, '&quot;')
		.replace(/'/g, '&#39;');
}
