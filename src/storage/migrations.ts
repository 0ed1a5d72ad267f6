/**
 * The PostgreSQL schema, as numbered migrations applied in order at start (src/storage/postgres.ts).
 * A migration, once released, is never edited: a change is a new one with the next number. Each runs
 * in the same transaction as its row in `schema_migrations`, so a start that fails half-way leaves the
 * database as it was.
 */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'conversation state and welcome claims',
    // Keys are sha-256 hashes of botbuilder's keys / conversation ids (never in clear). The state is
    // JSON kept as text, not jsonb: jsonb refuses "\u0000", which a learner can type and dialogs keep.
    // Times are epoch milliseconds, as in SQLite, so the clock the stores are given decides expiry.
    sql: `
      CREATE TABLE bot_state (
        key text PRIMARY KEY,
        value text NOT NULL,
        etag text NOT NULL,
        touched_at bigint NOT NULL
      );
      CREATE INDEX bot_state_touched ON bot_state (touched_at);
      CREATE TABLE welcomes (
        key text PRIMARY KEY,
        at bigint NOT NULL
      );
      CREATE INDEX welcomes_at ON welcomes (at);
    `,
  },
  {
    version: 2,
    name: 'staff accounts and sessions',
    // Sessions are looked up by the sha-256 of their id (a bearer secret, never stored in clear).
    sql: `
      CREATE TABLE staff (
        login text PRIMARY KEY,
        hash text NOT NULL,
        created_at bigint NOT NULL,
        changed_at bigint NOT NULL
      );
      CREATE TABLE staff_sessions (
        id text PRIMARY KEY,
        login text NOT NULL,
        csrf text NOT NULL,
        created bigint NOT NULL,
        expires bigint NOT NULL
      );
      CREATE INDEX staff_sessions_expires ON staff_sessions (expires);
    `,
  },
  {
    version: 3,
    name: 'sign-in attempts',
    // One row per attempt and key (pair, login, address), as SignInThrottle keeps them in memory.
    sql: `
      CREATE TABLE sign_in_attempts (
        key text NOT NULL,
        at bigint NOT NULL
      );
      CREATE INDEX sign_in_attempts_key ON sign_in_attempts (key, at);
      CREATE INDEX sign_in_attempts_at ON sign_in_attempts (at);
    `,
  },
  {
    version: 4,
    name: 'transcripts',
    // The SQLite transcript store's tables (src/transcripts/sqlite-store.ts), shared by instances. Text as
    // text (the activity as JSON text: jsonb refuses « \u0000 »), times in epoch milliseconds.
    sql: `
      CREATE TABLE transcript_activities (
        seq bigserial PRIMARY KEY,
        conversation_id text NOT NULL,
        channel_id text NOT NULL,
        user_id text NOT NULL,
        direction text NOT NULL CHECK (direction IN ('in', 'out')),
        type text NOT NULL,
        text text NOT NULL,
        at bigint NOT NULL,
        intent text, confidence double precision, status text, entry_id text, dialog text, error text,
        activity text NOT NULL,
        feedback text, kind text, entities text, dialog_started text, prompt text
      );
      CREATE INDEX transcript_activities_conversation ON transcript_activities (conversation_id, seq);
      CREATE INDEX transcript_activities_user ON transcript_activities (user_id);
      CREATE INDEX transcript_activities_at ON transcript_activities (at);
      CREATE TABLE transcript_reviews (
        conversation_id text PRIMARY KEY,
        reviewed boolean NOT NULL,
        note text NOT NULL,
        by text NOT NULL,
        at bigint NOT NULL
      );
      CREATE TABLE transcript_assignments (
        text text PRIMARY KEY,
        intent text NOT NULL,
        by text NOT NULL,
        at bigint NOT NULL,
        conversation_id text,
        seq bigint
      );
    `,
  },
];
