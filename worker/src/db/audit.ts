import type { AuditEvent } from "@clw/shared";
import type { Db } from "./client.js";
import type { AuditEventsTable } from "./schema.js";

export type NewAuditEvent = Omit<AuditEventsTable, "id">;

export function insertAuditQuery(db: Db, event: NewAuditEvent) {
  return db.insertInto("audit_events").values(event);
}

export async function listAuditEvents(db: Db, userId: string, limit: number, offset: number): Promise<AuditEvent[]> {
  const rows = await db
    .selectFrom("audit_events")
    .select(["id", "action", "identity_id", "source", "metadata", "created_at"])
    .where("user_id", "=", userId)
    .orderBy("id", "desc")
    .limit(limit)
    .offset(offset)
    .execute();
  return rows.map((row) => ({ ...row, metadata: JSON.parse(row.metadata) as Record<string, unknown> }));
}

export async function countAuditEvents(db: Db, userId: string): Promise<number> {
  const row = await db
    .selectFrom("audit_events")
    .select((eb) => eb.fn.countAll<number>().as("count"))
    .where("user_id", "=", userId)
    .executeTakeFirstOrThrow();
  return Number(row.count);
}
