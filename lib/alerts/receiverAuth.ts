// Checks the Authorization header Alertmanager sends (http_config: bearer token or basic auth)
// in constant time, so a wrong secret cannot be guessed byte by byte.
import { timingSafeEqual } from 'node:crypto';

export type ReceiverAuth =
	| { type: 'none' }
	| { type: 'bearer'; token: string }
	| { type: 'basic'; user: string; password: string };

function sameSecret(given: string, expected: string): boolean {
	const a = Buffer.from(given, 'utf8');
	const b = Buffer.from(expected, 'utf8');
	return a.length === b.length && timingSafeEqual(a, b);
}

export function isAuthorized(auth: ReceiverAuth, authorizationHeader: string | undefined): boolean {
	if (auth.type === 'none') return true;
	const header = (authorizationHeader ?? '').trim();
	const space = header.indexOf(' ');
	if (space < 0) return false;
	const scheme = header.slice(0, space).toLowerCase();
	const value = header.slice(space + 1).trim();
	if (auth.type === 'bearer')
		return scheme === 'bearer' && auth.token !== '' && sameSecret(value, auth.token);
	if (scheme !== 'basic') return false;
	return sameSecret(Buffer.from(value, 'base64').toString('utf8'), `${auth.user}:${auth.password}`);
}
