export { MIGRATIONS, type Migration } from './migrations.js';
export { type ChatStore, type ConversationRefRecord, type LastStatus, Store } from './store.js';
