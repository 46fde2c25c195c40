// Public API of @lunadefend/example-tokenizer.
export { createTokenizerApp, MAX_VALUE_LENGTH, type TokenizerAppOptions } from './app.js';
export { createVault, type Vault } from './vault.js';
