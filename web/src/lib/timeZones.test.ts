import { describe, expect, it } from "vitest";

import { BRAZIL_ZONES, foldZone, groupTimeZones, zoneLabel } from "./timeZones";

const all = ["Europe/Lisbon", "America/Sao_Paulo", "UTC", "America/Manaus", "America/New_York", "Asia/Tokyo", "America/Noronha"];

describe("time-zone picker", () => {
  it("puts Brazil's zones first in their fixed order, then the rest alphabetically", () => {
    const g = groupTimeZones(all);
    expect(g.brazil).toEqual([...BRAZIL_ZONES]);
    expect(g.brazil[0]).toBe("America/Sao_Paulo");
    expect(g.others).toEqual(["America/New_York", "Asia/Tokyo", "Europe/Lisbon", "UTC"]);
  });

  it("finds zones whatever the case, accents, spaces or slashes typed", () => {
    expect(groupTimeZones(all, "são paulo").brazil).toEqual(["America/Sao_Paulo"]);
    expect(groupTimeZones(all, "NEW york").others).toEqual(["America/New_York"]);
    expect(groupTimeZones(all, "america manaus").brazil).toEqual(["America/Manaus"]);
    const none = groupTimeZones(all, "atlantis");
    expect(none.brazil.concat(none.others)).toEqual([]);
  });

  it("keeps a saved zone the browser does not list", () => {
    expect(groupTimeZones(["UTC"], "", "Etc/GMT+3").others).toEqual(["Etc/GMT+3", "UTC"]);
  });

  it("labels and folds names for people", () => {
    expect(zoneLabel("America/Campo_Grande")).toBe("America / Campo Grande");
    expect(foldZone("America/Cuiabá")).toBe("america cuiaba");
  });
});
