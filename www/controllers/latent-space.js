// The latent space and the drawing: the map of the test set's codes (with the fitted Gaussians),
// the manifold grid (decoded by grid.worker.js on the other core), the reconstructions, the
// drawing pad and the interpolation. Every figure is of the model shown: on a new generation it
// is cleared and asked for again.
import { ManifoldGrid } from '../views/manifold.js';
import { LatentMap } from '../views/latent-map.js';
import { DrawPad } from '../views/draw.js';
import { Interpolation } from '../views/interpolation.js';
import { paintImages, paintGrid } from '../views/digits.js';
import { downloadPng } from '../lib/files.js';
import { OneInFlight } from '../lib/one-in-flight.js';
import { quiet } from '../workers/protocol.js';
import { $, page, kindOf, datasetOf, say, pngName, showText } from './page.js';

const MAP_EVERY_MS = 1000; // encoding the whole test set costs tens of ms: refresh once a second
const FITTED_EVERY_MS = 10000; // the map's fitted ellipses (the worker refits at most this often)
const GRID_EVERY_MS = 120; // the grid follows z at most this often while dragging

export function createLatentSpace({ client, startWorker, explorer }) {
  const state = { mapAt: -Infinity, fittedAt: -Infinity, gridTimer: 0, gridAt: -Infinity, drawnMu: null };
  const fail = (what) => quiet((e) => say(`${what}: ${e.message}`, 'error'));

  // The grid's many decodes run in a second worker, started with the first weights so that it does
  // not compete with the first image for the CPU.
  let gridWorker_ = null;
  function gridWorker() {
    if (!gridWorker_) {
      gridWorker_ = startWorker(new URL('../workers/grid.worker.js', import.meta.url));
      gridWorker_.onmessage = ({ data: d }) => {
        if (d.status === 'grid') grid.paint(d);
        else if (d.status === 'traversal') {
          const canvas = document.createElement('canvas');
          paintGrid(canvas, d.pixels, d.cols, d.rows);
          downloadPng(canvas, `${pngName()}-traversal.png`);
        } else if (d.status === 'error') { grid.failed(); say(`${d.during}: ${d.message}`, 'error'); }
      };
      gridWorker_.onerror = (e) => say(`The grid's worker failed to start: ${e.message ?? 'unknown error'}`, 'error');
    }
    return gridWorker_;
  }

  const latentMap = new LatentMap($('map'), (axes, values) => {
    const z = explorer.sliders.values();
    axes.forEach((d, i) => { z[d] = values[i]; });
    explorer.moveZ(z);
  });
  const grid = new ManifoldGrid(
    { canvas: $('grid'), xSelect: $('grid-x'), ySelect: $('grid-y'), range: $('grid-range'), size: $('grid-size') },
    (msg, transfer) => gridWorker().postMessage({ ...msg, cls: explorer.decodeClass() }, transfer),
  );
  grid.onChange = () => latentMap.set({ axes: grid.axes() });
  page.mapCodes = () => ({ mu: Array.from(latentMap.mu.slice(0, latentMap.latent)), axes: latentMap.axes }); // test image 0's code, for the tests

  // Hovering a dot shows that test image beside its reconstruction.
  latentMap.onHover = (i, e) => {
    const tip = $('map-tip');
    if (i === null) { tip.hidden = true; return; }
    const r = $('map').getBoundingClientRect();
    tip.style.left = `${Math.min(e.clientX - r.left + 12, r.width - 130)}px`;
    tip.style.top = `${Math.max(0, e.clientY - r.top - 80)}px`;
    client.probe({ index: i }).then((d) => {
      if (latentMap.hovered !== d.index) return; // the pointer moved on
      paintImages($('map-tip-x'), d.image, 1);
      paintImages($('map-tip-recon'), d.recon, 1);
      const name = datasetOf(page.values.dataset)?.classNames[d.label] ?? d.label;
      $('map-tip-text').textContent = `test image ${d.index}, class ${name}: and its reconstruction`;
      $('map-tip').dataset.index = String(d.index);
      $('map-tip').hidden = false;
    }, quiet());
  };

  // ---- The drawing: encoded while drawing (one request in flight), its μ marked on the map.
  const pad = new DrawPad($('draw'), (final) => { encoding.request(); if (final && $('interp-drawn').checked) interpolation.request(); });
  const encoding = new OneInFlight(() => {
    if (pad.isEmpty()) return false; // cleared meanwhile: nothing to encode
    client.encode({ pixels: pad.pixels(), cls: explorer.decodeClass() }).then((d) => {
      paintImages($('draw-recon'), d.recon);
      state.drawnMu = d.mu;
      latentMap.set({ drawn: d.mu });
      encoding.answered();
    }, (e) => { encoding.failed(); fail('encode')(e); });
  });
  const interpolation = new Interpolation(
    { canvas: $('interp'), from: $('interp-a'), to: $('interp-b'), steps: $('interp-steps'), useDrawing: $('interp-drawn'), random: $('interp-random') },
    (msg) => client.interpolate({ ...msg, cls: explorer.decodeClass() }).then((d) => interpolation.paint(d), (e) => { interpolation.done(); fail('interpolate')(e); }),
    () => (pad.isEmpty() ? null : pad.pixels()),
  );
  $('draw-clear').addEventListener('click', () => {
    pad.clear();
    state.drawnMu = null;
    latentMap.set({ drawn: null });
    paintImages($('draw-recon'), new Float32Array(784));
    if ($('interp-drawn').checked) interpolation.request();
  });
  $('draw-use').addEventListener('click', () => { if (state.drawnMu) explorer.moveZ(Array.from(state.drawnMu)); });
  $('png-interp').addEventListener('click', () => downloadPng($('interp'), `${pngName()}-interpolation.png`));
  $('png-grid').addEventListener('click', () => downloadPng($('grid'), `${pngName()}-manifold.png`));
  $('png-samples').addEventListener('click', () => downloadPng($('samples'), `${pngName()}-samples.png`));
  $('png-traversal').addEventListener('click', () => {
    const { z, rows, cols } = grid.traversal(explorer.sliders.values());
    gridWorker().postMessage({ type: 'grid', purpose: 'traversal', z, rows, cols, cls: explorer.decodeClass() }, [z.buffer]);
  });

  function gridSoon() {
    if (state.gridTimer) return;
    const wait = Math.max(0, state.gridAt + GRID_EVERY_MS - performance.now());
    state.gridTimer = setTimeout(() => { state.gridTimer = 0; state.gridAt = performance.now(); grid.request(explorer.sliders.values()); }, wait);
  }

  const overlay = () => ({ cls: page.cls, kind: kindOf(), fitted: page.fitted });
  function requestFitted() {
    if (!page.classes || !kindOf().hasEncoder) return;
    state.fittedAt = performance.now();
    client.fitted().then((d) => { page.fitted = d.fitted; latentMap.set({ overlay: overlay() }); }, fail('fitted'));
  }

  /// The views that follow the model as it trains (those that encode: none for a kind without an
  /// encoder, whose panel says so; the grid follows z and the weights).
  function refresh() {
    if (!kindOf().hasEncoder) return;
    client.reconstructions({ perClass: 1 }).then((d) => {
      const both = new Float32Array(d.originals.length * 2);
      both.set(d.originals);
      both.set(d.reconstructions, d.originals.length);
      paintGrid($('recons'), both, d.count, 2);
    }, fail('reconstructions'));
    interpolation.request();
    encoding.request();
    if (!(performance.now() - state.mapAt < MAP_EVERY_MS)) {
      state.mapAt = performance.now();
      client.map().then((d) => latentMap.set({ mu: d.mu, labels: d.labels, latent: d.latent, means: page.classMeans }), fail('map'));
    }
  }

  return {
    /// z moved: the grid and the map follow.
    followZ(z) { gridSoon(); latentMap.set({ z, axes: grid.axes() }); },
    classChosen() { latentMap.set({ overlay: overlay() }); },
    labelChanged() { encoding.request(); interpolation.request(); },
    sized(latent) { grid.build(latent); },
    /// New weights: the grid's worker gets them too.
    weights(bytes) { gridWorker().postMessage({ type: 'weights', bytes }, [bytes.buffer]); },
    drawn: () => (pad.isEmpty() ? null : pad.pixels()),
    reset(why) {
      page.fitted = null;
      latentMap.set({ mu: new Float32Array(0), labels: new Uint8Array(0), overlay: overlay() });
      $('views-kind').textContent = `Out of date: ${why}.`;
      encoding.failed();
      interpolation.done();
    },
    ready(d) {
      interpolation.setTestSize(d.testSize);
      state.mapAt = -Infinity;
      latentMap.set({ means: d.classMeans, latent: d.latent, axes: grid.axes(), mu: new Float32Array(0), labels: new Uint8Array(0), overlay: overlay() });
      showText($('views-kind'), kindOf().views);
      refresh();
      requestFitted();
    },
    progress() {
      refresh(); // the same test images and drawing through the changing model: watch it learn
      if (performance.now() - state.fittedAt >= FITTED_EVERY_MS) requestFitted();
    },
    refresh,
  };
}
