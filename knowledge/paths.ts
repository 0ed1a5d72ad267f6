import { fileURLToPath } from 'node:url';

/** The knowledge/ folder of this project (knowledge base, sources, académies table). */
export const KNOWLEDGE_DIR = fileURLToPath(new URL('.', import.meta.url));
