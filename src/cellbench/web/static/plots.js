// Draws the Plotly figures of a page, from a served file so that the pages' Content-Security-Policy needs no inline
// script. An element with data-figure holds one figure as JSON; an element with data-figures-url names an API
// address answering {element id: figure}. A drawn element gets data-ready="1".
"use strict";

function drawFigure(element, figure) {
  if (!figure.data || !figure.data.length) {
    const title = figure.layout && figure.layout.title ? figure.layout.title.text : "This figure";
    element.textContent = title + ": nothing to draw for this test.";
    return;
  }
  Plotly.newPlot(element, figure.data, figure.layout, {responsive: true}).then(() => {
    element.dataset.ready = "1";
  });
}

document.addEventListener("DOMContentLoaded", () => {
  for (const element of document.querySelectorAll("[data-figure]")) {
    drawFigure(element, JSON.parse(element.dataset.figure));
  }
  for (const box of document.querySelectorAll("[data-figures-url]")) {
    fetch(box.dataset.figuresUrl, {credentials: "same-origin"})
      .then((response) => response.json())
      .then((figures) => {
        for (const [id, figure] of Object.entries(figures)) {
          const element = document.getElementById(id);
          if (element) drawFigure(element, figure);
        }
      });
  }
});
