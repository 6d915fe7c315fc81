"""Reading a figure's own face: its map frame, its colorbar, their tick labels.

Stages, each in its own module and usable alone:

* :mod:`.lines` — long straight dark lines and the rectangles they close;
* :mod:`.frame` — the map frame (the plot area) among those rectangles;
* :mod:`.colorbar` — the colorbar: an elongated box whose colours run along one axis;
* :mod:`.ticks` — tick marks along a frame side or a colorbar side, and robust fits of tick
  values against positions;
* :mod:`.ocr` — reading tick labels with Tesseract (optional: the rest works without it);
* :mod:`.labels` — turning label text (``45°N``, ``−1,000 m``, ``10^3``) into numbers;
* :mod:`.label_checks`, :mod:`.hidden_signs` — a label's reading held against its own ink (a
  point, comma or sign dropped, made up or hidden in a line);
* :mod:`.faint_tick_marks` — tick marks lighter than a line, drawn inward, or behind a light
  edge line;
* :mod:`.axis_confirmation`, :mod:`.bar_ends` — an axis of two labels confirmed, a colorbar's
  ends checked against its ticks, labels and colours;
* :mod:`.figure_reading` — everything together: what a figure says about itself.

Pixel coordinates follow GDAL: (0, 0) is the image's top-left corner, x to the right, y down;
line positions are the line's centre in those coordinates (a one-pixel line on row 70 is at
y = 70.5).
"""
