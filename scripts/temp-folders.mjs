// Temporary folders that never outlive the process that made them: removed when released, and
// otherwise on every way out (normal exit, an uncaught error, SIGINT/SIGTERM/SIGHUP). Packed
// tarballs, import files with credentials and n8n user folders go through here.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const live = new Set();
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'];

function removeAll() {
	for (const dir of live) rmSync(dir, { recursive: true, force: true });
	live.clear();
}

function onSignal(signal) {
	removeAll();
	// Someone else handles this signal (start.mjs stops n8n first): leave the exit to them.
	if (process.listenerCount(signal) > 1) return;
	for (const s of SIGNALS) process.removeListener(s, onSignal);
	process.kill(process.pid, signal);
}

let hooked = false;
function hook() {
	if (hooked) return;
	hooked = true;
	process.on('exit', removeAll);
	for (const s of SIGNALS) process.on(s, onSignal);
}

/** A new folder `<parent>/<prefix>XXXXXX` (parent: the system's temp folder), mode 0700. */
export function temporaryFolder(prefix, parent = tmpdir()) {
	hook();
	const dir = mkdtempSync(join(parent, prefix));
	live.add(dir);
	return dir;
}

/** Removes a folder made by temporaryFolder now. */
export function releaseFolder(dir) {
	rmSync(dir, { recursive: true, force: true });
	live.delete(dir);
}
