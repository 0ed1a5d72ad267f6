// NLP.js (node-nlp, a dev dependency used only by `npm run bench` as a peer) ships no typings:
// the few calls the bench makes.
declare module 'node-nlp' {
  interface NlpResult {
    intent: string;
    score: number;
    classifications: { intent: string; score: number }[];
  }
  interface NlpManager {
    addDocument(locale: string, utterance: string, intent: string): void;
    train(): Promise<void>;
    process(locale: string, utterance: string): Promise<NlpResult>;
  }
  const nlp: { NlpManager: new (settings?: Record<string, unknown>) => NlpManager };
  export default nlp;
}
