// Paints decoded images (intensities in [0, 1], row-major) onto canvases, one image per cell.

/// Paints `count` images of side × side from `pixels` in a row of cells on `canvas`.
export function paintImages(canvas, pixels, count = 1, side = 28) {
  canvas.width = side * count;
  canvas.height = side;
  const ctx = canvas.getContext('2d');
  const img = ctx.createImageData(side * count, side);
  const area = side * side;
  for (let k = 0; k < count; k++) {
    for (let i = 0; i < area; i++) {
      // White digit on black, as MNIST is stored.
      const v = Math.max(0, Math.min(255, Math.round(pixels[k * area + i] * 255)));
      const o = 4 * ((Math.floor(i / side)) * side * count + k * side + (i % side));
      img.data[o] = img.data[o + 1] = img.data[o + 2] = v;
      img.data[o + 3] = 255;
    }
  }
  ctx.putImageData(img, 0, 0);
}
