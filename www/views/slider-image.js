// The sliders' image, decoded on this thread inside the input handler: one decode takes about
// 0.2 ms, so the image is painted in the same frame as the movement that asked for it, whatever
// the workers are doing. The training worker sends the weights as it trains.
import init, { Decoder } from '../../pkg/page/vae_lab.js';
import { paintImages } from './digits.js';

export class SliderImage {
  /// `module`: the compiled wasm (a promise of it).
  constructor(canvas, module) {
    this.canvas = canvas;
    this.decoder = null;
    this.z = null; // the z on screen (or asked for before any weights came)
    this.cls = 0; // the class the standard CVAE's decoder is given (the other kinds ignore it)
    this.ready = init({ module_or_path: module });
    this.swaps = this.ready; // weights are applied in arrival order, once the module is ready
  }

  get latent() {
    return this.decoder?.latent ?? 0;
  }

  /// The class means μ^Y of the weights in use (classes × latent; empty for the other kinds).
  classMeans() {
    return this.decoder?.classMeans() ?? new Float32Array(0);
  }

  /// Whether the decoder takes the class (the standard CVAE).
  get takesLabel() {
    return this.decoder?.takesLabel ?? false;
  }

  /// The class to decode for (the standard CVAE); repaints.
  setClass(cls) {
    this.cls = cls ?? 0;
    if (this.z) this.show(this.z);
  }

  /// New weights (a model checkpoint's bytes): repaints the z on screen, or `fallbackZ(latent)`
  /// when the size changed. Resolves once they are in use; rejects with the reason if refused
  /// (the old weights stay).
  setWeights(bytes, fallbackZ) {
    const swap = this.swaps.then(() => {
      const next = new Decoder(bytes); // checks the file whole; the old weights stay on error
      this.decoder?.free();
      this.decoder = next;
      this.show(this.z?.length === next.latent ? this.z : fallbackZ(next.latent, this));
    });
    this.swaps = swap.catch(() => {}); // a refused set of weights does not block the next
    return swap;
  }

  /// Decodes `z` and paints it now. Returns whether it was painted (false until weights of
  /// z's size are here; the z is kept and painted when they come).
  show(z) {
    this.z = Float32Array.from(z);
    if (this.z.length !== this.latent) return false;
    paintImages(this.canvas, this.decoder.decode(this.z, this.decoder.takesLabel ? this.cls : undefined));
    return true;
  }
}
