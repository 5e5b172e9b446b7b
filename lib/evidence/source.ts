// Runs one evidence source under its own deadline: a source that hangs or fails is reported as
// such and the snapshot goes on without it. The source gets an AbortSignal so that work it
// can stop (HTTP requests) stops when its time is up.
import type { SourceReport } from './types';

export interface SourceOutcome<T> {
	report: SourceReport;
	value?: T;
}

export async function runSource<T>(
	timeoutMs: number,
	work: (signal: AbortSignal) => Promise<T>,
	now: () => number = Date.now,
): Promise<SourceOutcome<T>> {
	const started = now();
	const controller = new AbortController();
	let timer: NodeJS.Timeout | undefined;
	const deadline = new Promise<'timeout'>((resolve) => {
		timer = setTimeout(() => resolve('timeout'), timeoutMs);
	});
	try {
		const result = await Promise.race([
			work(controller.signal).then((value) => ({ value })),
			deadline,
		]);
		const durationMs = Math.max(0, now() - started);
		if (result === 'timeout') {
			controller.abort();
			return { report: { status: 'timeout', durationMs, detail: `no answer within ${timeoutMs} ms` } };
		}
		return { report: { status: 'ok', durationMs }, value: result.value };
	} catch (error) {
		return {
			report: {
				status: 'error',
				durationMs: Math.max(0, now() - started),
				detail: error instanceof Error ? error.message : String(error),
			},
		};
	} finally {
		clearTimeout(timer);
	}
}

export const skipped = (detail: string): SourceReport => ({ status: 'skipped', durationMs: 0, detail });
