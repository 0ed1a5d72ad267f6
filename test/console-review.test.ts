import { describe, expect, it } from 'vitest';
import { reviewQueue } from '../src/console/review-queue.ts';
import { statistics } from '../src/console/statistics.ts';
import { conversationView } from '../src/console/views/conversation.ts';
import { IntentNames } from '../src/console/labels.ts';
import { trainingWith } from '../src/retraining.ts';
import type { LearnerMessage } from '../src/transcripts/store.ts';

let seq = 0;
const at = (h: number) => new Date(2026, 10, 26, h);
const msg = (conversationId: string, text: string, m: Partial<LearnerMessage>): LearnerMessage => ({
  seq: ++seq,
  conversationId,
  channelId: 'webchat',
  text,
  at: at(10 + (seq % 10)),
  kind: 'question',
  ...m,
});

describe('the « À relire » queue (a pure function of the learner messages)', () => {
  const messages = [
    msg('a', 'combien dure l épreuve', { intent: 'duree_epreuve', confidence: 0.9, status: 'answered' }),
    msg('a', 'quelle heure à Tokyo', { intent: 'hors_sujet', confidence: 0.4, status: 'fallback' }),
    msg('b', 'c quoi le truc', { intent: 'format_epreuve', confidence: 0.3, status: 'answered' }),
    msg('b', 'la douloureuse elle monte à combien', { intent: 'note_requise', confidence: 0.75, status: 'answered' }),
    msg('b', '👎 Non', { kind: 'command', status: 'feedback_down', feedback: 'down' }),
    msg('c', 'je veux m inscrire', {
      intent: 'inscription_accompagnee',
      confidence: 0.96,
      status: 'answered',
      dialogStarted: 'registration',
    }),
    msg('c', 'oui', { kind: 'prompt_answer', prompt: 'prompt-yesno' }),
    msg('c', 'annuler', { kind: 'command', status: 'cancel' }),
    msg('d', 'je veux m inscrire', {
      intent: 'inscription_accompagnee',
      confidence: 0.96,
      status: 'answered',
      dialogStarted: 'registration',
    }),
    msg('d', 'oui', { kind: 'prompt_answer', prompt: 'prompt-yesno' }),
    msg('e', 'vous pouvez préciser ?', { intent: 'format_epreuve', confidence: 0.5, status: 'ambiguous' }),
  ];

  it('keeps what went wrong, newest first, with why; the answered, the 👎 itself and completed dialogs stay out', () => {
    const items = reviewQueue(messages, []);
    expect(items.map((i) => [i.message.conversationId, i.message.text, i.reasons])).toEqual([
      ['e', 'vous pouvez préciser ?', ['clarification']],
      ['c', 'je veux m inscrire', ['dialog_left']],
      ['b', 'la douloureuse elle monte à combien', ['negative_feedback']],
      ['b', 'c quoi le truc', ['low_confidence']],
      ['a', 'quelle heure à Tokyo', ['fallback']],
    ]);
  });

  it('a corrected sentence leaves the queue, with its correction, wherever it was said', () => {
    const items = reviewQueue(messages, [
      { text: 'quelle heure à Tokyo', intent: 'hors_sujet', by: 'claire', at: at(12) },
    ]);
    const tokyo = items.find((i) => i.message.text === 'quelle heure à Tokyo')!;
    expect(tokyo.correction?.intent).toBe('hors_sujet');
    expect(items.filter((i) => !i.correction)).toHaveLength(4);
  });

  it('statistics: one base (questions), outcomes that add up, 👎 and satisfaction, unanswered subjects', () => {
    const s = statistics(messages, new Set());
    // 7 questions: not the 👎, not « oui », not « annuler ».
    expect(s.questions).toBe(7);
    expect(s.answered + s.clarified + s.notCovered + s.notUnderstood).toBe(7);
    expect([s.answered, s.clarified, s.notUnderstood]).toEqual([5, 1, 1]);
    expect([s.feedbackDown, s.satisfaction]).toEqual([1, 0]);
    expect(s.perDay.reduce((n, d) => n + d.questions, 0)).toBe(7);
    expect(s.perChannel).toEqual([{ channel: 'webchat', questions: 7, answered: 5 }]);
    expect(s.topUnanswered.map((t) => t.example).sort()).toEqual(['quelle heure à Tokyo', 'vous pouvez préciser ?']);
  });
});

describe('the conversation view (a pure function of data)', () => {
  it('escapes learner text everywhere it appears, the correction form included', () => {
    const text = '<script>alert(1)</script>';
    const view = conversationView({
      id: 'c1',
      intents: new IntentNames([{ id: 'hors_sujet', label: 'Hors sujet' }]),
      csrf: 't',
      corrections: new Map(),
      reasons: new Map([[1, ['fallback']]]),
      entries: [
        {
          seq: 1,
          conversationId: 'c1',
          channelId: 'msteams',
          userId: 'u',
          direction: 'in',
          type: 'message',
          text,
          at: at(10),
          kind: 'question',
          status: 'fallback',
          activity: {},
        },
      ],
    });
    expect(view.body.value).not.toContain('<script>');
    expect(view.body.value).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(view.body.value).toContain('Teams · commencée');
    expect(view.body.value).toContain('pas compris');
    expect(view.body.value).not.toMatch(/<option value="hors_sujet" selected/);
  });
});

describe('training with the sentences staff assigned', () => {
  it('adds them to the training files, without duplicates and without intents the catalogue lost', () => {
    const base = {
      catalog: [{ id: 'cout_inscription', kind: 'faq' as const, covers: 'x' }],
      examples: [{ text: 'combien ça coûte', intent: 'cout_inscription' }],
    };
    const t = trainingWith(base, [
      { text: 'la douloureuse elle monte à combien', intent: 'cout_inscription' },
      { text: 'Combien ça coûte ', intent: 'cout_inscription' },
      { text: 'une intention retirée', intent: 'ancienne_intention' },
    ]);
    expect(t.examples.map((e) => e.text)).toEqual(['combien ça coûte', 'la douloureuse elle monte à combien']);
  });
});
