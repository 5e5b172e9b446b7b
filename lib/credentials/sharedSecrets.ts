// Credentials that hold a secret shared with someone else rather than an account on a server
// (the token Alertmanager sends to our trigger, the key Notify signs webhooks with) have no
// server a test could reach. What can be checked is whether the secret can work at all and is
// hard to guess: those are the checks their credential tests run, nothing that merely says
// "a value is set".

/** Shorter shared secrets can be guessed; `openssl rand -hex 32` gives 64 characters. */
export const MIN_SECRET_LENGTH = 16;

const GENERATE = 'e.g. the output of `openssl rand -hex 32`';

/** Why a shared secret is too weak, or undefined when it is strong enough. */
export function weakSecret(secret: string, what: string): string | undefined {
	if (secret === '') return `${what} is empty`;
	const length = [...secret].length;
	if (length < MIN_SECRET_LENGTH) {
		return `${what} has ${length} characters; use at least ${MIN_SECRET_LENGTH} random ones, ${GENERATE}`;
	}
	if (new Set(secret).size < 6) {
		return `${what} repeats too few different characters to be hard to guess; use a random one, ${GENERATE}`;
	}
	return undefined;
}

export interface ReceiverAuthData {
	authType?: unknown;
	token?: unknown;
	user?: unknown;
	password?: unknown;
}

/**
 * Whether Alertmanager can ever authenticate with this credential, and whether a guess could.
 * The trigger trims the Authorization header and reads it as Node reads headers (Latin-1), so a
 * bearer token with surrounding spaces, control characters or non-ASCII letters can never
 * match what Alertmanager sends; a basic-auth pair travels base64-encoded and only needs a
 * strong password.
 */
export function receiverAuthProblem(data: ReceiverAuthData): string | undefined {
	if (data.authType === 'basic') {
		const user = String(data.user ?? '');
		if (user === '') return 'User is empty: set basic_auth.username in Alertmanager and here';
		return weakSecret(String(data.password ?? ''), 'Password');
	}
	const token = String(data.token ?? '');
	if (token !== token.trim()) {
		return 'Token starts or ends with white space, which an Authorization header cannot carry; remove it here and in Alertmanager';
	}
	if (/[^\x21-\x7e]/.test(token)) {
		return 'Token contains spaces, control characters or non-ASCII letters, which do not survive an Authorization header; use letters, digits and punctuation only';
	}
	return weakSecret(token, 'Token');
}
