import type { IntentInfo } from '../../intents/nlu/training-data.ts';

/** Channel ids as Bot Framework sends them, named as staff know them. */
const CHANNELS: Record<string, string> = {
  msteams: 'Teams',
  webchat: 'Site web',
  directline: 'Direct Line',
  emulator: 'Bot Framework Emulator',
  test: 'Test',
  slack: 'Slack',
  facebook: 'Facebook',
  telegram: 'Telegram',
  email: 'E-mail',
  sms: 'SMS',
};

export function channelName(id: string): string {
  return CHANNELS[id] ?? id;
}

/** How the assistant answered, as staff read it. */
const STATUSES: Record<string, string> = {
  answered: 'répondu',
  ambiguous: 'clarification demandée (« Vouliez-vous dire »)',
  fallback: 'pas compris',
  not_covered: 'non couvert par la fiche',
  low_confidence: 'confiance faible',
  help: 'aide',
  menu: 'menu',
  cancel: 'annuler',
  restart: 'recommencer',
  details: 'plus de détails',
  human: 'parler à un conseiller',
  erase: 'effacer ses données',
  feedback_up: 'avis 👍',
  feedback_down: 'avis 👎',
};

export function statusName(status: string | undefined): string {
  return status ? (STATUSES[status] ?? status) : '—';
}

const KINDS: Record<string, string> = {
  question: 'question',
  button: 'bouton',
  prompt_answer: "réponse à une question de l'assistant",
  command: 'commande',
};

export function kindName(kind: string): string {
  return KINDS[kind] ?? kind;
}

const ENTITIES: Record<string, string> = {
  note: 'note',
  date: 'date',
  date_role: 'rôle de la date',
  departement: 'département',
};

export function entityName(key: string): string {
  return ENTITIES[key] ?? key;
}

/** The intents' readable names (catalogue `label`), with the id when a name is missing. */
export class IntentNames {
  private readonly names: Map<string, string>;

  constructor(readonly catalog: readonly Pick<IntentInfo, 'id' | 'label'>[]) {
    this.names = new Map(catalog.map((i) => [i.id, i.label ?? i.id]));
  }

  get ids(): string[] {
    return this.catalog.map((i) => i.id);
  }

  has(id: string): boolean {
    return this.names.has(id);
  }

  name(id: string | undefined | null): string {
    if (!id) return '—';
    return this.names.get(id) ?? id;
  }
}
