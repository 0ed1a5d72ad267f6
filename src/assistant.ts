import { join } from 'node:path';
import { MemoryStorage, type BotState, type Storage } from 'botbuilder-core';
import { AcademyDirectory } from '../knowledge/academies.ts';
import { Answerer, type Contact } from '../knowledge/answers.ts';
import { loadConversation, type Conversation } from '../knowledge/conversation.ts';
import { KnowledgeBase } from '../knowledge/knowledge-base.ts';
import { KNOWLEDGE_DIR } from '../knowledge/paths.ts';
import { loadUnderstander } from '../intents/nlu/load.ts';
import type { Understander } from '../intents/nlu/understand.ts';
import { AssistantBot } from '../dialogs/assistant-bot.ts';
import { Acceptors } from '../dialogs/prompts.ts';
import { Router } from '../dialogs/router.ts';
import { LearnerState } from '../dialogs/learner-state.ts';
import { MemoryWelcomeClaims, type WelcomeClaims } from '../dialogs/welcome.ts';

/** What the assistant reads from knowledge/ at start: the knowledge base, the académies, the wording. */
export interface AssistantData {
  kb: KnowledgeBase;
  academies: AcademyDirectory;
  conversation: Conversation;
}

export interface AssistantOptions {
  knowledgeFile?: string;
  /**
   * The data already loaded (and checked) from the same files, instead of reading `knowledgeFile` again:
   * tests build hundreds of assistants, loading costs about a tenth of a second each time.
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

/** Reads and checks the knowledge base (`knowledgeFile`, the BTS MCO sheet by default), the académies and the wording. */
export function loadAssistantData(knowledgeFile = DEFAULT_KNOWLEDGE_FILE): AssistantData {
  return {
    kb: KnowledgeBase.load(knowledgeFile),
    academies: AcademyDirectory.load(join(KNOWLEDGE_DIR, 'academies.yaml')),
    conversation: loadConversation(join(KNOWLEDGE_DIR, 'conversation.fr.yaml')),
  };
}

/** Loads the data (knowledge base, académies, wording, intents), trains understanding, builds the bot. */
export function createAssistant(options: AssistantOptions = {}): Assistant {
  const { kb, academies, conversation } = options.data ?? loadAssistantData(options.knowledgeFile);
  const understander = options.understander ?? loadUnderstander({ gazetteer: academies.gazetteer() });
  const clock = options.clock ?? (() => new Date());
  const answerer = new Answerer(kb, conversation, academies, options.links ?? {}, options.contact ?? {}, options.retentionDays, options.privacyUrl);
  const router = new Router(understander, answerer);
  const acceptors = new Acceptors(understander, conversation, clock);
  const conversationState = new LearnerState(options.storage ?? new MemoryStorage());
  const bot = new AssistantBot(conversationState, { router, answerer, understander, acceptors, clock }, options.welcomes ?? new MemoryWelcomeClaims());
  return { bot, router, answerer, understander, kb, conversationState };
}
