import fc from 'fast-check';
import { parse, parseAllDocuments } from 'yaml';

import { toYamlDocument, toYamlStream } from '../../../lib/manifests';

// Strings that mean something else to a YAML 1.1 or 1.2 reader when written plain.
const TRICKY = [
	'yes',
	'No',
	'ON',
	'off',
	'y',
	'n',
	'~',
	'null',
	'true',
	'0755',
	'0o17',
	'0x1F',
	'1:20',
	'1_000',
	'.inf',
	'-.nan',
	'1e3',
	'+1',
	'<<',
	'=',
	'2001-12-14',
	'- a',
	'? b',
	': c',
	'#d',
	'&e',
	'*f',
	'!g',
	'%h',
	'@i',
	'`j',
	'|',
	'>',
	'"',
	"'",
	'[',
	'{',
	'---',
	'...',
	'',
	' ',
	'a: b',
	'a #b',
	'tail:',
	'\t',
	'\u2028',
	'\u0085',
	'\ufeff',
	'a\nb',
	'\n',
	' lead',
	'trail ',
];

function readsBack(value: unknown) {
	const text = toYamlDocument(value);
	for (const version of ['1.1', '1.2'] as const) {
		expect(parse(text, { version, merge: version === '1.1' })).toEqual(value);
	}
}

describe('YAML output', () => {
	it.each(TRICKY)(
		'%j reads back as the same string in YAML 1.1 and 1.2, as a value and as a key',
		(s) => {
			readsBack({ value: s, [s]: 1, list: [s] });
		},
	);

	it('reads back any string, as key and value, in YAML 1.1 and 1.2 (property)', () => {
		fc.assert(
			fc.property(
				fc.dictionary(
					fc.string({ unit: 'binary', maxLength: 12 }),
					fc.string({ unit: 'binary', maxLength: 24 }),
					{
						maxKeys: 4,
					},
				),
				(map) => {
					readsBack({ data: map });
				},
			),
			{ numRuns: 300 },
		);
	});

	it('keeps numbers, booleans and nesting as they are', () => {
		fc.assert(
			fc.property(fc.jsonValue({ maxDepth: 3 }), (value) => readsBack({ v: value })),
			{ numRuns: 500 },
		);
	});

	it('writes plain what is plain, single-quotes PromQL, never makes anchors', () => {
		const shared = { a: 1 };
		const text = toYamlDocument({
			name: 'shop',
			expr: 'up{job="x"} == 0',
			one: shared,
			two: shared,
		});
		expect(text).toBe('name: shop\nexpr: \'up{job="x"} == 0\'\none:\n  a: 1\ntwo:\n  a: 1\n');
	});

	it('joins documents into one stream', () => {
		const stream = toYamlStream([{ kind: 'A' }, { kind: 'B' }]);
		expect(stream).toBe('---\nkind: A\n---\nkind: B\n');
		expect(parseAllDocuments(stream).map((d: any) => d.toJS())).toEqual([
			{ kind: 'A' },
			{ kind: 'B' },
		]);
	});
});
