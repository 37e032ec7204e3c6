// Module worker that only decodes grids (the manifold, the traversal export): a hundred decodes
// take milliseconds, which the page's thread should not spend while a slider moves. It runs on
// the other core beside the training worker; the page passes on the weights that worker sends.
// Requests {type: 'grid' | 'weights', ...} are answered {status, ...} like the training worker's.
import { Decoder } from '../../pkg/page/vae_lab.js';
import { ready, takeModule } from './wasm-from-page.js';

let decoder = null;
const waiting = new Map(); // per purpose, the newest grid asked for before weights of its size arrived
let shown = null; // the last grid asked for: new weights redraw it without being asked

const fits = ({ z, n, rows = n, cols = n }) => decoder && z.length === rows * cols * decoder.latent;

function grid(request) {
  const { z, n, purpose = 'grid', rows = n, cols = n, pushed = false, cls = null } = request;
  if (!fits(request)) {
    waiting.set(purpose, request); // after a size change the page may ask before the new weights are here
    return;
  }
  const pixels = decoder.decodeMany(z, decoder.takesLabel ? cls ?? 0 : undefined); // the standard CVAE decodes for a class
  if (purpose === 'grid') shown = request;
  postMessage({ status: purpose, n, rows, cols, pixels, pushed }, [pixels.buffer]);
}

/// New weights; a grid held for them is drawn now, else the one on screen is redrawn (marked
/// pushed, so the page's one-request-in-flight bookkeeping is not disturbed).
function swap(bytes) {
  const next = new Decoder(bytes);
  decoder?.free();
  decoder = next;
  const held = [...waiting.values()];
  waiting.clear();
  held.forEach(grid);
  if (!held.some((h) => (h.purpose ?? 'grid') === 'grid') && shown && fits(shown)) grid({ ...shown, pushed: true });
}

onmessage = async ({ data }) => {
  if (takeModule(data)) return;
  await ready;
  try {
    if (data.type === 'weights') swap(data.bytes);
    else if (data.type === 'grid') grid(data);
    else throw new Error(`unknown request '${data.type}'`);
  } catch (e) {
    postMessage({ status: 'error', during: data.type, message: String(e?.message ?? e) });
  }
};
