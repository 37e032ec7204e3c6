// The ten class colours (Tableau 10), one per class wherever classes are drawn: the map's dots and
// means, the class buttons, the per-class bars, the classifier's readings under the samples.
export const CLASS_COLOURS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];

/// Class `c`'s colour (the palette repeats past ten classes).
export const classColour = (c) => CLASS_COLOURS[c % CLASS_COLOURS.length];
