/**
 * The parts of botbuilder-dialogs the assistant uses, imported from their own modules.
 *
 * The package index also loads the Recognizers-Text suites (numbers, dates, choices in many
 * languages) for prompts we do not use: about 250 ms of the 1.5 s start-up budget. The classes are
 * the same objects as the index exports (same files), so nothing else changes.
 */
export { ComponentDialog } from 'botbuilder-dialogs/lib/componentDialog.js';
export { Dialog, DialogTurnStatus, type DialogTurnResult } from 'botbuilder-dialogs/lib/dialog.js';
export { type DialogContext, type DialogState } from 'botbuilder-dialogs/lib/dialogContext.js';
export { DialogSet } from 'botbuilder-dialogs/lib/dialogSet.js';
export { TextPrompt } from 'botbuilder-dialogs/lib/prompts/textPrompt.js';
export { type PromptValidatorContext } from 'botbuilder-dialogs/lib/prompts/prompt.js';
export { WaterfallDialog } from 'botbuilder-dialogs/lib/waterfallDialog.js';
export { type WaterfallStepContext } from 'botbuilder-dialogs/lib/waterfallStepContext.js';
