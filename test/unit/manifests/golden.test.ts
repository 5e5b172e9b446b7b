// Golden files: the full output for one app per framework, reviewed as text in
// test/fixtures/golden/. After an intended change to templates or defaults, regenerate them with
//   npm run golden:update
// (UPDATE_GOLDEN=1 for this file) and review the diff before committing it.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { renderManifests } from '../../../lib/manifests';

const DIR = join(__dirname, '../../fixtures/golden');
const UPDATE = process.env.UPDATE_GOLDEN === '1';

const APPS: Record<string, Record<string, unknown>> = {
	flask: {
		name: 'event-system',
		display_name: '活動報名網站',
		domain: 'event.wooo.work',
		framework: 'flask',
		image: 'registry.wooo.work/event-system:2026.02.14',
		plan: 'standard',
		addons: ['postgresql'],
		env: { FEATURE_SIGNUP: 'on' },
		notification_channels: ['telegram'],
	},
	django: {
		name: 'shop',
		displayName: 'Shop',
		domain: 'shop.example.com',
		framework: 'django',
		image: 'ghcr.io/example/shop:3.1.0',
		plan: 'advanced',
		addons: ['postgresql', 'redis'],
		secretRefs: [
			'shop-stripe',
			{ secret: 'shop-mail', key: 'password', env: 'EMAIL_HOST_PASSWORD' },
		],
		notificationChannels: ['slack', 'email'],
		policy: { maxMemory: '6Gi', approvalRequired: ['rollback', 'scale'] },
	},
	nodejs: {
		name: 'api',
		displayName: 'Public API',
		domain: 'api.example.com',
		framework: 'nodejs',
		image:
			'docker.io/example/api@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef',
		plan: 'basic',
		addons: ['redis'],
		healthPath: '/healthz',
	},
	nextjs: {
		name: 'portal',
		displayName: 'Customer Portal',
		domain: 'portal.example.com',
		framework: 'nextjs',
		image: 'registry.example.com/web/portal:14.2.3',
		plan: 'professional',
		internetEgress: true,
		policy: { allowedActions: ['restart', 'scale', 'delete_pod'], maxReplicas: 12 },
	},
	static: {
		name: 'docs',
		displayName: 'Docs',
		domain: 'docs.example.com',
		framework: 'static',
		image: 'nginxinc/nginx-unprivileged:1.27-alpine',
		plan: 'basic',
	},
};

describe('golden output, one app per framework', () => {
	it.each(Object.keys(APPS))('%s', (framework) => {
		const result = renderManifests(APPS[framework], {
			generatePassword: (type) => `golden-${type}-password`,
		});
		const files = {
			[`${framework}.yaml`]: result.yaml,
			[`${framework}.dashboard.json`]: `${JSON.stringify(result.dashboard, null, 2)}\n`,
		};
		for (const [file, text] of Object.entries(files)) {
			const path = join(DIR, file);
			if (UPDATE) writeFileSync(path, text);
			expect(existsSync(path), `${file} is missing: run npm run golden:update`).toBe(true);
			expect(text).toBe(readFileSync(path, 'utf8'));
		}
	});
});
