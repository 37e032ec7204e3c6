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


/// Under a strip of samples: what the classifier reads in each (`read[i]`, a class), in its
/// colour and named (`names`, the data set's class names); with `asked` (the class each was
/// drawn for) a wrong reading is struck through. Titles say both in words.
export function labelSamples(box, read, asked, colours, names) {
  const name = (y) => names?.[y] ?? String(y);
  box.classList.toggle('named', read.some((y) => name(y) !== String(y)));
  box.replaceChildren(...read.map((y, i) => {
    const mark = document.createElement('span');
    mark.textContent = name(y);
    mark.style.color = colours[y % colours.length];
    if (asked?.length) mark.className = asked[i] === y ? 'right' : 'wrong';
    mark.title = asked?.length ? `drawn for class ${name(asked[i])}, the classifier reads ${name(y)}` : `the classifier reads ${name(y)}`;
    return mark;
  }));
}
