/**
 * The one query both stores run for `Store.listMemberGroups` (the SQL is the same in SQLite and
 * PostgreSQL but for the parameter's spelling): the member's groups, each with their giftee and
 * whether someone gives to them. The santa's id is never selected.
 */

/** `member`: the parameter as the store spells it (`?`, `$1`); read through the `members_user` index. */
export const memberGroupsSelect = (member: string): string => `
  SELECT g.id, g.name, g.reveal_at,
    EXISTS (SELECT 1 FROM assignments drawn WHERE drawn.group_id = g.id) AS drawn,
    pair.giftee_id, giftee.name AS giftee_name,
    EXISTS (SELECT 1 FROM assignments given WHERE given.group_id = g.id AND given.giftee_id = m.user_id) AS has_santa
  FROM members m
  JOIN groups g ON g.id = m.group_id
  LEFT JOIN assignments pair ON pair.group_id = g.id AND pair.santa_id = m.user_id
  LEFT JOIN members giftee ON giftee.group_id = g.id AND giftee.user_id = pair.giftee_id
  WHERE m.user_id = ${member}
  ORDER BY g.name, g.id`;

