// The tenant's tags, teams, departments, agents and channels the builder's forms pick from, read
// through the app's existing lookup hooks (same caches as the inbox and settings).

import { useMemo } from "react";

import { itemsOf, useChannels, useDepartmentList, useTeams, workable } from "../../../../inbox/lookups";
import { useAllMembers } from "../../../../lib/members";
import { useAllTags } from "../../../settings/TagsPage";
import type { TransferTo } from "../../../../automation/flows/types";

export interface TagOption {
  id: string;
  name: string;
}

export interface Lookups {
  tags: TagOption[];
  targets: Record<TransferTo, Array<{ id: string; name: string }>>;
  channels: Array<{ id: string; name: string }>;
}

export const NO_LOOKUPS: Lookups = { tags: [], targets: { agent: [], team: [], department: [] }, channels: [] };

export function useLookups(): Lookups {
  const tagsQ = useAllTags();
  const teams = useTeams();
  const departments = useDepartmentList();
  const members = useAllMembers();
  const channels = useChannels();
  return useMemo(
    () => ({
      tags: itemsOf(tagsQ.data).map((tg) => ({ id: tg.id, name: tg.name })),
      targets: {
        team: teams.map((x) => ({ id: x.id, name: x.name })),
        department: departments.map((x) => ({ id: x.id, name: x.name })),
        agent: workable(members.data ?? []).map((m) => ({ id: m.user_id, name: m.name })),
      },
      channels: channels.map((c) => ({ id: c.id, name: c.name })),
    }),
    [tagsQ.data, teams, departments, members.data, channels],
  );
}

/** The name of a tag or target by id, for node summaries ("" when unknown). */
export function nameIn(list: ReadonlyArray<{ id: string; name: string }>, id: string): string {
  return list.find((x) => x.id === id)?.name ?? "";
}
