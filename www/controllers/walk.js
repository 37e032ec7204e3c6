// The walkthrough's wiring: the worker computes one image's way through the model and one step on
// it, walkthrough.js shows them. One ε seed per Start, so the stages and the step use the same noise.
import { Walkthrough } from '../views/walkthrough.js';
import { quiet } from '../workers/protocol.js';
import { $, page, kindOf, say } from './page.js';

export function createWalk({ client, drawn, setRunning }) {
  let request = null;
  let openAt = null; // the stage a lesson link opens on
  const fail = (what) => quiet((e) => say(`${what}: ${e.message}`, 'error'));
  const walkthrough = new Walkthrough({
    panel: $('walk-panel'), title: $('walk-stage-title'), formula: $('walk-formula'), text: $('walk-text'), figure: $('walk-figure'),
    pos: $('walk-pos'), back: $('walk-back'), next: $('walk-next'), nav: $('walk-nav'),
  }, () => client.stepOn(request).then((d) => {
    walkthrough.stepDone(d);
    page.ownSteps = d.ownSteps;
    $('step').textContent = d.step.toLocaleString();
  }, fail('stepOn')));
  page.walkthrough = walkthrough;

  function start() {
    const pixels = $('walk-drawn').checked ? drawn() : null;
    const source = pixels ? { pixels, cls: page.cls ?? page.values.class } : { train: Number($('walk-image').value) };
    request = { source, seed: Math.floor(Math.random() * 2 ** 31) };
    setRunning(false);
    client.walk(request).then((d) => {
      walkthrough.show(d.walk, kindOf(), openAt ?? walkthrough.at);
      openAt = null;
      $('walk-image').value = String(d.source.train ?? $('walk-image').value);
    }, fail('walk'));
  }
  $('walk-start').addEventListener('click', start);
  walkthrough.go(0);

  return {
    walkthrough,
    reset(why) {
      if (!walkthrough.walk) return;
      $('walk-text').textContent = `Out of date: ${why}. Press Start to walk through the new model.`;
    },
    ready() {
      // A lesson link may open the walkthrough at a stage (on training image 0), once.
      if (page.values.walk > 0 && !page.walkOpened) {
        page.walkOpened = true;
        openAt = page.values.walk - 1;
        start();
        $('walk-panel').scrollIntoView();
      } else if (walkthrough.walk) start(); // the walk on screen, through the new model
    },
  };
}
