// The package's own templates, bundled as text (esbuild's text loader for .hbs, and a matching
// vitest plugin): nothing is read from disk at run time. Names are paths under templates/
// without `.hbs`; a user's override uses the same name.
import addonsPostgresqlYaml from '../../templates/addons/postgresql.yaml.hbs';
import addonsRedisYaml from '../../templates/addons/redis.yaml.hbs';
import baseCertificateYaml from '../../templates/base/certificate.yaml.hbs';
import baseConfigmapYaml from '../../templates/base/configmap.yaml.hbs';
import baseIngressYaml from '../../templates/base/ingress.yaml.hbs';
import baseNamespaceYaml from '../../templates/base/namespace.yaml.hbs';
import baseNetworkpolicyYaml from '../../templates/base/networkpolicy.yaml.hbs';
import baseServiceYaml from '../../templates/base/service.yaml.hbs';
import baseServiceaccountYaml from '../../templates/base/serviceaccount.yaml.hbs';
import frameworksDjangoCeleryWorkerYaml from '../../templates/frameworks/django/celery-worker.yaml.hbs';
import frameworksDjangoDeploymentYaml from '../../templates/frameworks/django/deployment.yaml.hbs';
import frameworksFlaskDeploymentYaml from '../../templates/frameworks/flask/deployment.yaml.hbs';
import frameworksNextjsDeploymentYaml from '../../templates/frameworks/nextjs/deployment.yaml.hbs';
import frameworksNodejsDeploymentYaml from '../../templates/frameworks/nodejs/deployment.yaml.hbs';
import frameworksStaticDeploymentYaml from '../../templates/frameworks/static/deployment.yaml.hbs';
import monitoringDashboardJson from '../../templates/monitoring/dashboard.json.hbs';
import monitoringPrometheusruleYaml from '../../templates/monitoring/prometheusrule.yaml.hbs';
import monitoringServicemonitorYaml from '../../templates/monitoring/servicemonitor.yaml.hbs';
import partialsContainer from '../../templates/partials/container.hbs';
import partialsDeploymentSpec from '../../templates/partials/deployment-spec.hbs';
import partialsInitContainers from '../../templates/partials/init-containers.hbs';
import partialsPodAnnotations from '../../templates/partials/pod-annotations.hbs';
import partialsPodSpec from '../../templates/partials/pod-spec.hbs';
import partialsProbes from '../../templates/partials/probes.hbs';

export const BUILTIN_TEMPLATES: Readonly<Record<string, string>> = {
	'addons/postgresql.yaml': addonsPostgresqlYaml,
	'addons/redis.yaml': addonsRedisYaml,
	'base/certificate.yaml': baseCertificateYaml,
	'base/configmap.yaml': baseConfigmapYaml,
	'base/ingress.yaml': baseIngressYaml,
	'base/namespace.yaml': baseNamespaceYaml,
	'base/networkpolicy.yaml': baseNetworkpolicyYaml,
	'base/service.yaml': baseServiceYaml,
	'base/serviceaccount.yaml': baseServiceaccountYaml,
	'frameworks/django/celery-worker.yaml': frameworksDjangoCeleryWorkerYaml,
	'frameworks/django/deployment.yaml': frameworksDjangoDeploymentYaml,
	'frameworks/flask/deployment.yaml': frameworksFlaskDeploymentYaml,
	'frameworks/nextjs/deployment.yaml': frameworksNextjsDeploymentYaml,
	'frameworks/nodejs/deployment.yaml': frameworksNodejsDeploymentYaml,
	'frameworks/static/deployment.yaml': frameworksStaticDeploymentYaml,
	'monitoring/dashboard.json': monitoringDashboardJson,
	'monitoring/prometheusrule.yaml': monitoringPrometheusruleYaml,
	'monitoring/servicemonitor.yaml': monitoringServicemonitorYaml,
	'partials/container': partialsContainer,
	'partials/deployment-spec': partialsDeploymentSpec,
	'partials/init-containers': partialsInitContainers,
	'partials/pod-annotations': partialsPodAnnotations,
	'partials/pod-spec': partialsPodSpec,
	'partials/probes': partialsProbes,
};
