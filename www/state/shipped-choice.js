// What boot.js asks before the page's modules run: the shipped model the address's settings name
// (state.js's own reading of the address: its data set, kind and sizes, the defaults where it
// names none), so that the file's download starts at once. Bundled into boot.js's classic script
// (scripts/bundle.mjs), so no module has to be fetched first.
import { readHash, modelConfig } from './state.js';
import { shippedFor } from './shipped-model.js';

/// The shipped model for the address `hash` ({file, dataset, model, …}), or null when no shipped
/// file has those sizes (the worker then builds the model).
export function shippedForAddress(hash) {
  const { values } = readHash(hash);
  return shippedFor(values.dataset, modelConfig(values));
}
