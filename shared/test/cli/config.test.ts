import { chmod, mkdir, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { loadAgent, requireKey, resolveCredentials, saveAgent } from "../../src/cli/config.js";
import { API, cliHarness, KEY, saved } from "./harness.js";

const mode = async (file: string) => (await stat(file)).mode & 0o777;

describe("the saved agent key", () => {
  it("is written 0600 in a directory made 0700, and an older, wider file is replaced by a 0600 one", async () => {
    const h = await cliHarness();
    await saveAgent(h.configFile, saved());
    expect(await mode(h.configFile)).toBe(0o600);
    expect(await mode(path.dirname(h.configFile))).toBe(0o700);
    await chmod(h.configFile, 0o644);
    await saveAgent(h.configFile, saved());
    expect(await mode(h.configFile)).toBe(0o600);
    expect(await loadAgent(h.configFile, h.io)).toEqual(saved());
  });

  it("warns on stderr when the file can be read by others, and refuses a file that is not a saved agent", async () => {
    const h = await cliHarness();
    await saveAgent(h.configFile, saved());
    await chmod(h.configFile, 0o644);
    await loadAgent(h.configFile, h.io);
    expect(h.stderr()).toContain("can be read by others");
    await writeFile(h.configFile, JSON.stringify({ agent_key: KEY }));
    await expect(loadAgent(h.configFile, h.io)).rejects.toThrow(/clw login again/);
  });

  it("lives where CLW_CONFIG says", async () => {
    const h = await cliHarness({ env: { CLW_CONFIG: "elsewhere/agent.json" } });
    await mkdir(path.join(h.home, "elsewhere"));
    await saveAgent(path.join(h.home, "elsewhere", "agent.json"), saved());
    expect((await resolveCredentials(h.io, undefined)).agentKey).toBe(KEY);
  });
});

describe("credentials", () => {
  it("CLW_API_URL and CLW_AGENT_KEY win over the file, --api over CLW_API_URL; the default API is api.clw.cash", async () => {
    const none = await cliHarness();
    const defaults = await resolveCredentials(none.io, undefined);
    expect([defaults.apiUrl, defaults.agentKey]).toEqual(["https://api.clw.cash", undefined]);

    const h = await cliHarness({ env: { CLW_AGENT_KEY: "clw_ak_from_env" } });
    await saveAgent(h.configFile, saved());
    expect(await resolveCredentials(h.io, undefined)).toMatchObject({ apiUrl: API, agentKey: "clw_ak_from_env" });

    const both = await cliHarness({ env: { CLW_API_URL: "http://127.0.0.1:8787/", CLW_AGENT_KEY: "clw_ak_from_env" } });
    await saveAgent(both.configFile, saved());
    expect(await resolveCredentials(both.io, undefined)).toMatchObject({ apiUrl: "http://127.0.0.1:8787", agentKey: "clw_ak_from_env" });
    expect(await resolveCredentials(both.io, "https://flag.example")).toMatchObject({ apiUrl: "https://flag.example" });
  });

  it("never sends the saved key to another API than the one that issued it", async () => {
    const h = await cliHarness({ env: { CLW_API_URL: "https://evil.example" } });
    await saveAgent(h.configFile, saved());
    const credentials = await resolveCredentials(h.io, undefined);
    expect(credentials.agentKey).toBeUndefined();
    expect(() => requireKey(credentials)).toThrow(`the key saved in ${h.configFile} is for ${API}, not https://evil.example`);
    expect((await resolveCredentials(h.io, `${API}/`)).agentKey).toBe(KEY);
  });

  it("refuses an API URL that is not http(s)", async () => {
    const h = await cliHarness({ env: { CLW_API_URL: "ftp://api.example" } });
    await expect(resolveCredentials(h.io, undefined)).rejects.toMatchObject({ exitCode: 2, message: expect.stringContaining("CLW_API_URL") });
  });
});
