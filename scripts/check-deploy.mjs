#!/usr/bin/env node
/**
 * `pnpm check:deploy`: validates the Kubernetes manifests in deploy/kubernetes and the Helm
 * chart in deploy/helm/tsunicorn, rendered with its default values and with every optional
 * part switched on.
 *
 * - Schema: every object is checked against the Kubernetes OpenAPI schema of its kind
 *   (kubernetes-models, from the npm registry), and strictly, as `kubeconform -strict` does:
 *   a field the kind does not have (a typo such as `terminationGracePeriodSecond`) is an
 *   error. The strict check type-checks the objects against kubernetes-models' TypeScript
 *   interfaces, whose excess-property check names every unknown field.
 * - Rendering: no Helm binary installs from the registries this project uses, so the chart is
 *   rendered by Go's own text/template (the engine Helm uses, compiled to WebAssembly:
 *   @evertdespiegeleer/go-template) with the objects Helm passes (.Values, .Release, .Chart).
 *   The chart's templates use only Go's built-in functions for that reason; Helm renders
 *   them the same way.
 * - Drain rules: the rules a pod needs to drain on every stop (see docs/deployment.md).
 *
 * Exits 1 and lists the problems when any is found.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as renderGoTemplate } from '@evertdespiegeleer/go-template';
import { parseAllDocuments, parse as parseYaml } from 'yaml';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const MANIFESTS_DIR = join(ROOT, 'deploy/kubernetes');
export const CHART_DIR = join(ROOT, 'deploy/helm/tsunicorn');

/** Values that switch on every optional part of the chart, rendered besides the defaults. */
export const ALL_OPTIONS_VALUES = {
  app: 'dist/app.js:createApp',
  extraEnv: [{ name: 'TSUNICORN_MAX_REQUESTS', value: 10000 }],
  probes: { port: 'http', livenessPath: '/health', readinessPath: '/health' },
};

/** The objects of every YAML document in `dir`'s .yaml files, with the file they came from. */
export function loadManifests(dir = MANIFESTS_DIR) {
  const objects = [];
  for (const file of readdirSync(dir).filter((f) => /\.ya?ml$/.test(f))) {
    objects.push(...parseDocuments(readFileSync(join(dir, file), 'utf8'), file));
  }
  return objects;
}

/**
 * Renders the chart as `helm template RELEASE CHART` would: values.yaml deep-merged with
 * `overrides`, every file in templates/ (files starting with "_" are only definitions).
 */
export async function renderChart(overrides = {}, chartDir = CHART_DIR, release = 'example') {
  const chart = parseYaml(readFileSync(join(chartDir, 'Chart.yaml'), 'utf8'));
  const values = deepMerge(parseYaml(readFileSync(join(chartDir, 'values.yaml'), 'utf8')) ?? {}, overrides);
  const context = {
    Values: values,
    Release: { Name: release, Namespace: 'default', Service: 'Helm', IsInstall: true, IsUpgrade: false, Revision: 1 },
    Chart: { Name: chart.name, Version: chart.version, AppVersion: chart.appVersion, Description: chart.description },
  };
  const dir = join(chartDir, 'templates');
  const files = readdirSync(dir).filter((f) => /\.(ya?ml|tpl)$/.test(f));
  const definitions = files.filter((f) => f.startsWith('_')).map((f) => readFileSync(join(dir, f), 'utf8'));
  const objects = [];
  for (const file of files.filter((f) => !f.startsWith('_'))) {
    const source = [...definitions, readFileSync(join(dir, file), 'utf8')].join('\n');
    let text;
    try {
      text = await renderGoTemplate(source, context);
    } catch (err) {
      throw new Error(`templates/${file} does not render: ${err.message}`);
    }
    objects.push(...parseDocuments(text, `templates/${file}`));
  }
  return { chart, objects };
}

/** Problems with Chart.yaml, as sentences. */
export function chartProblems(chart) {
  const problems = [];
  if (chart.apiVersion !== 'v2') problems.push('Chart.yaml: apiVersion must be v2');
  if (!/^[a-z0-9-]+$/.test(chart.name ?? '')) problems.push('Chart.yaml: name must be lower case letters, digits and dashes');
  if (!/^\d+\.\d+\.\d+(-[\w.]+)?$/.test(chart.version ?? '')) problems.push('Chart.yaml: version must be SemVer 2');
  return problems;
}

/** Schema problems of each object, from the Kubernetes OpenAPI schemas, as sentences. */
export async function schemaProblems(objects) {
  const problems = [];
  for (const { object, source } of objects) {
    const where = `${source}: ${object.kind ?? '?'} ${object.metadata?.name ?? '?'}`;
    if (typeof object.apiVersion !== 'string' || typeof object.kind !== 'string') {
      problems.push(`${where}: apiVersion and kind are required`);
      continue;
    }
    let Model;
    try {
      const model = `kubernetes-models/${object.apiVersion}/${object.kind}`;
      Model = (await import(/* @vite-ignore */ model))[object.kind];
    } catch {
      problems.push(`${where}: unknown apiVersion/kind ${object.apiVersion}/${object.kind}`);
      continue;
    }
    try {
      new Model(object).validate();
    } catch (err) {
      problems.push(`${where}: ${err.message}`);
    }
  }
  return problems;
}

/**
 * Fields the objects' kinds do not have, as sentences: the objects are written out as object
 * literals typed with kubernetes-models' interfaces and type-checked by tsc. tsc names the
 * first unknown field of each object; a second one in the same object shows once the first
 * is fixed.
 */
export function unknownFieldProblems(objects) {
  // Inside the workspace, so that the file resolves kubernetes-models; one directory per run.
  const cache = join(ROOT, 'node_modules/.cache');
  mkdirSync(cache, { recursive: true });
  const dir = mkdtempSync(join(cache, 'tsunicorn-check-deploy-'));
  const lines = [];
  const owners = [];
  objects.forEach(({ object }, i) => {
    const type = `I${object.kind}`;
    lines.push(`import type { ${type} as T${i} } from 'kubernetes-models/${object.apiVersion}/${object.kind}';`);
    owners.push(null);
  });
  objects.forEach(({ object, source }, i) => {
    const json = JSON.stringify(object, null, 2).split('\n');
    json[0] = `export const o${i}: T${i} = ${json[0]}`;
    json[json.length - 1] += ';';
    for (const line of json) {
      lines.push(line);
      owners.push(`${source}: ${object.kind} ${object.metadata?.name ?? '?'}`);
    }
  });
  writeFileSync(join(dir, 'objects.ts'), `${lines.join('\n')}\n`);
  const compilerOptions = { strict: true, noEmit: true, module: 'nodenext', moduleResolution: 'nodenext', skipLibCheck: true, types: [] };
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions, files: ['objects.ts'] }));
  try {
    execFileSync(join(ROOT, 'node_modules/.bin/tsc'), ['-p', dir, '--pretty', 'false'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return [];
  } catch (err) {
    const output = `${err.stdout ?? ''}${err.stderr ?? ''}`;
    const problems = [...output.matchAll(/objects\.ts\((\d+),\d+\): error TS\d+: (.+)/g)].map(
      (m) => `${owners[Number(m[1]) - 1] ?? 'objects'}: ${m[2].replace(/'"([^"]+)"'/g, "'$1'")}`,
    );
    return problems.length > 0 ? problems : [`the strict field check could not run: ${output.trim() || err.message}`];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The rules a tsunicorn Deployment must follow to drain on every stop and keep capacity,
 * as sentences naming what is wrong. `requirePdb`: a PodDisruptionBudget must cover the pods.
 */
export function drainProblems(objects, { requirePdb = true } = {}) {
  const problems = [];
  const all = objects.map((o) => o.object);
  const deployments = all.filter((o) => o.kind === 'Deployment');
  if (deployments.length === 0) problems.push('no Deployment');
  for (const d of deployments) {
    const name = `Deployment ${d.metadata?.name}`;
    const spec = d.spec ?? {};
    const pod = spec.template?.spec ?? {};
    const labels = spec.template?.metadata?.labels ?? {};
    const rolling = spec.strategy?.rollingUpdate;
    if (spec.strategy?.type !== 'RollingUpdate' || String(rolling?.maxUnavailable) !== '0' || !(Number(rolling?.maxSurge) >= 1)) {
      problems.push(`${name}: the rolling update must keep capacity (strategy RollingUpdate, maxUnavailable 0, maxSurge >= 1)`);
    }
    const grace = pod.terminationGracePeriodSeconds ?? 30;
    for (const c of pod.containers ?? []) {
      const where = `${name}, container ${c.name}`;
      const env = Object.fromEntries((c.env ?? []).map((e) => [e.name, e]));
      const seconds = (key, fallback) => Number(env[key]?.value ?? fallback);
      const needed = seconds('TSUNICORN_SHUTDOWN_DELAY', 0) + seconds('TSUNICORN_GRACEFUL_TIMEOUT', 30);
      if (!(grace > needed)) {
        problems.push(`${where}: terminationGracePeriodSeconds (${grace}) must exceed shutdown delay + graceful timeout (${needed})`);
      }
      if (!(seconds('TSUNICORN_SHUTDOWN_DELAY', 0) > 0)) {
        problems.push(`${where}: TSUNICORN_SHUTDOWN_DELAY must be set, so the pod keeps serving while its endpoint is removed`);
      }
      const workers = env.TSUNICORN_WORKERS?.valueFrom?.resourceFieldRef;
      if (workers?.resource !== 'limits.cpu') problems.push(`${where}: TSUNICORN_WORKERS must come from limits.cpu (resourceFieldRef)`);
      if (c.resources?.limits?.cpu === undefined) problems.push(`${where}: resources.limits.cpu must be set: the workers follow it`);
      const line = [...(c.command ?? []), ...(c.args ?? [])].join(' ');
      if (/\b(npx|npm|yarn|pnpm)\b/.test(line)) {
        problems.push(`${where}: starts through a package manager (${line}); its exit on TERM kills the server mid-drain`);
      }
      const ports = new Set((c.ports ?? []).flatMap((p) => [p.name, p.containerPort]));
      for (const probe of ['startupProbe', 'readinessProbe', 'livenessProbe']) {
        const get = c[probe]?.httpGet;
        if (!get) problems.push(`${where}: ${probe} with httpGet is missing`);
        else if (!ports.has(get.port)) problems.push(`${where}: ${probe} port ${get.port} is not a port of the container`);
      }
      if (c.securityContext?.allowPrivilegeEscalation !== false) problems.push(`${where}: allowPrivilegeEscalation must be false`);
    }
    if (pod.securityContext?.runAsNonRoot !== true) problems.push(`${name}: the pod must run as non-root (runAsNonRoot)`);
    const selects = (selector) =>
      Object.entries(selector ?? {}).every(([k, v]) => labels[k] === v) && Object.keys(selector ?? {}).length > 0;
    if (!selects(spec.selector?.matchLabels)) problems.push(`${name}: selector does not match the pod labels`);
    const pdbs = all.filter((o) => o.kind === 'PodDisruptionBudget' && selects(o.spec?.selector?.matchLabels));
    if (requirePdb && pdbs.length === 0) problems.push(`${name}: no PodDisruptionBudget selects its pods`);
    for (const pdb of pdbs) {
      const { maxUnavailable, minAvailable } = pdb.spec;
      const allows = maxUnavailable !== undefined ? Number(maxUnavailable) >= 1 : Number(minAvailable) < (spec.replicas ?? 1);
      if (!allows) problems.push(`PodDisruptionBudget ${pdb.metadata?.name}: it must let one pod go, or a node drain never finishes`);
    }
    const services = all.filter((o) => o.kind === 'Service');
    if (!services.some((s) => selects(s.spec?.selector))) problems.push(`${name}: no Service selects its pods`);
  }
  return problems;
}

function parseDocuments(text, source) {
  const objects = [];
  for (const doc of parseAllDocuments(text)) {
    if (doc.errors.length > 0) throw new Error(`${source}: ${doc.errors[0].message}`);
    const object = doc.toJS();
    if (object !== null && object !== undefined) objects.push({ object, source });
  }
  return objects;
}

function deepMerge(base, over) {
  if (
    typeof base !== 'object' ||
    base === null ||
    Array.isArray(base) ||
    typeof over !== 'object' ||
    over === null ||
    Array.isArray(over)
  ) {
    return over === undefined ? base : over;
  }
  const out = { ...base };
  for (const [key, value] of Object.entries(over)) out[key] = deepMerge(base[key], value);
  return out;
}

/** Every check, on the manifests and on the chart with its defaults and with every option. */
export async function checkDeploy() {
  const problems = [];
  const manifests = loadManifests();
  problems.push(...(await schemaProblems(manifests)), ...drainProblems(manifests).map((p) => `deploy/kubernetes: ${p}`));
  const defaults = await renderChart();
  problems.push(...chartProblems(defaults.chart));
  problems.push(...(await schemaProblems(defaults.objects)), ...drainProblems(defaults.objects).map((p) => `chart (defaults): ${p}`));
  const options = await renderChart(ALL_OPTIONS_VALUES);
  problems.push(...(await schemaProblems(options.objects)), ...drainProblems(options.objects).map((p) => `chart (all options): ${p}`));
  problems.push(...unknownFieldProblems([...manifests, ...defaults.objects, ...options.objects]));
  return { problems, counts: { manifests: manifests.length, chart: defaults.objects.length + options.objects.length } };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { problems, counts } = await checkDeploy();
  for (const problem of problems) console.error(`✗ ${problem}`);
  if (problems.length > 0) process.exit(1);
  console.log(`✓ ${counts.manifests} manifest object(s) and ${counts.chart} rendered chart object(s) are valid and drain`);
  // The Go runtime behind the renderer keeps the event loop alive.
  process.exit(0);
}
