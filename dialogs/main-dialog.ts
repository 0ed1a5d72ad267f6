import {
  ComponentDialog,
  Dialog,
  DialogSet,
  DialogTurnStatus,
  WaterfallDialog,
  type DialogContext,
  type DialogState,
  type DialogTurnResult,
  type WaterfallStepContext,
} from './dialogs-sdk.ts';
import type { StatePropertyAccessor, TurnContext } from 'botbuilder-core';
import type { Answer } from '../knowledge/answers.ts';
import { fill } from '../knowledge/conversation.ts';
import { AcademyDialog, ACADEMY_DIALOG } from './academy-dialog.ts';
import { AfterExamDialog, AFTER_EXAM_DIALOG } from './after-exam-dialog.ts';
import { ExamDialog, EXAM_DIALOG } from './exam-dialog.ts';
import { FeedbackDialog, FEEDBACK_DIALOG } from './feedback-dialog.ts';
import { PROMPTS, type PromptId } from './prompts.ts';
import { RegistrationDialog, REGISTRATION_DIALOG } from './registration-dialog.ts';
import { renderAnswer, renderPrompt } from './render.ts';
import type { Command, GuidedDialog, Route } from './router.ts';
import { MESSAGE_READING, readingOfRoute, type MessageReading } from './reply-trace.ts';
import { ERASE_LEARNER_DATA, type ConversationMemory, type DialogServices } from './services.ts';

export const MAIN_DIALOG = 'main';

/** Set in a turn's state when the reply before this message offered 👍 / 👎 (a bare « oui » is then feedback). */
const FEEDBACK_OFFERED = Symbol('feedback offered');

/**
 * Where botbuilder-dialogs' DialogStateManager looks in a turn's state for its memory scopes and path
 * resolvers. Absent, every DialogContext of the turn (the main one, each ComponentDialog's inner one)
 * builds them again from the registered components — a dependency graph resolved per turn, a third of
 * the SDK's dialog cost in the profile at c10. They hold no state of their own (each scope reads the
 * DialogContext it is given), so one set serves every turn, as DialogManager's `stateConfiguration` does.
 */
const STATE_MANAGER_CONFIGURATION = 'DialogStateManagerConfiguration';

const GUIDED: Record<GuidedDialog, string> = {
  registration: REGISTRATION_DIALOG,
  exam: EXAM_DIALOG,
  after_exam: AFTER_EXAM_DIALOG,
  academy: ACADEMY_DIALOG,
};

/** What the learner would call the guided dialog running (« l'inscription guidée »), if one runs. */
function guidedName(dc: DialogContext, names: Record<GuidedDialog, string>): string | undefined {
  const id = dc.activeDialog?.id;
  const guided = (Object.keys(GUIDED) as GuidedDialog[]).find((g) => GUIDED[g] === id);
  return guided ? names[guided] : undefined;
}

/** The id of the innermost active dialog (a prompt, when a guided dialog waits for an answer). */
function innermostDialogId(dc: DialogContext): string | undefined {
  let current: DialogContext | undefined = dc;
  let id: string | undefined;
  while (current?.activeDialog) {
    id = current.activeDialog.id;
    current = current.child;
  }
  return id;
}

/**
 * Routes each message: free questions are answered at once; guided goals start their dialog. While a
 * guided dialog waits, "aide", "menu", "annuler", "recommencer" and "plus de détails" work, and a
 * factual question is answered before the dialog resumes where it was.
 */
export class MainDialog extends ComponentDialog {
  /** The memory scopes the first turn's DialogStateManager built, given to every later turn. */
  private stateConfiguration: DialogContext['state']['configuration'] | undefined;

  constructor(private readonly s: DialogServices) {
    super(MAIN_DIALOG);
    this.addDialog(new RegistrationDialog(s));
    this.addDialog(new ExamDialog(s));
    this.addDialog(new AfterExamDialog(s));
    this.addDialog(new AcademyDialog(s));
    this.addDialog(new FeedbackDialog(s));
    this.addDialog(new WaterfallDialog('main-steps', [this.routeStep.bind(this), this.doneStep.bind(this)]));
    this.initialDialogId = 'main-steps';
  }

  /** Runs one turn: continues the active dialog, or starts routing a new message. */
  async run(context: TurnContext, dialogState: StatePropertyAccessor<DialogState>): Promise<void> {
    const set = new DialogSet(dialogState);
    set.add(this);
    if (this.stateConfiguration) context.turnState.set(STATE_MANAGER_CONFIGURATION, this.stateConfiguration);
    const dc = await set.createContext(context);
    this.stateConfiguration ??= dc.state.configuration;
    // Read once, then forgotten: only the message right after an answer can be its feedback.
    const memory = await this.s.memory.get(context, {});
    if (memory.feedbackOffered) context.turnState.set(FEEDBACK_OFFERED, true);
    delete memory.feedbackOffered;
    const result = await dc.continueDialog();
    if (result.status === DialogTurnStatus.empty) await dc.beginDialog(this.id);
  }

  /** How this turn's message was read, for the transcripts (see MessageReading). */
  private noteReading(context: TurnContext, reading: MessageReading): void {
    context.turnState.set(MESSAGE_READING, reading);
  }

  private text(context: TurnContext): string {
    return (context.activity.text ?? '').trim();
  }

  private async routeStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const memory = await this.s.memory.get(step.context, {});
    const topic = {
      ...(memory.lastEntryId ? { entryId: memory.lastEntryId } : {}),
      ...(memory.lastEntryIds ? { entryIds: memory.lastEntryIds } : {}),
      ...(memory.grade ? { grade: memory.grade } : {}),
      ...(memory.date ? { date: memory.date } : {}),
      ...(memory.place ? { place: memory.place } : {}),
      ...(memory.subjects ? { subjects: memory.subjects } : {}),
      ...(memory.clarify ? { clarify: memory.clarify } : {}),
    };
    // A « Vouliez-vous dire… » is answered by the next message only.
    delete memory.clarify;
    const text = this.text(step.context);
    // « oui » / « non » right after an answer's 👍 / 👎: that feedback, not a new question.
    const typed = step.context.turnState.get(FEEDBACK_OFFERED) ? this.s.router.typedFeedback(text) : null;
    const route: Route = typed ? { type: 'command', command: typed } : this.s.router.route(text, this.s.clock(), topic);
    this.noteReading(step.context, readingOfRoute(route));
    if (route.type === 'dialog') return step.beginDialog(GUIDED[route.dialog], route.options);
    if (route.type === 'command') {
      if (route.command === 'feedback_down') return step.beginDialog(FEEDBACK_DIALOG);
      await this.command(step.context, route.command, null);
      return step.endDialog();
    }
    await this.send(step.context, route.answer);
    return step.endDialog();
  }

  private async doneStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    return step.endDialog();
  }

  protected override async onContinueDialog(innerDc: DialogContext): Promise<DialogTurnResult> {
    const text = this.text(innerDc.context);
    const command = this.s.router.command(text);
    if (command) {
      this.noteReading(innerDc.context, { kind: 'command', status: command });
      return this.command(innerDc.context, command, innerDc);
    }

    const waitingFor = innermostDialogId(innerDc);
    const memory = await this.s.memory.get(innerDc.context, {});
    if (waitingFor === 'prompt-comment' && !this.s.acceptors.accepts('prompt-comment', text)) {
      // After 👎 the comment is optional: a new question means the learner moved on. It is answered,
      // and the comment is not asked again.
      delete memory.unreadable;
      await innerDc.cancelAllDialogs();
      return innerDc.beginDialog('main-steps');
    }
    if (
      waitingFor &&
      (PROMPTS as readonly string[]).includes(waitingFor) &&
      !this.s.acceptors.accepts(waitingFor as PromptId, text)
    ) {
      // Not an answer to the question asked: maybe a question of the learner's own (answered, even
      // when the sheet does not cover it), then the dialog resumes.
      let route: Route = this.s.router.route(text, this.s.clock());
      this.noteReading(innerDc.context, readingOfRoute(route));
      if (route.type === 'dialog' && this.s.router.isMenuChoice(text)) {
        // Another goal chosen meanwhile (a menu button): that dialog starts over.
        delete memory.unreadable;
        await innerDc.cancelAllDialogs();
        return innerDc.beginDialog(GUIDED[route.dialog], route.options);
      }
      if (route.type === 'dialog') {
        // A question typed about another goal (« c'est quoi le rectorat ? »): answered, and the
        // question asked again — the dialog is not replaced behind the learner's back.
        const about = this.s.router.aboutDialog(route.dialog);
        if (about) {
          // Read as that question, but it started no dialog.
          const { dialogStarted: _none, ...reading } = readingOfRoute(route);
          this.noteReading(innerDc.context, reading);
          route = { type: 'answer', answer: about };
        }
      }
      if (route.type === 'answer' && (route.answer.kind === 'answer' || route.answer.trace?.status === 'not_covered')) {
        delete memory.unreadable;
        await this.send(innerDc.context, route.answer, false);
        await innerDc.context.sendActivity(renderPrompt(this.s.answerer.conversation.resume));
        await innerDc.repromptDialog();
        return Dialog.EndOfTurn;
      }
      // A prompt never loops: the second message in a row it cannot read ends the dialog.
      if (memory.unreadable) {
        delete memory.unreadable;
        await innerDc.cancelAllDialogs();
        await this.send(
          innerDc.context,
          this.s.answerer.message(this.s.answerer.conversation.prompt_abandoned, 'info', this.s.answerer.menuLabels()),
          false,
        );
        return { status: DialogTurnStatus.cancelled };
      }
      memory.unreadable = true;
    } else {
      delete memory.unreadable;
      if (waitingFor && (PROMPTS as readonly string[]).includes(waitingFor))
        this.noteReading(innerDc.context, { kind: 'prompt_answer', prompt: waitingFor });
    }
    return super.onContinueDialog(innerDc);
  }

  /** Global commands. `innerDc` is the running dialog, or null when nothing runs. */
  private async command(
    context: TurnContext,
    command: Command,
    innerDc: DialogContext | null,
  ): Promise<DialogTurnResult> {
    const { answerer } = this.s;
    const conv = answerer.conversation;
    const running = !!innerDc?.activeDialog && innerDc.activeDialog.id !== 'main-steps';
    switch (command) {
      case 'help':
        await this.send(context, answerer.message(conv.help, 'info', running ? [] : answerer.menuLabels()));
        if (running) {
          await innerDc.repromptDialog();
          return Dialog.EndOfTurn;
        }
        break;
      case 'details': {
        const memory = await this.s.memory.get(context, {});
        const entry = memory.lastEntryId ? answerer.entry(memory.lastEntryId) : undefined;
        await this.send(
          context,
          entry ? answerer.details(entry) : answerer.message(conv.details_none, 'info'),
          !running,
        );
        if (running) {
          await innerDc.repromptDialog();
          return Dialog.EndOfTurn;
        }
        break;
      }
      case 'feedback_up':
      case 'feedback_down': {
        // 👎 outside a dialog opens the comment question (see routeStep); inside one, it is noted and
        // the dialog goes on.
        const memory = await this.s.memory.get(context, {});
        const ack = {
          ...answerer.message(conv.feedback_thanks, 'info'),
          feedback: command === 'feedback_up' ? ('up' as const) : ('down' as const),
        };
        if (memory.lastEntryId) ack.entryId = memory.lastEntryId;
        await this.send(context, ack, false);
        if (running) {
          await innerDc.repromptDialog();
          return Dialog.EndOfTurn;
        }
        return { status: DialogTurnStatus.complete };
      }
      case 'cancel':
        await this.send(
          context,
          answerer.message(running ? conv.cancelled : conv.nothing_to_cancel, 'info', answerer.menuLabels()),
        );
        break;
      case 'menu': {
        // Typed or pressed during a guided dialog, the menu leaves it: said, so the learner knows its
        // question no longer waits for an answer.
        const guided = running ? guidedName(innerDc, conv.dialog_names) : undefined;
        await this.send(
          context,
          answerer.message(
            guided ? fill(conv.menu_left, { dialog: guided }) : conv.menu_intro,
            'info',
            answerer.menuLabels(),
          ),
        );
        break;
      }
      case 'human':
        await this.send(context, answerer.human(), false);
        if (running) {
          await innerDc.repromptDialog();
          return Dialog.EndOfTurn;
        }
        break;
      case 'erase': {
        context.turnState.set(ERASE_LEARNER_DATA, true);
        // What the assistant remembered of this conversation goes too.
        const memory = await this.s.memory.get(context, {});
        for (const key of Object.keys(memory) as (keyof ConversationMemory)[]) delete memory[key];
        await this.send(context, answerer.message(conv.erased, 'info', answerer.menuLabels()), false);
        break;
      }
      case 'restart': {
        const memory = await this.s.memory.get(context, {});
        delete memory.lastEntryId;
        delete memory.lastEntryIds;
        delete memory.grade;
        delete memory.date;
        delete memory.place;
        delete memory.subjects;
        await this.send(context, answerer.message(`${conv.restarted} ${conv.welcome}`, 'info', answerer.menuLabels()));
        break;
      }
    }
    if (innerDc) await innerDc.cancelAllDialogs();
    return { status: DialogTurnStatus.cancelled };
  }

  private async send(context: TurnContext, answer: Answer, remember = true): Promise<void> {
    await context.sendActivity(renderAnswer(answer, this.s.answerer));
    if (answer.remember?.clarify) (await this.s.memory.get(context, {})).clarify = answer.remember.clarify;
    if (!answer.entryId && remember && answer.remember?.subjects?.length) {
      // The sheet did not answer: the next elliptical question continues this one's subject, not an older
      // answer's. A refused question that named no subject (« c'est reconnu à l'étranger ? ») was itself
      // about the previous answer, so the conversation keeps following that one.
      const memory = await this.s.memory.get(context, {});
      delete memory.lastEntryId;
      delete memory.lastEntryIds;
      memory.subjects = answer.remember.subjects;
    }
    if (answer.entryId && remember) {
      const memory = await this.s.memory.get(context, {});
      delete memory.subjects;
      // The last question of a combined answer is what a follow-up most likely continues.
      memory.lastEntryId = answer.focusEntryId ?? answer.entryId;
      // The parts of a combined answer, in order: « et ça dure combien ? » may continue the first.
      if (answer.entryIds && answer.focusEntryId) memory.lastEntryIds = answer.entryIds;
      else delete memory.lastEntryIds;
      if (answer.remember?.place)
        memory.place = {
          departement: answer.remember.place.departement,
          text: answer.remember.place.text,
          ...(answer.remember.place.kind ? { kind: answer.remember.place.kind } : {}),
        };
      if (answer.remember?.grade) memory.grade = answer.remember.grade;
      if (answer.remember?.date)
        memory.date = { iso: answer.remember.date.date.toISOString(), precision: answer.remember.date.precision };
    }
  }
}
