// The hostile-text table and the readers that show what each channel's client would display.
// The readers are written from the channels' rules, independently of lib/notify.

/** Text from alerts that must reach people as the same text, never as markup or mentions. */
export const HOSTILE_TEXTS = [
	'<script>alert(1)</script>',
	'*bold* _italic_ ~strike~ __under__',
	'`code` ```block``` \\`escaped\\`',
	'[x](https://evil.example/phish) <https://evil.example|click>',
	'@channel @here @everyone',
	'<!channel> <!here> <@U024BE7LH> <#C024BE7LR|general>',
	'&amp; &lt; & < > " \' =',
	'😀 👨‍👩‍👧 🇹🇼 ❤️',
	'中文告警：服務異常，請盡快處理',
	'{{handlebars}} {{{triple}}} \\ backslash | pipe # hash',
	'line one\nline two\n\n  indented',
];

/** A 5,000-character description: longer than Telegram's and Slack's limits. */
export const LONG_DESCRIPTION = Array.from(
	{ length: 500 },
	(_, i) => `w${String(i).padStart(4, '0')}-<&>`,
)
	.join('')
	.slice(0, 5000);

const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', '#39': "'" };

function decodeEntities(text: string): string {
	return text.replace(/&(lt|gt|amp|quot|#39);/g, (_m, name: string) => ENTITIES[name]);
}

/** What Telegram shows for a message in HTML parse mode (its tags removed, entities decoded). */
export function decodeTelegramHtml(html: string): string {
	const stripped = html.replace(/<\/?(b|i|s|u|code|pre)>|<a href="[^"]*">|<\/a>/g, '');
	if (/[<>]/.test(stripped)) throw new Error(`unescaped markup left: ${stripped}`);
	return decodeEntities(stripped);
}

/** What an HTML mail client shows for a body (tags removed, entities decoded). */
export function decodeHtml(html: string): string {
	return decodeEntities(html.replace(/<[^>]+>/g, ''));
}

/** What Slack shows for mrkdwn-escaped text. */
export function decodeSlackText(text: string): string {
	if (/[<>]/.test(text)) throw new Error(`unescaped control character in ${text}`);
	return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

interface RichText {
	elements: Array<{ elements: Array<{ text: string }> }>;
}

/** The text of a Slack rich_text block: its elements are literal. */
export function slackRichTextToText(block: RichText): string {
	return block.elements.flatMap((section) => section.elements.map((e) => e.text)).join('');
}
