// Module worker that only decodes: the sliders' image and the manifold grid. It runs on the other
// core beside the training worker, so dragging a slider never waits for a training step; the
// training worker sends it fresh weights (a model checkpoint) on a MessagePort as it trains.
// Requests {type: 'decode' | 'grid', ...} are answered {status, ...} like the training worker's.
import init, { Decoder } from '../pkg/vae_lab.js';

const ready = init();
let decoder = null;
const waiting = new Map(); // per request type, the newest one whose weights have not arrived yet

// What is on screen: the last z decoded and the last grid asked for. Each new set of weights
// redraws both, so the page need not ask on every training tick.
let shown = null;
let shownGrid = null;

const handlers = {
  decode({ z, id, pushed = false }) {
    const pixels = decoder.decode(z);
    shown = z;
    return [{ status: 'decoded', id, pushed, step: decoder.step, pixels }, [pixels.buffer]];
  },
  grid(request) {
    const { z, n, purpose = 'grid', rows = n, cols = n, pushed = false } = request;
    const pixels = decoder.decodeMany(z);
    if (purpose === 'grid') shownGrid = request;
    return [{ status: purpose, n, rows, cols, pixels, pushed }, [pixels.buffer]];
  },
};

function answer(data) {
  try {
    const handler = handlers[data.type];
    if (!handler) throw new Error(`unknown request '${data.type}'`);
    const rows = data.type === 'decode' ? 1 : data.z.length / decoder?.latent;
    // After a size change the page may ask before the new weights are here: hold the newest.
    if (!decoder || !Number.isInteger(rows) || data.z.length !== rows * decoder.latent) {
      waiting.set(data.purpose ?? data.type, data);
      return;
    }
    const [reply, transfer] = handler(data);
    postMessage(reply, transfer);
  } catch (e) {
    postMessage({ status: 'error', during: data.type, id: data.id, message: String(e?.message ?? e) });
  }
}

/// New weights from the training worker; a request held for them is answered now.
function swap({ bytes }) {
  try {
    const next = new Decoder(bytes);
    decoder?.free();
    decoder = next;
  } catch (e) {
    postMessage({ status: 'error', during: 'weights', message: `new weights refused: ${e?.message ?? e}` });
    return;
  }
  const held = [...waiting.values()];
  waiting.clear();
  held.forEach(answer);
  // What is on screen follows the model without being asked (marked pushed, so the page's
  // one-request-in-flight bookkeeping is not disturbed). A size change leaves it to the page.
  const unheld = (type) => !held.some((h) => h.type === type);
  if (shown?.length === decoder.latent && unheld('decode')) answer({ type: 'decode', z: shown, pushed: true });
  if (shownGrid && shownGrid.z.length === shownGrid.n ** 2 * decoder.latent && unheld('grid')) answer({ ...shownGrid, pushed: true });
}

onmessage = async ({ data }) => {
  await ready;
  if (data.type === 'weights-port') {
    data.port.onmessage = async ({ data: weights }) => { await ready; swap(weights); };
    return;
  }
  answer(data);
};
