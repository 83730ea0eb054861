import { describe, expect, it } from "vitest";
import { keyParts, partForField } from "./key-parts";

describe("the halves of a credential the palette offers", () => {
  it("offers one half for a secret key and two, named as integrators call them, for the others", () => {
    expect(keyParts("SECRET").map((part) => part.part)).toEqual(["secret"]);
    expect(keyParts("OAUTH_CLIENT").map((part) => part.label)).toEqual(["Client ID", "Client secret"]);
    expect(keyParts("BASIC").map((part) => part.label)).toEqual(["Username", "Password"]);
    expect(keyParts("KEY_PAIR").map((part) => part.label)).toEqual(["Access key ID", "Secret key"]);
  });

  it("reads the half a field asks for from its type, name or label, and asks when the field does not say", () => {
    expect(partForField({ type: "password", name: "apiKey" })).toBe("secret");
    expect(partForField({ type: "text", name: "client_secret" })).toBe("secret");
    expect(partForField({ type: "text", name: "client_id" })).toBe("public");
    expect(partForField({ type: "text", id: "aws-access-key-id" })).toBe("public");
    expect(partForField({ type: "email", autocomplete: "username" })).toBe("public");
    expect(partForField({ type: "text", label: "Username" })).toBe("public");
    expect(partForField({ type: "text", name: "apiKey", label: "API key" })).toBeNull();
  });
});
