// The data sources: the shipped data sets (FACTS.datasets, fetched once each), the user's own IDX
// files (kept in this tab only), and the shipped classifiers that judge conditional accuracy.
import { FACTS } from '../state/facts.js';

/// Data set name → its files, or the user's files once dropped: a promise of the four arrays
/// [images, labels, testImages, testLabels] (or two, split by Rust).
const cache = new Map();
const classifiers = new Map(); // classifier files by URL, fetched on first use

/// Whether `dataset` is one of the page's own data sets (not the user's files).
export const isShipped = (dataset) => Object.hasOwn(FACTS.datasets, dataset);

async function fetchBytes(url) {
  const res = await fetch(new URL(url, import.meta.url));
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}; run the README's serve command, which prepares the data`);
  return new Uint8Array(await res.arrayBuffer());
}

/// A data set's files: the shipped ones fetched once, the user's as they were dropped.
export function loadData(name) {
  if (!cache.has(name)) {
    if (!isShipped(name)) throw new Error(`unknown dataset '${name}'`);
    const loading = Promise.all(FACTS.datasets[name].files.map((f) => fetchBytes(`../../data/${f}`))); // asked twice, fetched once
    cache.set(name, loading);
    loading.catch(() => cache.delete(name)); // a failed fetch is tried again next time
  }
  return cache.get(name);
}

/// Keeps the user's own files under `name` (this tab only).
export const keepData = (name, data) => cache.set(name, Promise.resolve(data));

/// The user's own IDX files, `files` = [{name, bytes}]: images and labels, as one pair (every
/// 10th image of each class held out) or two (the larger trains, the smaller tests). `idxDims`
/// reads a file's dimensions (Lab.idxDims). Returns the files in Lab's argument order, or throws
/// saying what is wrong with which file.
export function pairUp(files, idxDims) {
  const side = FACTS.imageSide;
  if (files.length !== 2 && files.length !== 4) {
    throw new Error(`give 2 IDX files (images and labels) or 4 (a training and a test pair), not ${files.length}`);
  }
  const described = files.map((f) => ({ ...f, dims: Array.from(idxDims(f.bytes, f.name)) }));
  const images = described.filter((f) => f.dims.length === 3);
  const labels = described.filter((f) => f.dims.length === 1);
  if (images.length !== labels.length || images.length * 2 !== files.length) {
    throw new Error(`${images.length} image file(s) and ${labels.length} label file(s): they must come in pairs (images have 3 dimensions, labels 1)`);
  }
  for (const im of images) {
    if (im.dims[1] !== side || im.dims[2] !== side) throw new Error(`${im.name}: images are ${im.dims[1]}×${im.dims[2]}; this page shows ${side}×${side} images`);
  }
  const pairs = images.map((im) => {
    const lb = labels.find((l) => l.dims[0] === im.dims[0] && !l.taken);
    if (!lb) throw new Error(`${im.name}: no labels file has ${im.dims[0].toLocaleString()} labels (${labels.map((l) => `${l.name}: ${l.dims[0].toLocaleString()}`).join(', ')})`);
    lb.taken = true;
    return [im.bytes, lb.bytes];
  });
  pairs.sort((a, b) => b[0].length - a[0].length);
  return pairs.flat();
}

/// The shipped classifier of `dataset` (fetched once); none for the user's own files.
export function classifier(dataset) {
  if (!isShipped(dataset)) throw new Error('no classifier for your own data: conditional accuracy needs one trained on it (CLI: vae-lab classifier)');
  const url = new URL(`../../models/${dataset}-classifier.safetensors`, import.meta.url);
  if (!classifiers.has(url.href)) {
    // The promise is kept, so that requests made while it downloads share the one fetch.
    const loading = fetch(url).then(async (res) => {
      if (!res.ok) throw new Error(`no classifier for '${dataset}' (HTTP ${res.status})`);
      return new Uint8Array(await res.arrayBuffer());
    });
    classifiers.set(url.href, loading);
    loading.catch(() => classifiers.delete(url.href)); // tried again next time
  }
  return classifiers.get(url.href);
}
