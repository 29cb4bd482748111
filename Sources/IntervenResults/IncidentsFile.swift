import IntervenCore
import IntervenScenario
import IntervenSimulation

/// `incidents.json`: every incident with its whole timeline, in the result's order.
///
/// Times appear three times: as `HH:MM:SS` from the start of the run for people, as `_ms`
/// integers for programs, and as `_utc` instants in RFC 3339 from the scenario's `start:`.
enum IncidentsFile {
    static let name = "incidents.json"

    static func render(_ incidents: [IncidentRecord], start: Int64) -> [UInt8] {
        var w = JSONWriter()
        w.beginArray()
        for i in incidents {
            w.beginObject()
            w.field("id", i.id)
            w.field("title", i.title)
            w.field("severity", i.severity.description)
            w.field("agent", i.agent)
            w.field("agent_id", i.agentID)
            w.field("trigger", i.trigger.description)
            w.field("key", i.key)
            w.field("opened_by", i.openedBy)
            w.time("opened_at", i.openedAt, start: start)
            w.field("status", i.status.description)
            w.field("resolution", i.resolution?.description)
            w.time("closed_at", i.closedAt, start: start)
            w.array("status_changes", of: i.statusChanges) { w, c in
                w.field("status", c.status.description)
                w.time("time", c.time, start: start)
                w.field("actor", c.actor)
            }
            w.array("traces", of: i.traces) { w, t in
                w.field("trace", t.trace)
                w.time("time", t.time, start: start)
            }
            w.array("actions", of: i.actions) { w, a in
                w.field("kind", a.kind.description)
                w.time("time", a.time, start: start)
                w.field("actor", a.actor)
                w.field("detail", a.detail)
            }
            w.array("notes", of: i.notes) { w, n in
                w.field("author", n.author)
                w.time("time", n.time, start: start)
                w.field("text", n.text)
            }
            w.endObject()
        }
        w.endArray()
        return w.document
    }
}
