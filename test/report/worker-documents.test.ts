import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AstBuilder, GherkinClassicTokenMatcher, Parser, compile } from '@cucumber/gherkin';
import { IdGenerator, type GherkinDocument } from '@cucumber/messages';
import plugin, { documentForPickle } from '../../steps/plugins/worker-documents.ts';

const FEATURE = `# language: it
# a comment
@feat
Funzionalità: esempio
  Contesto:
    Dato un contesto

  Scenario: semplice
    Quando succede qualcosa

  Schema dello scenario: schema <n>
    Quando succede <n>

    Esempi: primi
      | n |
      | 1 |
      | 2 |

    Esempi: altri
      | n |
      | 3 |

  Regola: una regola
    Contesto:
      Dato il contesto della regola

    Scenario: nella regola
      Quando succede nella regola

    Scenario: altro nella regola
      Quando succede altro
`;

function parse(): { doc: GherkinDocument; pickles: ReturnType<typeof compile> } {
  const newId = IdGenerator.incrementing();
  const doc = new Parser(new AstBuilder(newId), new GherkinClassicTokenMatcher('it')).parse(FEATURE);
  return { doc, pickles: compile(doc, 'features/x.feature', newId) };
}

/** Every AST node id present in a document. */
function ids(doc: GherkinDocument): Set<string> {
  const out = new Set<string>();
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      if (typeof o.id === 'string') out.add(o.id);
      Object.values(o).forEach(walk);
    }
  };
  walk(doc.feature);
  return out;
}

describe('worker documents plugin: a test case carries only its part of the Gherkin AST', () => {
  it('keeps the feature header, comments, backgrounds, the scenario (in its rule) and its Examples row, nothing else', () => {
    const { doc, pickles } = parse();
    assert.equal(pickles.length, 6);
    const before = JSON.stringify(doc);
    for (const p of pickles) {
      const slim = documentForPickle(doc, p);
      const kept = ids(slim);
      // what the worker and the hooks look up: the pickle's scenario and row, every step of the pickle
      for (const id of p.astNodeIds) assert.ok(kept.has(id), `${p.name}: node ${id} kept`);
      for (const st of p.steps) for (const id of st.astNodeIds) assert.ok(kept.has(id), `${p.name}: step node ${id} kept`);
      // the other scenarios and rows are gone
      const others = pickles.filter((o) => o.astNodeIds.join() !== p.astNodeIds.join()).flatMap((o) => o.astNodeIds);
      for (const id of others) if (!p.astNodeIds.includes(id)) assert.ok(!kept.has(id), `${p.name}: node ${id} of another pickle dropped`);
      assert.equal(slim.feature?.name, 'esempio');
      assert.deepEqual(slim.feature?.tags.map((t) => t.name), ['@feat']);
      assert.deepEqual(slim.comments, doc.comments);
      assert.ok(slim.feature?.children[0]?.background, 'the feature background comes first, as in the file');
      assert.ok(JSON.stringify(slim).length < before.length);
    }
    const inRule = documentForPickle(doc, pickles.find((p) => p.name === 'nella regola')!);
    const rule = inRule.feature!.children.find((c) => c.rule)!.rule!;
    assert.equal(rule.name, 'una regola');
    assert.deepEqual(rule.children.map((c) => (c.background ? 'background' : c.scenario!.name)), ['background', 'nella regola']);
    const third = documentForPickle(doc, pickles.find((p) => p.name === 'schema 3')!);
    const outline = third.feature!.children.find((c) => c.scenario?.examples.length)!.scenario!;
    assert.deepEqual(outline.examples.map((e) => [e.name, e.tableBody.map((r) => r.cells[0]!.value)]), [['altri', ['3']]]);
    assert.equal(JSON.stringify(doc), before, 'the original document is not modified');
  });

  it('is registered on pickles:order and replaces only the gherkinDocument of each sourced pickle', async () => {
    const { doc, pickles } = parse();
    let transformer: ((v: unknown) => unknown) | undefined;
    await plugin.coordinator({ transform: (key: string, t: (v: unknown) => unknown) => { assert.equal(key, 'pickles:order'); transformer = t; } } as never);
    const sourced = pickles.map((pickle) => ({ gherkinDocument: doc, pickle, location: { line: 1 } }));
    const out = (await transformer!(sourced)) as typeof sourced;
    assert.equal(out.length, sourced.length);
    out.forEach((o, i) => {
      assert.equal(o.pickle, sourced[i]!.pickle);
      assert.equal(o.location, sourced[i]!.location);
      assert.notEqual(o.gherkinDocument, doc);
      assert.deepEqual(o.gherkinDocument, documentForPickle(doc, o.pickle));
    });
  });
});
