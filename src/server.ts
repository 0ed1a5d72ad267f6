import restify from 'restify';
import type { CloudAdapter } from 'botbuilder';
import { HttpInputError, parseActivity, readBody } from './http-input.ts';
import type { Assistant } from './assistant.ts';
import type { Logger } from './logger.ts';
import { registerWebRoutes, type WebOptions } from './web/routes.ts';
import { registerConsoleRoutes, type ConsoleOptions } from './console/routes.ts';
import { refuseUpgrades } from './guards/upgrades.ts';
import type { ServiceUrlPolicy } from './guards/service-urls.ts';
import { TurnRunner } from './turns/turn-runner.ts';

export interface ServerDeps {
  adapter: CloudAdapter;
  assistant: Assistant;
  logger: Logger;
  maxBodyBytes: number;
  /** Local mode (unauthenticated requests): where replies may go. Absent: authentication checks it. */
  serviceUrls?: ServiceUrlPolicy;
  /** The website widget and its Direct Line (see src/web/routes.ts). */
  web?: Omit<WebOptions, 'logger' | 'maxBodyBytes'>;
  /** The staff console (see src/console/routes.ts). */
  console?: Omit<ConsoleOptions, 'logger'>;
  /** Runs the bot's turns (one at a time per conversation, again after an eTag conflict); one is made if absent. */
  turns?: TurnRunner;
}

const stopping = new WeakSet<restify.Server>();

/** Shutdown: requests still arriving get 503 (turns already running finish). */
export function stopAccepting(server: restify.Server): void {
  stopping.add(server);
}

/** restify server: POST /api/messages (Bot Framework protocol) and GET /healthz. */
export function createServer({
  adapter,
  assistant,
  logger,
  maxBodyBytes,
  serviceUrls,
  web,
  console: staffConsole,
  turns = new TurnRunner(assistant.bot, { logger }),
}: ServerDeps): restify.Server {
  const server = restify.createServer({ name: 'learner-assistant', handleUncaughtExceptions: false });
  refuseUpgrades(server.server);
  // Once stopping, a request arriving on a kept-alive connection is refused, and the connection closed.
  server.pre((req: restify.Request, res: restify.Response, next: restify.Next) => {
    if (!stopping.has(server)) return next();
    res.header('Connection', 'close');
    res.header('Retry-After', '5');
    res.send(503, { error: 'the assistant is restarting: try again in a few seconds' });
    return next(false);
  });

  server.post('/api/messages', async (req: restify.Request, res: restify.Response) => {
    try {
      const raw = await readBody(req, maxBodyBytes);
      const activity = parseActivity(req.header('content-type'), raw);
      if (serviceUrls && !serviceUrls.allows(activity.serviceUrl)) {
        throw new HttpInputError(
          403,
          'serviceUrl not allowed: without MicrosoftAppId the bot replies only to loopback or ALLOWED_SERVICE_URLS',
        );
      }
      (req as unknown as { body: unknown }).body = activity;
    } catch (err) {
      const status = err instanceof HttpInputError ? err.status : 400;
      logger.warn({ status, reason: (err as Error).message }, 'rejected request');
      res.send(status, { error: (err as Error).message });
      return;
    }
    try {
      await adapter.process(req, res, (context) => turns.run(context));
    } catch (err) {
      logger.error({ err }, 'request failed');
      if (!res.headersSent) res.send(500, { error: 'internal error' });
    }
  });

  server.get('/healthz', async (_req: restify.Request, res: restify.Response) => {
    res.send(200, {
      status: 'ok',
      knowledgeBase: assistant.kb.data.document.id,
      entries: assistant.kb.entries.length,
      intents: assistant.understander.catalog.length,
    });
  });

  if (web) registerWebRoutes(server, { ...web, logger, maxBodyBytes });
  if (staffConsole) registerConsoleRoutes(server, { ...staffConsole, logger });
  return server;
}
