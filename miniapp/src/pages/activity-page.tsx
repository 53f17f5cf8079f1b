import { useState } from "react";
import { describeTime } from "../relative-time.js";
import { describeEvent, describeSource, publicKeyIndex } from "@clw/shared";
import { ErrorNotice, Loading } from "../components/status.js";
import { useGuarded, useSession } from "../session-context.js";
import { failureMessage } from "../sign-in-flow.js";
import { useAsync } from "../use-async.js";

export const ACTIVITY_PAGE_SIZE = 20;

/** The audit trail, newest first, a page at a time, in plain words. */
export function ActivityPage() {
  const { api } = useSession();
  const guarded = useGuarded();
  const [offset, setOffset] = useState(0);
  const page = useAsync(
    () =>
      guarded(async () => {
        const [audit, identities] = await Promise.all([api.audit({ limit: ACTIVITY_PAGE_SIZE, offset }), api.listIdentities()]);
        return { audit, keys: publicKeyIndex(audit.items, identities) };
      }),
    `activity:${offset}`,
  );
  return (
    <main className="page">
      <h1 className="title">Activity</h1>
      {page.status === "loading" && <Loading label="Loading activity…" />}
      {page.status === "error" && <ErrorNotice title="Could not load activity" message={failureMessage(page.error)} action="Try again" onAction={page.reload} />}
      {page.status === "ready" && page.data.audit.items.length === 0 && <p className="empty">Nothing has happened yet.</p>}
      {page.status === "ready" && page.data.audit.items.length > 0 && (
        <>
          <ul className="list" aria-label="Activity">
            {page.data.audit.items.map((event) => (
              <li key={event.id} className="event">
                <span className="row-title">{describeEvent(event, page.data.keys)}</span>
                <span className="row-sub hint">
                  {describeSource(event.source)} · <time dateTime={event.created_at}>{describeTime(event.created_at)}</time>
                </span>
              </li>
            ))}
          </ul>
          {page.data.audit.count > ACTIVITY_PAGE_SIZE && (
          <div className="pager">
            <button type="button" className="button button-secondary" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - ACTIVITY_PAGE_SIZE))}>
              ← Newer
            </button>
            <span className="hint">
              {offset + 1}–{offset + page.data.audit.items.length} of {page.data.audit.count}
            </span>
            <button type="button" className="button button-secondary" disabled={offset + ACTIVITY_PAGE_SIZE >= page.data.audit.count} onClick={() => setOffset(offset + ACTIVITY_PAGE_SIZE)}>
              Older →
            </button>
          </div>
          )}
        </>
      )}
    </main>
  );
}
