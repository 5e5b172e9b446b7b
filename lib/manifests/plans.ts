// What each plan gives an app. Requests are the seed's PLAN_RESOURCES (basic 256Mi/250m …
// professional 2Gi/2000m); limits are twice the requests, so a burst has room before the OOM
// killer and the memory-raise repair has a ceiling to work under.
export const PLANS = ['basic', 'standard', 'advanced', 'professional'] as const;
export type Plan = (typeof PLANS)[number];

export interface Resources {
	requests: { cpu: string; memory: string };
	limits: { cpu: string; memory: string };
}

export interface PlanProfile {
	resources: Resources;
	/** default replicas of the web workload */
	replicas: number;
	/** default ceiling for the scale repair (the app's policy may lower or raise it) */
	maxReplicas: number;
	/** replicas of a background worker (Django's Celery worker) */
	workerReplicas: number;
	/** gunicorn workers per pod for Python frameworks */
	webConcurrency: number;
	/** resources of an addon (PostgreSQL, Redis) */
	addonResources: Resources;
	/** volume size of an addon */
	addonStorage: string;
}

export const PLAN_PROFILES: Record<Plan, PlanProfile> = {
	basic: {
		resources: {
			requests: { cpu: '250m', memory: '256Mi' },
			limits: { cpu: '500m', memory: '512Mi' },
		},
		replicas: 1,
		maxReplicas: 2,
		workerReplicas: 1,
		webConcurrency: 2,
		addonResources: {
			requests: { cpu: '100m', memory: '128Mi' },
			limits: { cpu: '250m', memory: '256Mi' },
		},
		addonStorage: '1Gi',
	},
	standard: {
		resources: {
			requests: { cpu: '500m', memory: '512Mi' },
			limits: { cpu: '1000m', memory: '1Gi' },
		},
		replicas: 2,
		maxReplicas: 4,
		workerReplicas: 1,
		webConcurrency: 3,
		addonResources: {
			requests: { cpu: '250m', memory: '256Mi' },
			limits: { cpu: '500m', memory: '512Mi' },
		},
		addonStorage: '5Gi',
	},
	advanced: {
		resources: {
			requests: { cpu: '1000m', memory: '1Gi' },
			limits: { cpu: '2000m', memory: '2Gi' },
		},
		replicas: 2,
		maxReplicas: 6,
		workerReplicas: 2,
		webConcurrency: 4,
		addonResources: {
			requests: { cpu: '500m', memory: '512Mi' },
			limits: { cpu: '1000m', memory: '1Gi' },
		},
		addonStorage: '20Gi',
	},
	professional: {
		resources: {
			requests: { cpu: '2000m', memory: '2Gi' },
			limits: { cpu: '4000m', memory: '4Gi' },
		},
		replicas: 3,
		maxReplicas: 10,
		workerReplicas: 2,
		webConcurrency: 8,
		addonResources: {
			requests: { cpu: '1000m', memory: '1Gi' },
			limits: { cpu: '2000m', memory: '2Gi' },
		},
		addonStorage: '50Gi',
	},
};
