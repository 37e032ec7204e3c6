// Files the page hands to the user: checkpoints and PNG images, through the browser's download.

export function downloadBlob(blob, name) {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
}

export function downloadPng(canvas, name) {
  canvas.toBlob((blob) => downloadBlob(blob, name), 'image/png');
}
