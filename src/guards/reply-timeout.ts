import type { BotFrameworkAuthentication, ConnectorClient, ConnectorFactory } from 'botframework-connector';

/** The request pipeline of the HTTP client inside a ConnectorClient (@azure/core-client). */
interface Pipeline {
  addPolicy(policy: {
    name: string;
    sendRequest(
      request: { timeout: number },
      next: (request: { timeout: number }) => Promise<unknown>,
    ): Promise<unknown>;
  }): void;
}

/**
 * Replies are POSTed back to the channel's connector. Without a limit, a connector that accepts the
 * connection and never answers holds the learner's turn, its socket and its memory forever (one slow
 * or hostile serviceUrl is enough). Every request of every ConnectorClient the adapter creates gets a
 * timeout; the turn then fails like any other failed send (logged, the learner's next message works).
 */
export function limitReplyTime(auth: BotFrameworkAuthentication, timeoutMs: number): BotFrameworkAuthentication {
  function timed(factory: ConnectorFactory): ConnectorFactory;
  function timed(factory: ConnectorFactory | undefined): ConnectorFactory | undefined;
  function timed(factory: ConnectorFactory | undefined): ConnectorFactory | undefined {
    return (
      factory && {
        create: async (serviceUrl: string, audience?: string): Promise<ConnectorClient> =>
          withTimeout(await factory.create(serviceUrl, audience), timeoutMs),
      }
    );
  }
  const authenticate = auth.authenticateRequest.bind(auth);
  const authenticateStreaming = auth.authenticateStreamingRequest.bind(auth);
  const createFactory = auth.createConnectorFactory.bind(auth);
  auth.authenticateRequest = async (activity, authHeader) => {
    const result = await authenticate(activity, authHeader);
    return { ...result, connectorFactory: timed(result.connectorFactory) };
  };
  auth.authenticateStreamingRequest = async (authHeader, channelIdHeader) => {
    const result = await authenticateStreaming(authHeader, channelIdHeader);
    return { ...result, connectorFactory: timed(result.connectorFactory) };
  };
  auth.createConnectorFactory = (identity) => timed(createFactory(identity));
  return auth;
}

function withTimeout(client: ConnectorClient, timeoutMs: number): ConnectorClient {
  const pipeline = (client as unknown as { client?: { pipeline?: Pipeline } }).client?.pipeline;
  // The SDK's internals changed shape: fail at start-up (tests) rather than send without a limit.
  if (!pipeline) throw new Error('ConnectorClient has no request pipeline: cannot limit reply time');
  pipeline.addPolicy({
    name: 'assistantReplyTimeout',
    sendRequest: (request, next) => {
      if (!request.timeout || request.timeout > timeoutMs) request.timeout = timeoutMs;
      return next(request);
    },
  });
  return client;
}
