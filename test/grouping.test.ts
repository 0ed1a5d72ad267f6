import { describe, expect, it } from 'vitest';
import { groupBySimilarity } from '../src/console/grouping.ts';

describe('grouping unanswered questions', () => {
  it('puts rewordings of one question together and keeps different ones apart', () => {
    const stop = new Set(['est', 'les', 'des', 'pour', 'que', 'qui']);
    const questions = [
      'ou se trouve le centre examen a Lyon',
      'le centre d examen de Lyon se trouve ou',
      'peut on amener une calculatrice',
      'centre examen Lyon adresse',
      'calculatrice autorisee pendant epreuve',
    ];
    const groups = groupBySimilarity(questions, (q) => q, stop);
    const lyon = groups.find((g) => g.representative.includes('Lyon'))!;
    expect(lyon.members).toContain('le centre d examen de Lyon se trouve ou');
    expect(lyon.members).not.toContain('peut on amener une calculatrice');
    expect(groups.length).toBeGreaterThanOrEqual(3);
    expect(groups[0]!.members.length).toBeGreaterThanOrEqual(groups[groups.length - 1]!.members.length);
  });
});
