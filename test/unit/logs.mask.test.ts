import fc from 'fast-check';

import { InvalidInputError } from '../../lib/errors';
import { Masker, MASK_NAMES, unmaskToken, WILDCARD } from '../../lib/logs/mask';

const masker = new Masker();
const masked = (line: string) => masker.mask(line).tokens.join(' ');
const values = (line: string) => masker.mask(line).values.flat();

describe('Masker: values are recognised by their shape', () => {
	it.each([
		// addresses
		['connect to 10.0.0.12:5432 failed', 'connect to <*> failed', ['10.0.0.12:5432']],
		['from 192.168.1.1 port 22', 'from <*> port <*>', ['192.168.1.1', '22']],
		['listen [::1]:8080 ok', 'listen <*> ok', ['[::1]:8080']],
		['peer fe80::1ff:fe23:4567:890a up', 'peer <*> up', ['fe80::1ff:fe23:4567:890a']],
		[
			'peer 2001:0db8:85a3:0000:0000:8a2e:0370:7334 up',
			'peer <*> up',
			['2001:0db8:85a3:0000:0000:8a2e:0370:7334'],
		],
		[
			'dial db.prod.svc.cluster.local:5432 refused',
			'dial <*> refused',
			['db.prod.svc.cluster.local:5432'],
		],
		['mac 00:1A:2b:3C:4d:5E seen', 'mac <*> seen', ['00:1A:2b:3C:4d:5E']],
		[
			'GET http://api.example.com/v1/users?id=7 200',
			'GET <*> <*>',
			['http://api.example.com/v1/users?id=7', '200'],
		],
		// numbers, hex, ids
		['took 42 retries', 'took <*> retries', ['42']],
		['offset -17 and 3.25', 'offset <*> and <*>', ['-17', '3.25']],
		['flags=0x1F set', 'flags=<*> set', ['0x1F']],
		['commit 9f4ef63 pushed', 'commit <*> pushed', ['9f4ef63']],
		[
			'req 3f2a1b6c-1d2e-4f5a-8b9c-0d1e2f3a4b5c done',
			'req <*> done',
			['3f2a1b6c-1d2e-4f5a-8b9c-0d1e2f3a4b5c'],
		],
		['block blk_-6952295868487656571 gone', 'block blk_<*> gone', ['-6952295868487656571']],
		// times and durations
		['at 2024-01-15T10:23:45.123Z start', 'at <*> start', ['2024-01-15T10:23:45.123Z']],
		['at 2024-01-15 10:23:45,123 start', 'at <*> start', ['2024-01-15 10:23:45,123']],
		['changed Thu Aug 04 15:29:45 PDT 2005 ok', 'changed <*> ok', ['Thu Aug 04 15:29:45 PDT 2005']],
		['[10/Oct/2000:13:55:36 -0700] GET', '[<*>] GET', ['10/Oct/2000:13:55:36 -0700']],
		['lifetime <1 sec', 'lifetime <*>', ['<1 sec']],
		['lifetime 00:02', 'lifetime <*>', ['00:02']],
		['took 2.5 seconds.', 'took <*>.', ['2.5 seconds']],
		['timeout after 150ms', 'timeout after <*>', ['150ms']],
		['sent 1190 bytes (1.16 KB)', 'sent <*> bytes (<*>)', ['1190', '1.16 KB']],
		// paths
		['open /var/log/app/x.log failed', 'open <*> failed', ['/var/log/app/x.log']],
		['Core: C:\\Windows\\winsxs\\cbscore.dll', 'Core: <*>', ['C:\\Windows\\winsxs\\cbscore.dll']],
		// Kubernetes generated names
		['pod api-7d4b9c8f6-x2kqz restarted', 'pod <*> restarted', ['api-7d4b9c8f6-x2kqz']],
		[
			'pod web-frontend-5c8d7b9f4d-7xq2w OOMKilled',
			'pod <*> OOMKilled',
			['web-frontend-5c8d7b9f4d-7xq2w'],
		],
		// quoted values, but not a logfmt message
		['acquire tag="View Lock", name=x', 'acquire tag=<*>, name=x', ['"View Lock"']],
		[
			'level=info msg="server started" port=8080',
			'level=info msg="server started" port=<*>',
			['8080'],
		],
		// a literal <*> in a line is a value, not the template's own wildcard
		['saw <*> here', 'saw <*> here', ['<*>']],
	])('%s', (line, want, vals) => {
		expect(masked(line)).toBe(want);
		expect(values(line)).toEqual(vals);
	});

	it('leaves words, dotted names and version-free text alone', () => {
		const line = 'mapred.job.id is deprecated. Instead, use mapreduce.job.id';
		expect(masked(line)).toBe(line);
		expect(masked('ICSITransaction::Commit calling Apply')).toBe(
			'ICSITransaction::Commit calling Apply',
		);
		expect(masked('index:0 and i:1')).toBe('index:<*> and i:<*>');
		expect(masked('chip FF:F2:9F:15:7B:E0:00:0D:60:EA:84:1F')).toBe('chip <*>');
	});

	it('cuts a line at maxLength', () => {
		expect(masker.mask('alpha beta gamma', 10).tokens).toEqual(['alpha', 'beta']);
	});

	it('applies only the enabled masks, plus extra ones first', () => {
		const onlyIp = new Masker(['ipv4']);
		expect(onlyIp.mask('from 10.0.0.1 took 42').tokens.join(' ')).toBe('from <*> took 42');
		const extra = new Masker(MASK_NAMES, ['user [a-z]+']);
		expect(extra.mask('login user alice from 10.0.0.1').tokens.join(' ')).toBe(
			'login <*> from <*>',
		);
	});

	it('rejects an extra mask that is not a regular expression, naming it', () => {
		const make = () => new Masker(MASK_NAMES, ['ok', '(unclosed']);
		expect(make).toThrow(InvalidInputError);
		expect(make).toThrow(/Extra mask 2/);
		try {
			make();
		} catch (error) {
			expect((error as InvalidInputError).field).toBe('extraMasks[1]');
		}
	});

	it('keeps the original text: unmasking gives the line back (whitespace aside)', () => {
		const token = fc.oneof(
			fc.constantFrom('user', 'GET', 'error:', 'x=1', 'a.b.c', '(', '"', "'", '<', '*', '>', '<*>'),
			fc.ipV4(),
			fc.ipV6(),
			fc.uuid(),
			fc.integer().map(String),
			fc.double({ noNaN: true, noDefaultInfinity: true }).map(String),
			fc.webUrl(),
			fc.string(),
		);
		fc.assert(
			fc.property(
				fc.array(token, { maxLength: 12 }),
				fc.constantFrom(' ', '  ', '\t'),
				(tokens, sep) => {
					const line = tokens.join(sep);
					const m = masker.mask(line);
					const back = m.tokens.map((t, i) => unmaskToken(t, m.values[i])).join(' ');
					const norm = (s: string) => s.split(/\s+/).filter(Boolean).join(' ');
					expect(norm(back)).toBe(norm(line));
					// every `<*>` has exactly one value
					m.tokens.forEach((t, i) => expect(t.split(WILDCARD).length - 1).toBe(m.values[i].length));
				},
			),
			{ numRuns: 300 },
		);
		// 300 generated lines take seconds on a loaded machine: a runner limit, not a speed check
	}, 60_000);
});
