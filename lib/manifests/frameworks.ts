// What each framework's container expects by default: the port it listens on, where its health
// and metrics answer, the environment its runtime reads, and what runs before it (Django's
// migrations). The deployment templates under templates/frameworks/<name>/ use these.
import type { PlanProfile } from './plans';

export const FRAMEWORKS = ['flask', 'django', 'nodejs', 'nextjs', 'static'] as const;
export type Framework = (typeof FRAMEWORKS)[number];

export interface FrameworkProfile {
	port: number;
	healthPath: string;
	/** null: the image serves no Prometheus metrics (no ServiceMonitor, no scrape annotations) */
	metricsPath: string | null;
	/** runs as an init container before the app starts; empty: none */
	initCommand: string[];
	/** the framework can run a background worker from the same image (Django: Celery) */
	hasWorker: boolean;
	/** environment the framework's runtime reads, before the app's own env (which wins) */
	env(plan: PlanProfile, port: number): Record<string, string>;
}

export const FRAMEWORK_PROFILES: Record<Framework, FrameworkProfile> = {
	flask: {
		port: 8000,
		healthPath: '/health',
		metricsPath: '/metrics',
		initCommand: [],
		hasWorker: false,
		env: (plan, port) => ({
			FLASK_DEBUG: '0',
			PORT: String(port),
			// gunicorn reads its flags from here when the image runs plain `gunicorn app:app`
			GUNICORN_CMD_ARGS: `--bind=0.0.0.0:${port} --workers=${plan.webConcurrency} --access-logfile=-`,
			WEB_CONCURRENCY: String(plan.webConcurrency),
			PYTHONUNBUFFERED: '1',
		}),
	},
	django: {
		port: 8000,
		healthPath: '/health',
		metricsPath: '/metrics',
		initCommand: ['python', 'manage.py', 'migrate', '--noinput'],
		hasWorker: true,
		env: (plan, port) => ({
			DJANGO_DEBUG: 'False',
			PORT: String(port),
			GUNICORN_CMD_ARGS: `--bind=0.0.0.0:${port} --workers=${plan.webConcurrency} --access-logfile=-`,
			WEB_CONCURRENCY: String(plan.webConcurrency),
			PYTHONUNBUFFERED: '1',
		}),
	},
	nodejs: {
		port: 3000,
		healthPath: '/health',
		metricsPath: '/metrics',
		initCommand: [],
		hasWorker: false,
		env: (_plan, port) => ({ NODE_ENV: 'production', PORT: String(port) }),
	},
	nextjs: {
		port: 3000,
		healthPath: '/api/health',
		metricsPath: '/api/metrics',
		initCommand: [],
		hasWorker: false,
		// the standalone server binds to HOSTNAME; without 0.0.0.0 it listens on the pod name only
		env: (_plan, port) => ({
			NODE_ENV: 'production',
			PORT: String(port),
			HOSTNAME: '0.0.0.0',
			NEXT_TELEMETRY_DISABLED: '1',
		}),
	},
	static: {
		// an unprivileged nginx (nginxinc/nginx-unprivileged) listens on 8080 and serves no metrics
		port: 8080,
		healthPath: '/',
		metricsPath: null,
		initCommand: [],
		hasWorker: false,
		env: () => ({}),
	},
};
