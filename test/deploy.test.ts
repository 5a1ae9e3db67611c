/**
 * The Kubernetes manifests and the Helm chart (rendered by Go's text/template, the engine Helm
 * uses) are schema-valid and follow the rules a pod needs to drain; the checks catch the
 * mistakes they are there for. `pnpm check:deploy` runs the same checks.
 */
import { describe, expect, it } from 'vitest';
// Plain .mjs scripts, shared with `pnpm check:deploy`.
import { checkDeploy, drainProblems, loadManifests, renderChart, schemaProblems, unknownFieldProblems } from '../scripts/check-deploy.mjs';

// biome-ignore lint/suspicious/noExplicitAny: objects parsed from YAML, of any shape.
type Objects = { object: Record<string, any>; source: string }[];

const deploymentOf = (objects: Objects) => objects.find((o) => o.object.kind === 'Deployment')!.object;

describe('deploy/', () => {
  it('the manifests and the chart (defaults and every option) validate and drain', async () => {
    const { problems, counts } = await checkDeploy();
    expect(problems).toEqual([]);
    expect(counts.manifests).toBe(3);
    expect(counts.chart).toBe(6);
  });

  it('the chart renders the same pod as the plain manifests', async () => {
    const manifest = deploymentOf(loadManifests()).spec.template.spec;
    const chart = deploymentOf((await renderChart()).objects).spec.template.spec;
    expect(chart.terminationGracePeriodSeconds).toBe(manifest.terminationGracePeriodSeconds);
    const [m, c] = [manifest.containers[0], chart.containers[0]];
    for (const key of ['env', 'ports', 'resources', 'startupProbe', 'readinessProbe', 'livenessProbe', 'securityContext']) {
      expect(c[key], key).toEqual(m[key]);
    }
  });

  it('catches a grace period that would cut the drain short, and a missing PodDisruptionBudget', async () => {
    const { objects } = await renderChart({ terminationGracePeriodSeconds: 30, podDisruptionBudget: { enabled: false } });
    const problems = drainProblems(objects);
    expect(problems).toContainEqual(
      expect.stringContaining('terminationGracePeriodSeconds (30) must exceed shutdown delay + graceful timeout (35)'),
    );
    expect(problems).toContainEqual(expect.stringContaining('no PodDisruptionBudget selects its pods'));
  });

  it('catches a value of the wrong type through the Kubernetes schema', async () => {
    const { objects } = await renderChart({ replicaCount: 'three' });
    expect(await schemaProblems(objects)).toContainEqual(expect.stringContaining('spec/replicas must be integer'));
  });

  it('catches a pod started through npx, which does not wait for the drain', () => {
    const objects = structuredClone(loadManifests()) as Objects;
    deploymentOf(objects).spec.template.spec.containers[0].args = ['npx', 'tsunicorn', 'app.js'];
    expect(drainProblems(objects)).toContainEqual(expect.stringContaining('starts through a package manager (npx tsunicorn app.js)'));
  });

  it('catches a field the kind does not have, as kubeconform -strict does', () => {
    const objects = structuredClone(loadManifests()) as Objects;
    deploymentOf(objects).spec.template.spec.terminationGracePeriodSecond = 45;
    objects.find((o) => o.object.kind === 'Service')!.object.spec.selectr = {};
    const problems = unknownFieldProblems(objects);
    expect(problems).toHaveLength(2);
    expect(problems).toContainEqual(
      expect.stringMatching(/deployment\.yaml: Deployment tsunicorn-example: .*'terminationGracePeriodSecond' does not exist/),
    );
    expect(problems).toContainEqual(expect.stringMatching(/service\.yaml: Service tsunicorn-example: .*'selectr' does not exist/));
  });
});
