/**
 * The botbuilder floor: the SDK's own CloudAdapter echo bot as its samples write it (restify,
 * bodyParser, ConfigurationBotFrameworkAuthentication with no app id, one reply per message).
 * Started by `npm run bench` as its own process on PORT, so it shares no CPU profile with the others.
 */
import restify from 'restify';
import { ActivityHandler, CloudAdapter, ConfigurationBotFrameworkAuthentication, MessageFactory } from 'botbuilder';

class EchoBot extends ActivityHandler {
  constructor() {
    super();
    this.onMessage(async (context, next) => {
      await context.sendActivity(MessageFactory.text(`Echo: ${context.activity.text}`));
      await next();
    });
  }
}

const adapter = new CloudAdapter(new ConfigurationBotFrameworkAuthentication({}));
const bot = new EchoBot();
const server = restify.createServer();
server.use(restify.plugins.bodyParser());
server.post('/api/messages', async (req, res) => {
  await adapter.process(req, res, (context) => bot.run(context));
});
server.listen(Number(process.env.PORT), '127.0.0.1', () => console.log('ready'));
// --cpu-prof writes its profile at exit: leave through process.exit, not a signal's default death.
process.on('SIGTERM', () => process.exit(0));
