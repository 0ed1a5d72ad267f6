import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { z } from 'zod';
import { MenuItemSchema } from './schema.ts';
import { formatZodIssues } from './validation-error.ts';

const Text = z.string().min(1);

export const ConversationSchema = z.object({
  assistant_name: Text,
  welcome: Text,
  help: Text,
  menu_intro: Text,
  /** « menu » during a guided dialog: {dialog} is one of `dialog_names`. */
  menu_left: Text,
  dialog_names: z.object({ registration: Text, exam: Text, after_exam: Text, academy: Text }),
  /**
   * A question about a guided goal typed while another dialog waits (« c'est quoi le rectorat ? » at the
   * grade question): dialog name → the intents whose answers reply to it before the question is asked
   * again. A guided intent's `when_asked` (intents/catalog.yaml) comes first. Checked at start.
   */
  dialog_asked_about: z.record(z.string(), z.array(z.string().min(1)).min(1)).default({}),
  menu_button: Text,
  /** The welcome's retention line ({retention}): `line_with_link` when ORG_PRIVACY_URL is set ({url}). */
  privacy: z.object({ line: Text, line_with_link: Text }),
  fallback: Text,
  clarify: Text,
  verdict_again: z.object({ oui: Text, non: Text, si: Text }),
  /** A validity asked at a moment ({when}: « septembre 2029 »), after the computed end date. */
  valid_at: z.object({ oui: Text, non: Text }),
  /** Said when a guided dialog is left because two messages in a row did not answer its question. */
  prompt_abandoned: Text,
  /** The last option of a clarification: none of those. */
  clarify_other: Text,
  /** A question the sheet does not answer: {about} (what it does not say) and {who} (who to ask). */
  not_covered: Text,
  /** The same, after the answers to the other questions of the message. */
  not_covered_also: Text,
  thanks: Text,
  greeting: Text,
  goodbye: Text,
  cancelled: Text,
  restarted: Text,
  nothing_to_cancel: Text,
  error: Text,
  /**
   * The conversation store fails (database stopped, disk full, file read-only): `not_kept` comes before
   * the answers, which still leave; `step_not_kept` replaces a guided dialog's step that cannot be kept.
   */
  state_unavailable: z.object({ not_kept: Text, step_not_kept: Text }),
  details_none: Text,
  details_prefix: Text,
  quote_prefix: Text,
  source_line: Text,
  source_other: Text,
  resume: Text,
  no_link: Text,
  /** « Je veux parler à quelqu'un »: {contact} is the configured e-mail / phone, or `default`. */
  contact: z.object({ text: Text, email: Text, phone: Text, or: Text, page: Text, page_button: Text, default: Text }),
  /** « Supprimer mes données »: the learner's recorded messages are erased (see the transcript recorder). */
  erased: Text,
  menu: z.array(MenuItemSchema).min(1),
  details_button: Text,
  feedback_yes: Text,
  feedback_no: Text,
  feedback_words: z.object({ up: z.array(Text), down: z.array(Text) }),
  feedback_thanks: Text,
  feedback_comment: Text,
  feedback_comment_thanks: Text,
  commands: z.object({
    help: z.array(Text),
    menu: z.array(Text),
    cancel: z.array(Text),
    restart: z.array(Text),
    details: z.array(Text),
    human: z.array(Text),
    erase: z.array(Text),
  }),
  /** Commands said within a sentence (« je voudrais parler à un conseiller svp »): patterns of the folded message. */
  command_patterns: z.object({ human: z.array(Text), erase: z.array(Text) }),
  prompts: z.object({
    training_finished: Text,
    training_finished_choices: z.tuple([Text, Text]),
    training_end_past: Text,
    training_end_future: Text,
    training_end_retry: Text,
    training_end_not_past: Text,
    training_end_not_future: Text,
    place: Text,
    place_retry: Text,
    grade: Text,
    grade_retry: Text,
    result_date: Text,
    result_date_retry: Text,
    result_date_future: Text,
    yes_words: z.array(Text),
    no_words: z.array(Text),
    skip_words: z.array(Text),
    place_skipped: Text,
  }),
  summary: z.object({
    registration_title: Text,
    exam_title: Text,
    dates: Text,
    academy: Text,
    where: Text,
    cost: Text,
    status: Text,
    who: Text,
    block: Text,
    format: Text,
    session: Text,
  }),
});

export type Conversation = z.infer<typeof ConversationSchema>;

/** The assistant's own wording (knowledge/conversation.fr.yaml). */
export function loadConversation(file: string): Conversation {
  const result = ConversationSchema.safeParse(parse(readFileSync(file, 'utf8')));
  if (!result.success) throw new Error(formatZodIssues(file, result.error));
  return result.data;
}

/** Fills {placeholders}; a placeholder without a value is a bug in the data, reported loudly. */
export function fill(template: string, vars: Record<string, string | number>): string {
  return template.replace(/\{([a-z_]+)\}/g, (whole, name: string) => {
    const value = vars[name];
    if (value === undefined) throw new Error(`missing value for {${name}} in "${template.slice(0, 60)}…"`);
    return String(value);
  });
}
