// The side-by-side view: a santa (left) and their giftee (right), each in their own frame
// with their own <santa-chat>, so anonymity and instant delivery are visible together.
import { mountDevTools } from './devtools.js';
import { announce, avatar, el, formatRevealDate, loadDemo, onAnnouncement, revealNow, timeUntil, toast } from './shared.js';

function caption(figure, role, person, sees) {
  figure.querySelector('.browser-caption').replaceChildren(
    el(`span.role-tag.${role}`, {}, role === 'santa' ? 'Santa' : 'Giftee'),
    avatar(person, 'sm'),
    el('strong', {}, `${person.name}’s browser`),
    el('span.sees', {}, sees),
  );
}

function showPane(figure, person) {
  const iframe = figure.querySelector('iframe');
  const src = `pane.html?as=${encodeURIComponent(person.id)}&frame=1`;
  if (iframe.getAttribute('src') !== src) iframe.setAttribute('src', src);
  iframe.title = `${person.name}’s browser`;
}

async function main() {
  const demo = await loadDemo();
  const { people, byId, group } = demo;
  const params = new URLSearchParams(window.location.search);
  const santa = byId.get(params.get('santa') ?? '') ?? people[0];
  const giftee = byId.get(santa.giftee);

  const select = document.querySelector('#santa-select');
  select.replaceChildren(...people.map((person) => el('option', { value: person.id, selected: person.id === santa.id }, person.name)));
  select.addEventListener('change', () => {
    window.location.search = `?santa=${encodeURIComponent(select.value)}`;
  });
  document.querySelector('#giftee-name').replaceChildren(el('span.muted', {}, 'Giftee '), el('strong', {}, giftee.name));

  const renderReveal = (revealed) => {
    const pill = document.querySelector('#reveal-pill');
    pill.textContent = revealed ? 'Names revealed' : `Reveal ${formatRevealDate(group.revealAt)} · in ${timeUntil(group.revealAt)}`;
    pill.dataset.revealed = String(revealed);
    caption(document.querySelector('#santa-pane'), 'santa', santa, `knows they give to ${giftee.name}`);
    caption(document.querySelector('#giftee-pane'), 'giftee', giftee, revealed ? `now sees ${santa.name}` : 'sees only “Secret Santa”');
  };
  renderReveal(group.revealed);
  showPane(document.querySelector('#santa-pane'), santa);
  showPane(document.querySelector('#giftee-pane'), giftee);

  const reveal = document.querySelector('#reveal-now');
  reveal.addEventListener('click', async () => {
    reveal.disabled = true;
    try {
      await revealNow();
      announce('reveal');
      renderReveal(true);
      toast('Names revealed');
    } catch (error) {
      toast(error.message, 'error');
    } finally {
      reveal.disabled = false;
    }
  });

  mountDevTools({ demo, subjects: [santa, giftee], onReveal: () => renderReveal(true) });
  onAnnouncement((what) => {
    if (what === 'reveal') renderReveal(true);
    if (what === 'reset') window.location.reload();
  });
}

main().catch((error) => toast(`The demo could not load: ${error.message}`, 'error'));
