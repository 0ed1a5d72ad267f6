import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import * as dialogs from 'botbuilder-dialogs';
import BayesClassifier from 'natural/lib/natural/classifiers/bayes_classifier.js';
import PorterStemmerFr from 'natural/lib/natural/stemmers/porter_stemmer_fr.js';
import { DamerauLevenshteinDistance } from 'natural/lib/natural/distance/levenshtein_distance.js';
import * as sdk from '../dialogs/dialogs-sdk.ts';

/**
 * The assistant imports some modules of natural and botbuilder-dialogs by their path inside the
 * package (`lib/…`), to start without what the package index also loads. Those paths are not a
 * public API: an upgrade may move or change them. So the versions are exact in package.json, and
 * these tests say, on each upgrade, whether every deep import is still the object the public index
 * exports.
 */
const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};
const require = createRequire(import.meta.url);
// Loaded untyped on purpose: natural's index types pull in its .ts sources, which tsc would check.
const natural = require('natural') as Record<
  'BayesClassifier' | 'PorterStemmerFr' | 'DamerauLevenshteinDistance',
  unknown
>;
const installed = (name: string) => (require(`${name}/package.json`) as { version: string }).version;

describe('deep imports', () => {
  it('packages deep-imported (and the botbuilder packages released with them) are pinned to an exact, installed version', () => {
    const deps = { ...manifest.dependencies, ...manifest.devDependencies };
    for (const name of [
      'natural',
      'botbuilder',
      'botbuilder-core',
      'botbuilder-dialogs',
      'botbuilder-testing',
      'botframework-connector',
    ]) {
      expect(deps[name], name).toMatch(/^\d+\.\d+\.\d+$/);
      expect(installed(name), name).toBe(deps[name]);
    }
  });

  it("natural's classifier, French stemmer and distance are the ones natural's index exports", () => {
    expect(BayesClassifier).toBe(natural.BayesClassifier);
    expect(PorterStemmerFr).toBe(natural.PorterStemmerFr);
    expect(DamerauLevenshteinDistance).toBe(natural.DamerauLevenshteinDistance);
  });

  it("dialogs/dialogs-sdk.ts exports botbuilder-dialogs' own classes and enums", () => {
    expect(sdk.ComponentDialog).toBe(dialogs.ComponentDialog);
    expect(sdk.Dialog).toBe(dialogs.Dialog);
    expect(sdk.DialogTurnStatus).toBe(dialogs.DialogTurnStatus);
    expect(sdk.DialogSet).toBe(dialogs.DialogSet);
    expect(sdk.TextPrompt).toBe(dialogs.TextPrompt);
    expect(sdk.WaterfallDialog).toBe(dialogs.WaterfallDialog);
    // Every value the module exports is checked above (types have no runtime value to compare).
    expect(Object.keys(sdk).sort()).toEqual([
      'ComponentDialog',
      'Dialog',
      'DialogSet',
      'DialogTurnStatus',
      'TextPrompt',
      'WaterfallDialog',
    ]);
  });
});
