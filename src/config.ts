import { existsSync, readFileSync } from 'node:fs';
import { parseEnv } from 'node:util';
import { z } from 'zod';
import type { Contact } from '../knowledge/answers.ts';

/**
 * Configuration from the environment (and `.env` when present), validated once at start.
 * Every key is documented in .env.example.
 */
const Url = z.url({ protocol: /^https?$/, message: 'an http(s) address' });
const optionalUrl = z.preprocess((v) => (v === '' ? undefined : v), Url.optional());

/** WCAG contrast ratio of a #RRGGBB colour with white (1 to 21). */
export function contrastWithWhite(hex: string): number {
  const [r, g, b] = [1, 3, 5].map((i) => {
    const c = Number.parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  return 1.05 / (0.2126 * r + 0.7152 * g + 0.0722 * b + 0.05);
}

/** Azure App IDs and tenant IDs are GUIDs. */
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const ConfigSchema = z
  .object({
    MicrosoftAppId: z
      .string()
      .trim()
      .default('')
      .refine(
        (v) => v === '' || GUID.test(v),
        'not a GUID: the Application (client) ID of the Azure Bot, such as 0b5e8c7a-1d2f-4e3a-9b6c-7d8e9f0a1b2c',
      ),
    MicrosoftAppPassword: z.string().default(''),
    MicrosoftAppType: z.enum(['MultiTenant', 'SingleTenant', 'UserAssignedMSI']).default('MultiTenant'),
    MicrosoftAppTenantId: z.string().default(''),
    PORT: z.coerce.number().int().min(1).max(65535).default(3978),
    HOST: z.string().optional(),
    KNOWLEDGE_FILE: z.string().optional(),
    // LINK_* keys (the addresses of the sheet's links) are read apart: a knowledge base may name any (linkKeys).
    // How a learner reaches a person at the training centre (« je veux parler à un conseiller »).
    CONTACT_EMAIL: z.preprocess(
      (v) => (v === '' ? undefined : v),
      z.email({ message: 'an e-mail address' }).optional(),
    ),
    CONTACT_PHONE: z.preprocess(
      (v) => (v === '' ? undefined : v),
      z
        .string()
        .regex(/^\+?[0-9][0-9 .()-]{5,24}$/, 'a phone number such as 01 23 45 67 89')
        .optional(),
    ),
    CONTACT_URL: optionalUrl,
    // The organisation's privacy page: linked from the welcome's retention line, and required (https)
    // by the Teams package.
    ORG_PRIVACY_URL: z.preprocess(
      (v) => (v === '' ? undefined : v),
      z.url({ protocol: /^https$/, message: 'an https address' }).optional(),
    ),
    MAX_BODY_BYTES: z.coerce
      .number()
      .int()
      .min(1024)
      .max(10_000_000)
      .default(256 * 1024),
    /** How long a reply POST to the channel's connector may take before it is abandoned. */
    REPLY_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(15_000),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    ASSISTANT_TODAY: z.preprocess((v) => (v === '' ? undefined : v), z.iso.date().optional()),
    DIRECT_LINE_SECRET: z.preprocess((v) => (v === '' ? undefined : v), z.string().min(10).optional()),
    DIRECT_LINE_DOMAIN: z
      .preprocess((v) => (v === '' ? undefined : v), Url.optional())
      .default('https://directline.botframework.com/v3/directline'),
    WIDGET_TITLE: z.string().min(1).default('Assistant BTS MCO — bloc 4'),
    // White text sits on the accent (the widget's header, Web Chat's buttons) and it outlines the
    // focused message field: below 4.5:1 with white, learners could not read it (WCAG 1.4.3). A
    // malformed colour gets the format's message only.
    WIDGET_ACCENT_COLOR: z
      .string()
      .regex(/^#[0-9a-fA-F]{6}$/, 'a colour such as #1F4E8C')
      .refine((c) => !/^#[0-9a-fA-F]{6}$/.test(c) || contrastWithWhite(c) >= 4.5, {
        error: (issue) =>
          `contrast with white ${contrastWithWhite(String(issue.input)).toFixed(2)}:1, below 4.5:1 (WCAG 1.4.3): choose a darker colour`,
      })
      .default('#1F4E8C'),
    WIDGET_LOGO_URL: optionalUrl,
    /**
     * PostgreSQL instead of the SQLite files (several instances behind a load balancer share it). Empty:
     * SQLite, nothing to set up.
     */
    DATABASE_URL: z.preprocess(
      (v) => (v === '' ? undefined : v),
      z
        .string()
        .refine(
          (v) => /^postgres(ql)?:\/\/[^\s]+$/.test(v) && URL.canParse(v),
          'a PostgreSQL address such as postgres://assistant:secret@127.0.0.1:5432/assistant',
        )
        .optional(),
    ),
    TRANSCRIPTS_FILE: z.string().min(1).default('data/transcripts.sqlite'),
    STAFF_FILE: z.string().min(1).default('data/staff.sqlite'),
    /** Which conversations were welcomed (kept across restarts: nobody is greeted twice). */
    STATE_FILE: z.string().min(1).default('data/state.sqlite'),
    /**
     * Where the checked data and the trained understanding are kept between starts (src/cache/start-cache.ts),
     * keyed by the digest of what they are built from; empty: built at every start.
     */
    CACHE_DIR: z.string().default('data/cache'),
    /** Conversation state (dialog step, topic followed) not written for this long is forgotten. */
    STATE_TTL_HOURS: z.coerce
      .number()
      .positive()
      .max(24 * 365)
      .default(24),
    TRANSCRIPT_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(180),
    // Local mode only: connectors (besides loopback) the bot may reply to, comma-separated URL prefixes.
    ALLOWED_SERVICE_URLS: z
      .string()
      .default('')
      .transform((v) =>
        v
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean),
      )
      .pipe(z.array(Url)),
    // Behind a reverse proxy that sets X-Forwarded-For: believe it for client addresses (throttling).
    TRUST_PROXY: z
      .enum(['true', 'false', '1', '0', ''])
      .default('')
      .transform((v) => v === 'true' || v === '1'),
    TRANSCRIPT_PSEUDONYM_KEY: z.preprocess(
      (v) => (v === '' ? undefined : v),
      z.string().min(16, 'at least 16 characters').optional(),
    ),
  })
  .superRefine((c, ctx) => {
    // What botbuilder would otherwise refuse with a stack trace at the first message, or accept and
    // then fail every reply with.
    if (c.MicrosoftAppType !== 'MultiTenant' && !c.MicrosoftAppId) {
      ctx.addIssue({
        code: 'custom',
        path: ['MicrosoftAppId'],
        message: `required when MicrosoftAppType=${c.MicrosoftAppType} (or leave MicrosoftAppType unset for local mode)`,
      });
    }
    if (c.MicrosoftAppType !== 'MultiTenant' && c.MicrosoftAppId && !c.MicrosoftAppTenantId) {
      ctx.addIssue({
        code: 'custom',
        path: ['MicrosoftAppTenantId'],
        message: `required when MicrosoftAppType=${c.MicrosoftAppType}`,
      });
    }
    if (c.MicrosoftAppId && c.MicrosoftAppType !== 'UserAssignedMSI' && !c.MicrosoftAppPassword) {
      ctx.addIssue({
        code: 'custom',
        path: ['MicrosoftAppPassword'],
        message:
          'required when MicrosoftAppId is set (the client secret of that App ID), unless MicrosoftAppType=UserAssignedMSI',
      });
    }
    if (!c.MicrosoftAppId && c.MicrosoftAppPassword) {
      ctx.addIssue({
        code: 'custom',
        path: ['MicrosoftAppPassword'],
        message: 'set without MicrosoftAppId: set both (Azure Bot) or neither (local mode)',
      });
    }
  });

export type Config = z.infer<typeof ConfigSchema> & {
  host: string;
  localMode: boolean;
  links: Record<string, string | undefined>;
  contact: Contact;
  /** Accepted, but probably not what was meant: logged at start, one line each. */
  warnings: string[];
};

export class ConfigError extends Error {}

/**
 * The sheet's links are placeholders; their addresses come from configuration keys the knowledge base
 * names (`links.<slot>.env`, which must be LINK_…). Any such key is accepted, so a second sheet with
 * links of its own needs no code change; each must be an http(s) address.
 */
const LINK_KEY = /^LINK_[A-Z0-9_]+$/;

function linkKeys(env: NodeJS.ProcessEnv): { links: Record<string, string>; problems: string[] } {
  const links: Record<string, string> = {};
  const problems: string[] = [];
  for (const [key, value] of Object.entries(env)) {
    if (!LINK_KEY.test(key) || value === undefined || value === '') continue;
    const result = Url.safeParse(value);
    if (result.success) links[key] = result.data;
    else problems.push(`  ${key}: ${result.error.issues[0]?.message ?? 'an http(s) address'}`);
  }
  return { links, problems };
}

/** Keys read elsewhere (npm run teams:package, Node itself): known, so not « did you mean ». */
const OTHER_KEYS = [
  // The project's sheet's links (any LINK_* key is read, see linkKeys; these are documented in .env.example).
  'LINK_REGISTRATION_URL',
  'LINK_CYCLADES_TUTORIAL_URL',
  'ORG_NAME',
  'ORG_WEBSITE_URL',
  'ORG_PRIVACY_URL',
  'ORG_TERMS_URL',
  'TEAMS_APP_ID',
  'TEAMS_APP_SHORT_NAME',
  'TEAMS_ACCENT_COLOR',
  'TEAMS_APP_VERSION',
  'NODE_ENV',
];
export const KNOWN_KEYS: readonly string[] = [...Object.keys(ConfigSchema.shape), ...OTHER_KEYS];

/** Edit distance (insertions, deletions, substitutions, swapped neighbours), case ignored. */
function distance(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  const d = Array.from({ length: x.length + 1 }, (_, i) =>
    Array.from({ length: y.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= x.length; i++) {
    for (let j = 1; j <= y.length; j++) {
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + (x[i - 1] === y[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && x[i - 1] === y[j - 2] && x[i - 2] === y[j - 1])
        d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1);
    }
  }
  return d[x.length]![y.length]!;
}

/**
 * Keys of a .env file that are misspellings of known ones (« MicrosoftAppID », « PROT »): silently
 * ignored, they would leave the bot in local mode or on the default port. Only .env is checked — the
 * environment holds many variables that are not ours.
 */
export function misspelledKeys(keys: Iterable<string>): string[] {
  const problems: string[] = [];
  for (const key of keys) {
    if (KNOWN_KEYS.includes(key)) continue;
    const close =
      KNOWN_KEYS.find((k) => k.toLowerCase() === key.toLowerCase()) ??
      KNOWN_KEYS.find((k) => distance(k, key) <= Math.min(2, Math.floor(k.length / 4)));
    if (close) problems.push(`  ${key}: unknown key in .env — did you mean ${close}?`);
  }
  return problems;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // « KEY= » (as in .env.example) means unset: every key then takes its default.
  const result = ConfigSchema.safeParse(Object.fromEntries(Object.entries(env).filter(([, v]) => v !== '')));
  const { links, problems } = linkKeys(env);
  if (!result.success || problems.length > 0) {
    const lines = [
      ...(result.success ? [] : result.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`)),
      ...problems,
    ];
    throw new ConfigError(`Invalid configuration (environment or .env):\n${lines.join('\n')}`);
  }
  const c = result.data;
  const localMode = c.MicrosoftAppId === '';
  const host = c.HOST ?? (localMode ? '127.0.0.1' : '0.0.0.0');
  const warnings: string[] = [];
  if (localMode && env.NODE_ENV === 'production') {
    warnings.push(
      `NODE_ENV=production without MicrosoftAppId: local mode, requests are not authenticated — anyone who reaches ${host}:${c.PORT} can post to the bot as any learner. Set MicrosoftAppId and MicrosoftAppPassword (Azure Bot).`,
    );
  }
  return {
    ...c,
    localMode,
    warnings,
    // Local mode listens on loopback only; a registered bot must be reachable by Azure Bot Service.
    host,
    links,
    contact: {
      ...(c.CONTACT_EMAIL ? { email: c.CONTACT_EMAIL } : {}),
      ...(c.CONTACT_PHONE ? { phone: c.CONTACT_PHONE } : {}),
      ...(c.CONTACT_URL ? { url: c.CONTACT_URL } : {}),
    },
  };
}

/**
 * Reads `.env` into process.env (existing variables win), if the file exists; a key that looks like a
 * misspelt known key stops the start (ConfigError, one line per key).
 */
export function loadDotEnv(file = '.env'): void {
  if (!existsSync(file)) return;
  const problems = misspelledKeys(Object.keys(parseEnv(readFileSync(file, 'utf8'))));
  if (problems.length > 0) throw new ConfigError(`Invalid configuration (${file}):\n${problems.join('\n')}`);
  process.loadEnvFile(file);
}

/** The clock: the real date, or the one pinned by ASSISTANT_TODAY (demos, reproducible runs). */
export function clockFrom(config: Pick<Config, 'ASSISTANT_TODAY'>): () => Date {
  if (!config.ASSISTANT_TODAY) return () => new Date();
  const [y, m, d] = config.ASSISTANT_TODAY.split('-').map(Number) as [number, number, number];
  return () => new Date(y, m - 1, d, 12);
}
