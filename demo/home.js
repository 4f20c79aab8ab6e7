// The landing page: the participant picker and the list of pairs for the side-by-side view.
import { mountDevTools } from './devtools.js';
import { avatar, el, formatRevealDate, loadDemo, onAnnouncement, timeUntil, toast } from './shared.js';

async function main() {
  const demo = await loadDemo();
  const { group, people, byId } = demo;

  document.querySelector('#group-line').textContent = `${group.name} · ${people.length} people · ${group.budget} budget`;
  const renderReveal = () => {
    document.querySelector('#reveal-date').textContent = formatRevealDate(group.revealAt);
    document.querySelector('#reveal-countdown').textContent = group.revealed ? 'The names are out' : `in ${timeUntil(group.revealAt)}`;
  };
  renderReveal();
  setInterval(renderReveal, 30_000);

  document.querySelector('#people').replaceChildren(
    ...people.map((person) =>
      el(
        'li.person-card',
        {},
        avatar(person, 'lg'),
        el('p.person-name', {}, person.name),
        el('p.person-team', {}, person.team),
        el('a.button.secondary.small', { href: `pane.html?as=${encodeURIComponent(person.id)}` }, `Sign in as ${person.name}`),
      ),
    ),
  );

  const first = people[0];
  if (first) document.querySelector('#pair-link').href = `pair.html?santa=${encodeURIComponent(first.id)}`;
  document.querySelector('#pairs').replaceChildren(
    ...people
      .filter((person) => person.giftee !== null)
      .map((santa) => {
        const giftee = byId.get(santa.giftee);
        return el(
          'li',
          {},
          el(
            'a.pair-chip',
            { href: `pair.html?santa=${encodeURIComponent(santa.id)}` },
            avatar(santa, 'sm'),
            el('span', {}, santa.name),
            el('span.arrow', { 'aria-label': 'gives to' }, '→'),
            avatar(giftee, 'sm'),
            el('span', {}, giftee?.name ?? ''),
          ),
        );
      }),
  );

  mountDevTools({ demo, subjects: people });
  onAnnouncement(() => window.location.reload());
}

main().catch((error) => toast(`The demo could not load: ${error.message}`, 'error'));
