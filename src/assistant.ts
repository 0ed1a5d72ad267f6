import { join } from 'node:path';
import { MemoryStorage, type BotState, type Storage, type TurnContext } from 'botbuilder-core';
import { AcademyDirectory } from '../knowledge/academies.ts';
import { Answerer, type Contact } from '../knowledge/answers.ts';
import { loadConversation, type Conversation } from '../knowledge/conversation.ts';
import { KnowledgeBase } from '../knowledge/knowledge-base.ts';
import { KNOWLEDGE_DIR } from '../knowledge/paths.ts';
import { INTENTS_DIR, loadUnderstander } from '../intents/nlu/load.ts';
import type { SheetIntents } from '../intents/nlu/sheet-intents.ts';
import type { IntentInfo, TrainingSet } from '../intents/nlu/training-data.ts';
import { trainingSetFor } from './retraining.ts';
import type { Understander } from '../intents/nlu/understand.ts';
import { AssistantBot, type StateFailure } from '../dialogs/assistant-bot.ts';
import { Acceptors } from '../dialogs/prompts.ts';
import { Router } from '../dialogs/router.ts';
import { LearnerState } from '../dialogs/learner-state.ts';
import { checkWiring } from '../dialogs/wiring.ts';
import { MemoryWelcomeClaims, type WelcomeClaims } from '../dialogs/welcome.ts';

export interface AssistantOptions {
  knowledgeFile?: string;
  /**
   * The data already loaded (and checked) from the same files, instead of reading `knowledgeFile` again:
   * npm start checks it before training understanding; tests build hundreds of assistants, loading costs
   * about a tenth of a second each time.
   */
  data?: AssistantData;
  links?: Record<string, string | undefined>;
  /** The training centre's contact, for learners who ask for a person (CONTACT_*). */
  contact?: Contact;
  /** Said in the welcome: how long transcripts are kept (TRANSCRIPT_RETENTION_DAYS). */
  retentionDays?: number;
  /** Linked from the welcome's retention line (ORG_PRIVACY_URL); unset, the welcome says how to erase in the chat. */
  privacyUrl?: string;
  clock?: () => Date;
  /** Conversation state storage; MemoryStorage by default, the server's SQLite (SqliteStateStorage) in npm start. */
  storage?: Storage;
  /** Who was welcomed; in memory by default, the server keeps it in SQLite (a restart greets no one twice). */
  welcomes?: WelcomeClaims;
  /** Reuse an already trained understander (tests build many assistants). */
  understander?: Understander;
  /** The conversation store failed a read or a save (the turn goes on without it): the server logs it. */
  onStateFailure?: (what: StateFailure, err: unknown, context: TurnContext) => void;
}

export interface Assistant {
  bot: AssistantBot;
  router: Router;
  answerer: Answerer;
  understander: Understander;
  kb: KnowledgeBase;
  /** Per conversation, and per learner in group chats and channels. */
  conversationState: BotState;
}

export const DEFAULT_KNOWLEDGE_FILE = join(KNOWLEDGE_DIR, 'bts-mco-bloc4.yaml');

/** The data an assistant is built from, loaded and checked together (no training yet). */
export interface AssistantData {
  kb: KnowledgeBase;
  academies: AcademyDirectory;
  /** The assistant's wording, with the sheet's own menu when it has one. */
  conversation: Conversation;
  /** The project's intents and the sheet's own, when read (see loadAssistantData). */
  training?: TrainingSet;
  sheet?: SheetIntents;
}

/**
 * Loads the knowledge base, the académies, the wording and the intents, and checks the wiring between
 * them (dialogs/wiring.ts) — before any training, so a broken reference stops the start at once, in
 * one line. `understood`: the catalogue of an understander trained already (most tests), which spares
 * reading the training files when the sheet has no intents of its own.
 */
export function loadAssistantData(
  knowledgeFile = DEFAULT_KNOWLEDGE_FILE,
  understood?: readonly IntentInfo[],
): AssistantData {
  const kb = KnowledgeBase.load(knowledgeFile);
  const academies = AcademyDirectory.load(join(KNOWLEDGE_DIR, 'academies.yaml'));
  const conversationFile = join(KNOWLEDGE_DIR, 'conversation.fr.yaml');
  const wording = loadConversation(conversationFile);
  // A sheet with its own menu (its entries are not the project's sheet's) shows it instead.
  const conversation = kb.data.menu ? { ...wording, menu: kb.data.menu } : wording;
  // The project's intents, and the sheet's own when its knowledge base names some (document.intents).
  const { training, sheet } = understood && !kb.intentsDir ? {} : trainingSetFor(kb.intentsDir);
  const own = new Set(sheet?.intents.map((i) => i.id));
  checkWiring({
    catalogs: [
      {
        file: join(INTENTS_DIR, 'catalog.yaml'),
        intents: (training?.catalog ?? understood ?? []).filter((i) => !own.has(i.id)),
      },
      ...(sheet ? [{ file: sheet.catalogFile, intents: sheet.intents }] : []),
    ],
    conversation,
    conversationFile,
    kb,
    menuFile: kb.data.menu ? kb.file : conversationFile,
  });
  return { kb, academies, conversation, ...(training ? { training } : {}), ...(sheet ? { sheet } : {}) };
}

/** Loads the data (knowledge base, académies, wording, intents), trains understanding, builds the bot. */
export function createAssistant(options: AssistantOptions = {}): Assistant {
  const data = options.data ?? loadAssistantData(options.knowledgeFile, options.understander?.catalog);
  const { kb, academies, conversation, sheet } = data;
  const understander =
    options.understander ??
    loadUnderstander({
      gazetteer: academies.gazetteer(),
      training: data.training ?? trainingSetFor(kb.intentsDir).training,
    });
  const missing = (sheet?.intents ?? [])
    .filter((i) => !understander.catalog.some((c) => c.id === i.id))
    .map((i) => i.id);
  if (missing.length > 0)
    throw new Error(
      `${kb.file}: document.intents: the understanding given was trained without this sheet's intents (${missing.join(', ')}): train it with trainUnderstander(…, kb.intentsDir)`,
    );
  const clock = options.clock ?? (() => new Date());
  const answerer = new Answerer(
    kb,
    conversation,
    academies,
    options.links ?? {},
    options.contact ?? {},
    options.retentionDays,
    options.privacyUrl,
  );
  const router = new Router(understander, answerer);
  const acceptors = new Acceptors(understander, conversation, clock);
  const conversationState = new LearnerState(options.storage ?? new MemoryStorage());
  const bot = new AssistantBot(
    conversationState,
    { router, answerer, understander, acceptors, clock },
    options.welcomes ?? new MemoryWelcomeClaims(),
    options.onStateFailure,
  );
  return { bot, router, answerer, understander, kb, conversationState };
}
