// Record Anomaly (built node): a new occurrence within the verification window after a
// successful repair outcome reports that outcome as re-fired and the stats count it as failed.
import type { IDataObject } from 'n8n-workflow';

import { builtStore, loadNode, runNode } from '../harness/nodeHarness';
import { tmpFolder } from '../support/stores';

const { closeEmbeddedStores } = builtStore();

const node = loadNode('RecordAnomaly');
const folder = tmpFolder('refire-node');
afterAll(async () => {
	await closeEmbeddedStores();
	folder.remove();
});

const run = (parameters: Record<string, unknown>, json: IDataObject, referenceTime: string) =>
	runNode(node, {
		parameters: {
			store: 'embedded',
			...parameters,
			options: { embeddedFolder: folder.path, referenceTime },
		},
		items: [{ json }],
	});

it('reports the re-fired outcome and counts it as a failure', async () => {
	const key = 'f00dfeedf00dfeed';
	await run(
		{ resource: 'repair', operation: 'recordOutcome', success: true, outcomeId: 'exec-1' },
		{ anomaly_key: key, action: 'restart' },
		'2026-03-01T10:00:00Z',
	);
	const within = {
		anomaly_key: key,
		occurrence_id: 'occ-2',
		startsAt: '2026-03-01T10:20:00Z',
		status: 'firing',
	};
	const [[out]] = await run(
		{ resource: 'anomaly', operation: 'recordOccurrence' },
		within,
		'2026-03-01T10:20:05Z',
	);
	expect(out.json.refired_outcomes).toEqual([
		{
			action: 'restart',
			outcome_id: 'exec-1',
			at: '2026-03-01T10:00:00.000Z',
			occurrence_id: 'occ-2',
			refired_at: '2026-03-01T10:20:00.000Z',
		},
	]);
	const [[stats]] = await run(
		{ resource: 'repair', operation: 'getStats' },
		{ anomaly_key: key },
		'2026-03-01T10:21:00Z',
	);
	expect(
		(stats.json.repair_stats as { actions: Record<string, unknown> }).actions.restart,
	).toMatchObject({ total: 1, successes: 0, failures: 1 });

	// with the window at 10 minutes, the same pattern is not a re-fire
	await run(
		{ resource: 'repair', operation: 'recordOutcome', success: true, outcomeId: 'exec-3' },
		{ anomaly_key: key, action: 'rollback' },
		'2026-03-01T11:00:00Z',
	);
	const later = {
		anomaly_key: key,
		occurrence_id: 'occ-3',
		startsAt: '2026-03-01T11:20:00Z',
		status: 'firing',
	};
	const [[kept]] = await run(
		{ resource: 'anomaly', operation: 'recordOccurrence', verifyWindowMinutes: 10 },
		later,
		'2026-03-01T11:20:05Z',
	);
	expect(kept.json.refired_outcomes).toEqual([]);
});
