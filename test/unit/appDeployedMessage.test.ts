// The app_deployed message says what happened to the app: deployed, only planned (no cluster,
// nothing applied), or failed — never "Deployed" for a deploy that did not happen.
import { plainText, renderMessage } from '../../lib/notify';

const steps = (status: string) =>
	['create_namespace', 'deploy', 'setup_ingress'].map((step) => ({ step, status, detail: '' }));
const text = (report: Record<string, unknown>) =>
	plainText(
		renderMessage('app_deployed', { name: 'shop', namespace: 'app-shop', ...report }).spans,
	);

describe('app_deployed message', () => {
	it('a planned deploy (every step skipped, nothing applied) is not called deployed', () => {
		const t = text({ status: 'planned', steps: steps('skipped') });
		expect(t).toContain('Planned, not deployed: shop');
		expect(t).toContain('Nothing was applied');
		expect(t).not.toContain('Deployed');
	});

	it('a failed deploy says it failed', () => {
		const t = text({
			status: 'failed',
			steps: [...steps('succeeded').slice(0, 1), ...steps('failed').slice(1)],
		});
		expect(t).toContain('Deploy failed: shop');
		expect(t).not.toContain('Deployed');
	});

	it('a deploy that happened, also when the report is nested under `deploy`', () => {
		expect(text({ status: 'succeeded', steps: steps('succeeded') })).toContain('Deployed: shop');
		expect(text({ deploy: { status: 'succeeded', steps: steps('succeeded') } })).toContain(
			'Deployed: shop',
		);
	});
});
