// A question in the page: a modal <dialog> (keyboard-usable: focus moves into it, Escape
// cancels, Tab moves between the answers). Resolves with the chosen answer's value, or null when
// cancelled.
export function ask({ title, text, answers }) {
  const dialog = document.getElementById('ask');
  dialog.querySelector('#ask-title').textContent = title;
  dialog.querySelector('#ask-text').textContent = text;
  const box = dialog.querySelector('#ask-answers');
  box.replaceChildren(...answers.map(({ label, value }) => {
    const b = document.createElement('button');
    b.type = 'button';
    b.textContent = label;
    b.value = value;
    b.addEventListener('click', () => dialog.close(value));
    return b;
  }), Object.assign(document.createElement('button'), { type: 'button', textContent: 'Cancel', value: '' }));
  box.lastChild.addEventListener('click', () => dialog.close(''));
  dialog.returnValue = '';
  dialog.showModal();
  box.lastChild.focus(); // the safe answer first
  return new Promise((resolve) => {
    dialog.addEventListener('close', () => resolve(dialog.returnValue || null), { once: true });
  });
}
