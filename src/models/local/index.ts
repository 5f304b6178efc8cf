/** The offline `local` provider and its fine-tuning API. */
export { createLocalProvider, READER_MODEL_ID, type LocalProvider, type LocalProviderOptions } from './provider.js';
export { trainLocalFinetune, saveLocalFinetune, loadLocalFinetune, type TrainOptions, type TrainStats } from './train.js';
export { type LocalFinetuneWeights, MEMORY_THRESHOLD } from './memory.js';
export { READER_MODEL } from './reader-model.js';
export { IDK } from './answer.js';
export { countTokens } from './text.js';
export { closeLocalWorkers, defaultPoolSize } from './pool.js';
