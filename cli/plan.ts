/**
 * The run's plan, made BEFORE the run directory exists and before any call: the tag expression (the user's, combined
 * with the profile's document types), the feature paths, the planned scenarios and their steps (a Cucumber dry run:
 * nothing executes), and the step definitions. Everything wrong here is one UserError — no run directory is created
 * and `reports/latest` is left alone:
 *  - a tag expression that does not parse, or that names a document type the profile does not have;
 *  - a feature path that does not exist, a feature file that does not parse;
 *  - no scenario matching;
 *  - a step no definition matches (with the closest existing steps), or that two definitions match.
 */
import { existsSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { Writable } from 'node:stream';
import type { IRunConfiguration, ISupportCodeLibrary } from '@cucumber/cucumber/api';
import { DOC_TYPES, type Profile } from '../support/types.ts';
import { UserError } from '../support/errors.ts';
import { PROJECT_ROOT } from '../support/paths.ts';
import { describeUndefinedSteps, closestSteps, type StepMatcher, type UndefinedStep } from '../support/harness/step-suggest.ts';

/** Where the scenarios are when no path is given (cucumber.js has no `paths`, so a path given to cucumber-js replaces them). */
export const DEFAULT_FEATURE_PATHS = ['features/**/*.feature'];

export interface PlannedScenario {
  name: string;
  uri: string;
  line?: number;
  tags: string[];
  steps: { text: string; line?: number }[];
}

export interface RunPlan {
  /** The combined tag expression the run uses. */
  tags: string;
  runConfiguration: IRunConfiguration;
  /** The loaded step definitions and hooks (handed to runCucumber: loaded once). */
  support: ISupportCodeLibrary;
  scenarios: PlannedScenario[];
}

/** The profile's types, AND the user's expression. A type tag outside the profile is refused (it would run nothing). */
export function scenarioTagExpression(profile: Pick<Profile, 'documentTypes'>, userTags?: string): string {
  const typeExpr = `(${profile.documentTypes.map((t) => `@${t}`).join(' or ')})`;
  if (!userTags || !userTags.trim()) return typeExpr;
  const named = [...userTags.matchAll(/@([A-Za-z0-9_-]+)/g)].map((m) => m[1]!);
  const outside = [...new Set(named.filter((t) => (DOC_TYPES as readonly string[]).includes(t) && !profile.documentTypes.includes(t as never)))];
  if (outside.length) {
    throw new UserError('TAGS', `--tags "${userTags}" names ${outside.map((t) => `@${t}`).join(', ')}, not in the profile's documentTypes (${profile.documentTypes.join(', ')}): the run covers only the profile's types`,
      `add ${outside.join(', ')} to "documentTypes" in the profile, or use another --tags`);
  }
  return `${typeExpr} and (${userTags})`;
}

/** Feature paths relative to the project (where Cucumber runs); each must exist. */
function featurePaths(paths: readonly string[] | undefined, cwd: string): string[] {
  if (!paths || paths.length === 0) return DEFAULT_FEATURE_PATHS;
  return paths.map((p) => {
    const file = p.replace(/:\d+(:\d+)*$/, ''); // features/x.feature:12 selects a scenario by line
    const abs = resolve(cwd, file);
    if (!existsSync(abs)) throw new UserError('PATHS', `feature path not found: ${p}`, 'give a .feature file or a folder under features/');
    const rel = relative(PROJECT_ROOT, abs);
    return (rel.startsWith('..') ? abs : rel) + p.slice(file.length);
  });
}

const sink = () => new Writable({ write(_c, _e, cb) { cb(); } });

/** Loads configuration, scenarios and step definitions; dry-runs the plan to find undefined steps. Sends nothing. */
export async function planRun(o: { profile: Profile; userTags?: string; paths?: readonly string[]; cwd?: string; env?: NodeJS.ProcessEnv }): Promise<RunPlan> {
  const tags = scenarioTagExpression(o.profile, o.userTags);
  const paths = featurePaths(o.paths, o.cwd ?? process.cwd());
  const env = o.env ?? process.env;
  const api = await import('@cucumber/cucumber/api');
  const { runConfiguration } = await api.loadConfiguration({ file: 'cucumber.js', provided: { tags, paths } }, { cwd: PROJECT_ROOT, env });
  const parseError = async (expr: string): Promise<string | null> => {
    try {
      const { runConfiguration: rc } = await api.loadConfiguration({ file: 'cucumber.js', provided: { tags: expr, paths } }, { cwd: PROJECT_ROOT, env });
      await api.loadSources(rc.sources);
      return null;
    } catch (e) {
      return ((e as { cause?: Error }).cause?.message ?? (e as Error).message).replace(/^Tag expression "[^"]*" could not be parsed because of /, '');
    }
  };
  let sources;
  try {
    sources = await api.loadSources(runConfiguration.sources);
  } catch (e) {
    // the message of the user's own expression (the combined one shifts the positions and the wording)
    const cause = (o.userTags && await parseError(o.userTags)) || ((e as { cause?: Error }).cause?.message ?? (e as Error).message);
    throw new UserError('TAGS', `--tags "${o.userTags ?? ''}" is not a valid tag expression: ${cause}`,
      'e.g. --tags "@LAB and @negativo", "@delete or @correzione-cf", "not @token"');
  }
  if (sources.errors.length) {
    throw new UserError('FEATURES', `${sources.errors.length} feature file(s) do not parse:\n  - ${sources.errors.map((er) => `${er.uri}${er.location ? `:${er.location.line}` : ''}: ${er.message}`).join('\n  - ')}`);
  }
  if (sources.plan.length === 0) {
    throw new UserError('TAGS', `no scenario matches ${o.userTags ? `--tags "${o.userTags}"` : 'the profile'} in ${paths.join(' ')} (with the profile's types: ${tags})`,
      'tags are case-sensitive; see README § "Slicing the suite with tags"');
  }

  const support = await api.loadSupport(runConfiguration, { cwd: PROJECT_ROOT, env });
  // The dry run: Cucumber assembles every test case (which definition each step matches) and executes nothing.
  const pickles = new Map<string, { name: string; uri: string; astNodeIds: string[]; tags: string[]; steps: { id: string; text: string; astNodeIds: string[] }[] }>();
  const lines = new Map<string, number>();
  const problems: { pickleId: string; stepId: string; ambiguous: boolean }[] = [];
  const planned = new Set<string>(); // every feature's pickles are announced; only the filtered ones get a test case
  await api.runCucumber({
    ...runConfiguration,
    support,
    formats: { stdout: 'summary', files: {}, publish: false, options: {} },
    runtime: { ...runConfiguration.runtime, dryRun: true, parallel: 0 },
  }, { cwd: PROJECT_ROOT, stdout: sink(), stderr: sink(), env }, (m) => {
    if (m.gherkinDocument?.feature) {
      const visit = (children: readonly { scenario?: { id: string; location: { line: number }; steps: readonly { id: string; location: { line: number } }[]; examples?: readonly { tableBody: readonly { id: string; location: { line: number } }[] }[] }; background?: { steps: readonly { id: string; location: { line: number } }[] }; rule?: { children: readonly unknown[] } }[]) => {
        for (const c of children) {
          if (c.scenario) {
            lines.set(c.scenario.id, c.scenario.location.line);
            for (const s of c.scenario.steps) lines.set(s.id, s.location.line);
          }
          for (const s of c.background?.steps ?? []) lines.set(s.id, s.location.line);
          if (c.rule) visit(c.rule.children as never);
        }
      };
      visit(m.gherkinDocument.feature.children as never);
    }
    if (m.pickle) pickles.set(m.pickle.id, { name: m.pickle.name, uri: m.pickle.uri, astNodeIds: [...m.pickle.astNodeIds], tags: m.pickle.tags.map((t) => t.name), steps: m.pickle.steps.map((s) => ({ id: s.id, text: s.text, astNodeIds: [...s.astNodeIds] })) });
    if (m.testCase) {
      planned.add(m.testCase.pickleId);
      for (const ts of m.testCase.testSteps) {
        if (ts.pickleStepId && (ts.stepDefinitionIds?.length ?? 0) !== 1) problems.push({ pickleId: m.testCase.pickleId, stepId: ts.pickleStepId, ambiguous: (ts.stepDefinitionIds?.length ?? 0) > 1 });
      }
    }
  });
  const scenarios: PlannedScenario[] = [...pickles.entries()].filter(([id]) => planned.has(id)).map(([, p]) => ({
    name: p.name, uri: p.uri, line: lines.get(p.astNodeIds[0]!), tags: p.tags,
    steps: p.steps.map((s) => ({ text: s.text, line: lines.get(s.astNodeIds[0]!) })),
  }));
  if (problems.length) {
    const definitions = (support as unknown as { stepDefinitions: StepMatcher[] }).stepDefinitions.map((d) => String(typeof d.pattern === 'string' ? d.pattern : (d.pattern as RegExp).source));
    // one entry per distinct step text and place (an outline's examples repeat the same typo)
    const seen = new Set<string>();
    const undefinedList: UndefinedStep[] = [];
    const ambiguous: string[] = [];
    for (const pr of problems) {
      const p = pickles.get(pr.pickleId)!;
      const s = p.steps.find((x) => x.id === pr.stepId)!;
      const line = lines.get(s.astNodeIds[0]!);
      const key = `${p.uri}:${line}:${s.text}`;
      if (seen.has(key)) continue;
      seen.add(key);
      if (pr.ambiguous) ambiguous.push(`${p.uri}${line ? `:${line}` : ''}: "${s.text}" matches more than one step definition`);
      else undefinedList.push({ uri: p.uri, line, scenario: p.name, text: s.text, closest: closestSteps(s.text, definitions) });
    }
    const count = new Set(problems.map((x) => x.pickleId)).size;
    throw new UserError('STEPS', `${count} planned scenario(s) have steps that match no step definition; nothing was sent:\n  ${[...describeUndefinedSteps(undefinedList), ...ambiguous].join('\n  ')}`,
      'fix the step text in the feature file (README § "Adding a scenario" lists the steps)');
  }
  return { tags, runConfiguration, support, scenarios };
}
