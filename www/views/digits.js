// Paints decoded images (intensities in [0, 1], row-major) onto canvases, one image per cell.

/// Paints `count` images of side × side from `pixels` in a row of cells on `canvas`.
export function paintImages(canvas, pixels, count = 1, side = 28) {
  paintGrid(canvas, pixels, count, 1, side);
}

/// Paints `cols × rows` images (row-major, each side × side) as a grid on `canvas`.
export function paintGrid(canvas, pixels, cols, rows, side = 28) {
  canvas.width = side * cols;
  canvas.height = side * rows;
  const ctx = canvas.getContext('2d');
  const img = ctx.createImageData(side * cols, side * rows);
  const area = side * side;
  for (let k = 0; k < cols * rows; k++) {
    const ox = (k % cols) * side;
    const oy = Math.floor(k / cols) * side;
    for (let i = 0; i < area; i++) {
      const v = Math.max(0, Math.min(255, Math.round(pixels[k * area + i] * 255)));
      const o = 4 * ((oy + Math.floor(i / side)) * side * cols + ox + (i % side));
      img.data[o] = img.data[o + 1] = img.data[o + 2] = v;
      img.data[o + 3] = 255;
    }
  }
  ctx.putImageData(img, 0, 0);
}

