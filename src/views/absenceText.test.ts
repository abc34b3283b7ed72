import { describe, expect, it } from "vitest";
import { onBehalfOfLine } from "./absenceText.ts";

describe("the deputy's first words", () => {
  it("French says on whose behalf and until when, with « suppléant » and a no-break space before the colon", () => {
    expect(onBehalfOfLine("Camille Martin", "2026-12-12", "fr")).toBe("En l’absence de Camille Martin (jusqu’au 12 déc.), vous êtes son suppléant\u00a0: ");
  });
  it("English likewise", () => {
    expect(onBehalfOfLine("Camille Martin", "2026-12-12", "en")).toBe("Camille Martin is away (until 12 Dec) and you are their deputy: ");
  });
});
