import type { IntentInfo } from '../intents/nlu/training-data.ts';
import type { Conversation } from '../knowledge/conversation.ts';
import type { KnowledgeBase } from '../knowledge/knowledge-base.ts';
import { COMPUTED_ANSWERS, GUIDED_DIALOGS, INTENTS_NAMED_IN_CODE, parseMenuAction } from './router.ts';

/**
 * The wiring between the data files, checked once at start: what each intent does (an entry, a
 * computed answer, a reply of the assistant's wording, a guided dialog), the menu's targets, the
 * questions about a dialog, the intents the knowledge base answers, and the intents the code names.
 * Each file is valid on its own (zod, at load); this checks that their names meet. A broken reference
 * stops the start with one line, `file: path: what is wrong`, like the knowledge base's own checks —
 * not a learner who reaches it.
 */

export class WiringError extends Error {}

export interface WiringSources {
  /** Each catalogue file and its intents, in file order (the project's, then a sheet's own). */
  catalogs: { file: string; intents: readonly IntentInfo[] }[];
  conversation: Conversation;
  conversationFile: string;
  kb: KnowledgeBase;
  /** The file the menu comes from: the knowledge base's when it has its own, else the wording's. */
  menuFile: string;
}

export function checkWiring(sources: WiringSources): void {
  const { catalogs, conversation, conversationFile, kb } = sources;
  const fail = (file: string, path: string, message: string): never => {
    throw new WiringError(`${file}: ${path}: ${message}`);
  };
  const intents = new Map<string, IntentInfo>();
  for (const c of catalogs) for (const i of c.intents) intents.set(i.id, i);
  const dialogs = GUIDED_DIALOGS.join(', ');
  const catalogFiles = catalogs.map((c) => c.file).join(' or ');

  for (const { file, intents: list } of catalogs) {
    list.forEach((info, index) => {
      const at = (field: string) => `intents[${index}].${field}`;
      if (info.kind === 'guided' && !(GUIDED_DIALOGS as readonly string[]).includes(info.dialog ?? '')) {
        fail(
          file,
          at('dialog'),
          `${info.dialog === undefined ? 'missing' : `"${info.dialog}"`} (intent ${info.id}): a guided intent starts one of ${dialogs}`,
        );
      }
      if (info.dialog !== undefined && info.kind !== 'guided')
        fail(file, at('dialog'), `intent ${info.id} is ${info.kind}: only a guided intent starts a dialog`);
      if (info.kind === 'smalltalk') {
        if (info.reply === undefined)
          fail(file, at('reply'), `missing (intent ${info.id}): a smalltalk intent says a text of ${conversationFile}`);
        if (typeof (conversation as Record<string, unknown>)[info.reply!] !== 'string')
          fail(file, at('reply'), `"${info.reply}" (intent ${info.id}) is not a text of ${conversationFile}`);
      } else if (info.reply !== undefined || info.with_menu !== undefined) {
        fail(
          file,
          at(info.reply !== undefined ? 'reply' : 'with_menu'),
          `intent ${info.id} is ${info.kind}: only a smalltalk intent replies with the assistant's wording`,
        );
      }
      if (info.compute !== undefined) {
        if (info.kind !== 'faq')
          fail(file, at('compute'), `intent ${info.id} is ${info.kind}: only a faq intent has a computed answer`);
        if (!(COMPUTED_ANSWERS as readonly string[]).includes(info.compute))
          fail(
            file,
            at('compute'),
            `"${info.compute}" (intent ${info.id}) is not one of ${COMPUTED_ANSWERS.join(', ')}`,
          );
      }
    });
  }

  // The code's own references: a renamed intent would leave a computed answer or a summary empty.
  for (const id of INTENTS_NAMED_IN_CODE) {
    if (!intents.has(id))
      fail(catalogs[0]!.file, 'intents', `"${id}" is missing: dialogs/router.ts (INTENTS_NAMED_IN_CODE) relies on it`);
  }

  // The knowledge base answers intents of the catalogue, and only intents that are answered.
  kb.entries.forEach((entry, i) =>
    entry.intents.forEach((id, j) => {
      const info = intents.get(id);
      if (!info) fail(kb.file, `entries[${i}].intents[${j}]`, `"${id}" is not an intent of ${catalogFiles}`);
      if (info!.kind !== 'faq' && info!.kind !== 'guided')
        fail(kb.file, `entries[${i}].intents[${j}]`, `"${id}" is a ${info!.kind} intent, which no entry answers`);
    }),
  );

  conversation.menu.forEach((item, i) => {
    const target = parseMenuAction(item.action);
    if (!target)
      fail(
        sources.menuFile,
        `menu[${i}].action`,
        `"${item.action}": expected dialog:<one of ${dialogs}> or entry:<id>`,
      );
    if (target!.kind === 'entry' && !kb.entry(target!.entry))
      fail(sources.menuFile, `menu[${i}].action`, `"${item.action}": no entry "${target!.entry}" in ${kb.file}`);
  });

  for (const [dialog, asked] of Object.entries(conversation.dialog_asked_about)) {
    if (!(GUIDED_DIALOGS as readonly string[]).includes(dialog))
      fail(conversationFile, `dialog_asked_about.${dialog}`, `not a guided dialog (${dialogs})`);
    asked.forEach((id, j) => {
      if (!intents.has(id))
        fail(conversationFile, `dialog_asked_about.${dialog}[${j}]`, `"${id}" is not an intent of ${catalogFiles}`);
    });
  }
}
