import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { z } from 'zod';
import { formatZodIssues } from '../../knowledge/validation-error.ts';
import { fold } from './text.ts';

/**
 * What a clause is about and what it asks, read from the words themselves (intents/frames.fr.yaml).
 *
 * The classifier sees a bag of words and cannot tell "où s'inscrire" from "quand s'inscrire" once
 * "inscri" dominates; a handful of explicit cues (question words, the nouns of the domain) can. They
 * do not answer on their own: they weigh the classifier's intents (see FrameReader).
 */

const Patterns = z.array(z.string().min(1));
const FramesSchema = z.object({
  subjects: z.record(z.string().regex(/^[a-z_]+$/), Patterns),
  asks: z.record(z.string().regex(/^[a-z_]+$/), Patterns),
  yes_no: z.object({
    questions: Patterns,
    statement_question: z.string(),
    open_words: z.string(),
    choice: z.string().default('(?!)'),
    negation: z.string(),
  }),
  clause_joins: Patterns,
  ellipsis: Patterns,
  then: Patterns,
  requests: Patterns.default([]),
  guide_me: Patterns.default([]),
  if_failed: Patterns.default([]),
  training_finished: Patterns.default([]),
});

export interface Cues {
  subjects: Set<string>;
  asks: Set<string>;
  /** A closed question (« c'est un oral ? », « je peux passer que le bloc 4 ? »). */
  yesNo: boolean;
  /** Asked in the negative (« je n'ai pas le droit ? »): a yes is said « Si ». */
  negated: boolean;
  /** A choice between two (« écrit ou oral ? », « le bloc 3 ou le 4 ? »): answered, not with Oui/Non. */
  choice: boolean;
  /**
   * A claim typed (or dictated) without a question mark (« c'est une épreuve écrite », « je dois
   * m'inscrire moi même »): checked against the sheet's claims only, never given a default yes.
   */
  claim: boolean;
}

function compile(file: string, where: string, source: string): RegExp {
  try {
    return new RegExp(source);
  } catch (err) {
    throw new Error(`${file}: ${where}: not a valid regular expression: ${(err as Error).message}`, { cause: err });
  }
}

/**
 * « où » after a noun of place or time, before a subject, introduces a relative clause (« la ville où
 * j'habite », « le jour où on l'obtient »); before an infinitive it still asks (« l'endroit où s'inscrire »).
 */
const RELATIVE_OU =
  /\b(endroit|lieu|ville|region|departement|adresse|centre|magasin|entreprise|boite|academie|rectorat|jour|moment|periode|date|annee|mois|la|celle|celui|pays|commune|quartier|site|depend\w* de|depend\w* d|selon|en fonction de|d apres)s? ou(?= (je|j|tu|il|elle|on|nous|vous|ils|elles|mon|ma|mes|notre|nos|se trouve|se situe|c est|c|ca|l inscription|l examen|l epreuve)\b)/g;

const compileAll = (file: string, where: string, list: string[]) =>
  list.map((p, i) => compile(file, `${where}[${i}]`, p));

/**
 * The words of `normal` that belong to the sentence that asks: the last one with a question mark
 * (« Ma formation se termine en janvier. Comment on s'inscrit ? Merci d'avance » → « comment on s inscrit »),
 * else the last one. Counted in words of the typed sentences, as the normalised clause keeps their order.
 */
function askingSentence(normal: string, raw: string): string {
  const pieces = raw.match(/[^.!?]+[.!?]*/g) ?? [raw];
  if (pieces.length < 2) return normal;
  let at = pieces.length - 1;
  while (at > 0 && !pieces[at]!.includes('?')) at--;
  if (!pieces[at]!.includes('?')) at = pieces.length - 1;
  const count = (t: string) =>
    fold(t)
      .replace(/[^a-z0-9 ]+/g, ' ')
      .trim()
      .split(/\s+/)
      .filter(Boolean).length;
  const after = pieces.slice(at + 1).reduce((n, t) => n + count(t), 0);
  const words = normal.split(' ');
  return words.slice(Math.max(0, words.length - after - count(pieces[at]!)), words.length - after).join(' ');
}

/**
 * A list of patterns of which any may match, as few expressions as possible: one alternation of them
 * all scans a clause once instead of once per pattern (hundreds per clause), and it matches somewhere
 * exactly when one of them does. Each is checked alone first (an error names it); one that refers to
 * a group (by number or name) stays alone, since joined its group numbers would shift.
 */
function anyOf(file: string, where: string, list: string[]): RegExp[] {
  const alone = compileAll(file, where, list);
  const joined: RegExp[] = [];
  let run: string[] = [];
  const flush = () => {
    if (run.length > 0) joined.push(new RegExp(run.map((p) => `(?:${p})`).join('|')));
    run = [];
  };
  list.forEach((p, i) => {
    if (/\\[1-9]|\\k<|\(\?<[^=!]/.test(p)) {
      flush();
      joined.push(alone[i]!);
    } else run.push(p);
  });
  flush();
  return joined;
}

export class CueReader {
  private constructor(
    private readonly subjectPatterns: Map<string, RegExp[]>,
    private readonly askPatterns: Map<string, RegExp[]>,
    private readonly yesNo: { questions: RegExp[]; statement: RegExp; open: RegExp; choice: RegExp; negation: RegExp },
    private readonly joins: RegExp,
    private readonly ellipsis: RegExp[],
    private readonly then: RegExp[],
    private readonly requests: RegExp[],
    private readonly guideMe: RegExp[],
    private readonly ifFailed: RegExp[],
    private readonly trainingFinished: RegExp[],
  ) {}

  static load(file: string): CueReader {
    let raw: unknown;
    try {
      raw = parse(readFileSync(file, 'utf8'));
    } catch (err) {
      throw new Error(`${file}: not valid YAML: ${(err as Error).message}`, { cause: err });
    }
    const result = FramesSchema.safeParse(raw);
    if (!result.success) throw new Error(formatZodIssues(file, result.error));
    const d = result.data;
    const subjects = new Map(Object.entries(d.subjects).map(([k, v]) => [k, anyOf(file, `subjects.${k}`, v)]));
    const asks = new Map(Object.entries(d.asks).map(([k, v]) => [k, anyOf(file, `asks.${k}`, v)]));
    const yn = {
      questions: anyOf(file, 'yes_no.questions', d.yes_no.questions),
      statement: compile(file, 'yes_no.statement_question', d.yes_no.statement_question),
      open: compile(file, 'yes_no.open_words', d.yes_no.open_words),
      choice: compile(file, 'yes_no.choice', d.yes_no.choice),
      negation: compile(file, 'yes_no.negation', d.yes_no.negation),
    };
    compileAll(file, 'clause_joins', d.clause_joins);
    const joins = new RegExp(d.clause_joins.map((j) => `(?:${j})`).join('|'), 'g');
    return new CueReader(
      subjects,
      asks,
      yn,
      joins,
      compileAll(file, 'ellipsis', d.ellipsis),
      anyOf(file, 'then', d.then),
      anyOf(file, 'requests', d.requests),
      anyOf(file, 'guide_me', d.guide_me),
      anyOf(file, 'if_failed', d.if_failed),
      anyOf(file, 'training_finished', d.training_finished),
    );
  }

  get subjectNames(): string[] {
    return [...this.subjectPatterns.keys()];
  }

  get askNames(): string[] {
    return [...this.askPatterns.keys()];
  }

  /**
   * Cues of a clause. `normal` is the clause folded with SMS words replaced and typos corrected
   * (words joined by single spaces); `raw` the clause as typed (for its final "?").
   */
  read(normal: string, raw: string): Cues {
    const subjects = new Set<string>();
    for (const [name, patterns] of this.subjectPatterns) if (patterns.some((p) => p.test(normal))) subjects.add(name);
    // « s'inscrire pour passer l'épreuve »: the épreuve is why one registers, not what is asked about.
    if (
      subjects.has('inscription') &&
      subjects.has('epreuve') &&
      /\binscri\w*\b.*\bpour (passer|presenter|faire) (l|le|la|les) (epreuve|examen|exam|ccp|epreuves|examens)\b/.test(
        normal,
      ) &&
      !/\b(epreuve|examen|exam|ccp|epreuves|examens)\b.*\binscri/.test(
        normal.replace(
          /\bpour (passer|presenter|faire) (l|le|la|les) (epreuve|examen|exam|ccp|epreuves|examens)\b/,
          '',
        ),
      )
    ) {
      subjects.delete('epreuve');
    }
    // « le rectorat de l'endroit où je travaille ? »: « où » after a place noun is a relative, it asks nothing.
    const relativeFree = normal.replace(RELATIVE_OU, '$1');
    const asks = new Set<string>();
    for (const [name, patterns] of this.askPatterns) if (patterns.some((p) => p.test(relativeFree))) asks.add(name);
    // « quand est-ce que je dois faire les démarches pour passer l'épreuve ? » asks when: after an opening
    // « quand / où / qui », « les démarches » is what is done and « pour passer » why, not how or what grade.
    if (
      /^((euh|alors|voila|bonjour|bjr|et|mais|donc) )*(quand|ou|qui|a quel moment|a quelle periode)\b/.test(
        relativeFree,
      )
    ) {
      if (!/\b(comment|de quelle (maniere|facon))\b/.test(relativeFree)) asks.delete('comment');
      if (!/\b(note|moyenne|combien|minimum|seuil)\b/.test(relativeFree)) asks.delete('seuil');
    }
    // « c'est moi qui fais tout ? »: the « qui » of a cleft asks whose job it is, not who (the certifier, the rectorat);
    // « je peux les inscrire moi-même ? »: the « peux » too, not whether it is possible at all.
    if (asks.has('charge')) {
      asks.delete('qui');
      asks.delete('possible');
    }
    const y = this.yesNo;
    // « quand même » is not « quand »; « c'est le recteur qui signe ? » is closed despite its « qui ».
    // « une vidéo qui montre comment s'inscrire ? »: a question word inside a relative clause asks nothing.
    const plain = relativeFree
      .replace(/\bquand meme\b/g, ' ')
      .replace(/\bqui (montr|expliqu|indiqu|detaill|present|di)\w* (comment|quand|ou|combien|quel\w*)\b/g, ' ')
      // « une vidéo expliquant comment s'inscrire ? » — the participle of a thing (not « pouvez-vous m'expliquer comment »).
      .replace(
        /\b(video|tuto\w*|document|doc|guide|lien|truc|qqch|chose|fiche|page|site|schema|demo)( qui| pour( m| me| nous| vous)?)? (montr|expliqu|indiqu|detaill|present|decri)\w* (pas a pas |etape par etape )?(comment|quand|ou|combien|quel\w*)\b/g,
        '$1',
      );
    // « c'est Pôle emploi qui certifie ? »: a name without an article is a cleft too.
    const cleft =
      (/\b(c est|c etait|ce sont|ce n est pas|c est pas) (bien )?(le|la|l|les|mon|ma|moi|vous|lui|eux|un|une|au|a) (\w+ ){0,6}qu[ie]\b/.test(
        plain,
      ) ||
        /\bc est (bien )?(?!(qui|quoi|ou|quand|combien|comment|quel\w*)\b)(\w+ ){1,2}qui (certifi|delivr|organis|sign|corrig|inscri|s occup|gere)\w*/.test(
          plain,
        )) &&
      !/^(qui|quand|comment|combien|pourquoi|quel\w*|ou)\b/.test(plain);
    const open = !cleft && y.open.test(plain);
    // A statement opening (« j'ai eu 12 », « on peut… ») is a question only with its question mark;
    // an inversion or « est-ce que » is one without.
    const strongClosed =
      /^(est ce|estce)|\best ce (que|qu)\b|\b(peut|puis|faut|doit|dois|est|a|sont|ai|suis) (on|je|il|elle|t il|t elle|ils|elles)\b|\bc est (vrai|ca|bien ca|juste|exact)\b|\bil parait\b|\bon m a dit\b|\bnon$|\bhein$|\bou (pas|quoi)$|\bn est ce pas\b|\b(demandais|demande|savoir|dire|confirmer) si\b|\bvous confirmez\b/.test(
        plain,
      );
    // « les examens c en septembre ? ma soeur m'a dit 09/2027 »: a remark told after the question mark
    // (no question of its own) leaves the question closed by its mark.
    const afterMark = raw.includes('?') ? raw.slice(raw.lastIndexOf('?') + 1) : '';
    const askedRaw =
      afterMark.trim().length > 0 && !y.open.test(fold(afterMark).replace(/[^a-z0-9 ]+/g, ' '))
        ? raw.slice(0, raw.lastIndexOf('?') + 1)
        : raw;
    const closedForm = cleft || ((strongClosed || /\?/.test(raw)) && y.questions.some((p) => p.test(plain)));
    // « l'examen il est comment, c'est un écrit ? »: the question that closes the clause decides;
    // « y a une vidéo qui explique comment faire ? »: an existential question stays closed.
    // « quel est le calendrier, s'il vous plaît ? »: a closing courtesy is not the question.
    const lastSegment =
      raw
        .replace(
          /[,;:]\s*(s'il vous pla[iî]t|s il vous plait|svp|stp|merci( d'avance| beaucoup)?|please)\s*([?!.]\s*)*$/i,
          ' ?',
        )
        .split(/[,;:]|[.!](?=\s)/)
        .pop() ?? '';
    const lastPlain = fold(lastSegment)
      .replace(/[^a-z0-9 ]+/g, ' ')
      .replace(/\s+/g, ' ')
      .trim();
    // The same tail in the normalised words too (« next step c koi ? » is « … c est quoi »).
    const lastNormal = normal.split(' ').slice(-lastPlain.split(' ').length).join(' ');
    // (« je ne sais pas quoi remplir. Vous auriez un guide ? »: a sentence told before it is not the question.)
    // « c koi le format de l'exam, dossier, QCM, oral ? »: options listed after an open question keep it open.
    const listsOptions = /,[^,?]{1,24},[^,?]{1,24}\?\s*$/.test(raw) && open;
    const closesClosed =
      !listsOptions &&
      /[,;:]|[.!]\s/.test(raw) &&
      /\?\s*$/.test(raw) &&
      lastPlain.length > 0 &&
      !y.open.test(lastPlain) &&
      !y.open.test(lastNormal);
    const existential =
      /^(y a|il y a|ya|il existe|existe t il|y aurait|y aurait il|y a t il)\b|\best ce (qu il y a|qu il existe|qu il y aurait|qu il y a pas)\b/.test(
        plain,
      ) && !/^(y a|il y a|ya) (quoi|qui|combien|quel)\b/.test(plain);
    // « c'est un oral ? »: a question mark and no question word. « c'est quand ? » is open.
    const yesNo =
      closesClosed ||
      existential ||
      (closedForm
        ? !open || /\b(c est (vrai|ca|bien ca|juste|exact)|non$|hein$|il parait|on m a dit|vrai que)\b/.test(normal)
        : !open && y.statement.test(askedRaw.trim()));
    // « bloc 4 ou bloc 2 ? jsuis perdue »: the choice closes the question, a remark may follow its mark.
    const head = raw.includes('?') ? raw.slice(0, raw.lastIndexOf('?')) : raw;
    const headWords = fold(head)
      .replace(/[^a-z0-9 ]+/g, ' ')
      .trim()
      .split(/\s+/).length;
    const headPlain = plain.split(' ').slice(0, headWords).join(' ');
    // « … une vraie certification ou juste une feuille de présence. Je lui ai promis de me renseigner. »:
    // the sentence that offers the choice, whatever follows it.
    const sentencesPlain = raw.split(/[.!?]+(?=\s|$)/).map((t) =>
      fold(t)
        .replace(/[^a-z0-9 ]+/g, ' ')
        .replace(/\s+/g, ' ')
        .trim(),
    );
    const choice =
      y.choice.test(plain) ||
      (headPlain !== plain && y.choice.test(headPlain)) ||
      (sentencesPlain.filter((t) => t.length > 0).length > 1 &&
        sentencesPlain.some(
          // (« … du moment où on obtient le résultat » is a relative « où », not a choice.)
          (t) => y.choice.test(t) && !/\b(de|d|du|selon|par|la|moment|endroit|lieu|jour|ville|depend\w*) ou\b/.test(t),
        ));
    const closed = yesNo && !choice;
    // What one says of oneself (« je termine en mars », « j'habite à Lyon ») tells, it does not claim.
    // …unless a modal asks after it (« j'ai suivi en e-learning, ça permet quand même de m'inscrire »).
    const asksAfter = /\b(je peux|on peut|ca permet|je dois|on doit|il faut|j ai le droit|on a le droit)\b/.test(
      plain.split(' ').slice(2).join(' '),
    );
    const aboutOneself =
      /^(je|j|moi|ma|mon|mes|nous|g) ?(termine|finis|fini|ai|suis|habite|vis|travaille|commence|viens|voudrais|veux|souhaite|cherche|sais|pense|crois|m appelle|ma|mon|mes)\b/.test(
        plain,
      ) &&
      !/^(je|j|moi|ma|mon|mes|nous|g) ?(dois|doit|peux|peut|pourrai\w*|devrai\w*|ai (bien |eu|obtenu|valide))\b/.test(
        plain,
      ) &&
      !asksAfter;
    // Without a question mark, « quand » / « où » before a subject join two clauses (« on reçoit
    // l'attestation quand la formation se termine »); any other question word asks.
    const openHere = y.open.test(
      plain.replace(
        /\b(quand|ou|lorsque) (la|le|les|l|on|je|j|il|elle|ils|elles|vous|nous|tu|mon|ma|mes|ce|cette|ca)\b/g,
        ' ',
      ),
    );
    // A request (« je souhaiterais connaître le certificateur ») asks; it claims nothing.
    const claim =
      !closed &&
      !choice &&
      !openHere &&
      !/\?/.test(raw) &&
      !aboutOneself &&
      subjects.size > 0 &&
      !this.requests.some((p) => p.test(plain));
    // « je suis pas douée, est-ce qu'il existe un tuto ? »: the negation of what one tells is not the question's.
    // …nor is that of a sentence told before the question (« je ne sais pas quoi remplir. Vous auriez un guide ? »).
    // « je n'ai pas de BTS complet en vue, je voulais juste valider la partie management c'est possible »:
    // the question starts at its last opener.
    const openers = [
      ...normal.matchAll(/\b(est ce qu|je peux|on peut|c est possible|puis je|peut on|faut il|dois je)\b/g),
    ];
    const asked = openers.length > 0 ? openers[openers.length - 1]!.index : -1;
    const sentences = raw.split(/[.!?](?=\s+\S)/);
    const lastSentenceWords = fold(sentences[sentences.length - 1] ?? '')
      .replace(/[^a-z0-9 ]+/g, ' ')
      .trim()
      .split(/\s+/).length;
    const fromSentence = sentences.length > 1 ? normal.split(' ').slice(-lastSentenceWords).join(' ') : normal;
    const questionPart = (asked > 0 ? normal.slice(asked) : fromSentence).replace(/\bpas a pas\b/g, ' ');
    // « Ma formation se termine en janvier. Comment on s'inscrit ? », « mon alternant finit en décembre,
    // est-ce à nous de l'inscrire ? »: a month told before the question dates the situation; the question
    // that asks how, who or where does not ask when.
    if (asks.has('quand')) {
      const openerAt = normal.search(/\b(est ce (a|qu)|c est a (nous|moi|lui|elle|eux|l entreprise))\b/);
      const part = openerAt > 0 ? normal.slice(openerAt) : askingSentence(normal, raw);
      if (
        part !== normal &&
        !this.askPatterns.get('quand')!.some((p) => p.test(part)) &&
        /\b(comment|qui|ou|combien|quel\w*|a nous|a moi|a lui|a elle|a eux|a l entreprise)\b/.test(part)
      )
        asks.delete('quand');
    }
    return {
      subjects,
      asks,
      yesNo: closed,
      negated: (closed || claim) && y.negation.test(questionPart),
      choice,
      claim,
    };
  }

  /** Cut points between questions in a message: question marks, « et », « aussi », « sinon »… */
  splitPoints(normal: string): number[] {
    const points: number[] = [];
    for (const m of normal.matchAll(this.joins)) points.push(m.index);
    return points;
  }

  /** « combien il me reste ? », « c'est combien le salaire »: a question word asks, whatever it asks about. */
  asksOpenly(normal: string): boolean {
    return this.yesNo.open.test(normal.replace(/\bquand meme\b/g, ' '));
  }

  /** A clause that says it continues the conversation (« et … », « du coup … »): the first ellipsis pattern. */
  continues(normal: string): boolean {
    return !!this.ellipsis[0]?.test(normal);
  }

  /** « je souhaiterais connaître… »: a question phrased as a request. */
  isRequest(normal: string): boolean {
    return this.requests.some((p) => p.test(normal));
  }

  /** « aidez-moi à m'inscrire », « go inscription »: asks to be guided, not how it goes. */
  wantsGuidance(normal: string): boolean {
    return this.guideMe.some((p) => p.test(normal)) && !this.isRequest(normal);
  }

  /** « et si je l'ai pas ? », « et si je rate ? »: what happens when what was just answered fails. */
  asksIfFailed(normal: string): boolean {
    return this.ifFailed.some((p) => p.test(normal));
  }

  /** « j'ai fini la formation », « formation terminée »: the learner's training is over (said, not asked). */
  saysTrainingFinished(normal: string): boolean {
    return this.trainingFinished.some((p) => p.test(normal));
  }

  /** « et après ? », « ensuite ? »: the next step of what was just answered. */
  asksNext(normal: string): boolean {
    return this.then.some((p) => p.test(normal));
  }

  /** A clause that continues the previous question rather than asking a new one. */
  isElliptical(normal: string): boolean {
    return this.ellipsis.some((p) => p.test(normal));
  }
}
