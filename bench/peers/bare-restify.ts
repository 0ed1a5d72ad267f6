/**
 * The HTTP floor: a bare restify handler doing the least a Bot Framework bot must do — read and parse
 * the activity, POST one reply to the connector's serviceUrl, answer 200. No SDK, no state.
 * Started by `npm run bench` as its own process on PORT.
 */
import restify from 'restify';

interface Inbound {
  id?: string;
  serviceUrl: string;
  conversation: { id: string };
  from: unknown;
  recipient: unknown;
  text?: string;
}

const server = restify.createServer();
server.post('/api/messages', async (req, res) => {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const a = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Inbound;
  const base = a.serviceUrl.endsWith('/') ? a.serviceUrl : `${a.serviceUrl}/`;
  const reply = {
    type: 'message',
    text: `Echo: ${a.text ?? ''}`,
    from: a.recipient,
    recipient: a.from,
    conversation: a.conversation,
    replyToId: a.id,
  };
  const r = await fetch(
    `${base}v3/conversations/${encodeURIComponent(a.conversation.id)}/activities/${encodeURIComponent(a.id ?? '')}`,
    {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(reply),
    },
  );
  await r.arrayBuffer();
  res.send(200);
});
server.listen(Number(process.env.PORT), '127.0.0.1', () => console.log('ready'));
process.on('SIGTERM', () => process.exit(0));
