import IntervenCore
public import CoreMetrics
import Prometheus

/// The server's Prometheus metrics (`GET /metrics`).
public final class ServerMetrics: Sendable {
    let registry = PrometheusCollectorRegistry()
    let scans: [Prometheus.Counter]
    let incidents: [Prometheus.Counter]
    let latency: Prometheus.DurationHistogram
    let openIncidents: Prometheus.Gauge
    let inScrutiny: Prometheus.Gauge
    let suspended: Prometheus.Gauge
    let held: [Prometheus.Gauge]

    public init() {
        let r = registry
        scans = Decision.allCases.map {
            r.makeCounter(descriptor: MetricNameDescriptor(namespace: "interven", metricName: "scans", unitName: "total",
                                                           helpText: "Scans answered, by decision."),
                          labels: [("decision", $0.description)])
        }
        incidents = TriggerKind.allCases.map {
            r.makeCounter(descriptor: MetricNameDescriptor(namespace: "interven", metricName: "incidents_opened", unitName: "total",
                                                           helpText: "Incidents opened automatically, by trigger (manual incidents under manual)."),
                          labels: [("trigger", $0.description)])
        }
        latency = r.makeDurationHistogram(
            descriptor: MetricNameDescriptor(namespace: "interven", metricName: "scan_duration", unitName: "seconds",
                                             helpText: "Time to answer POST /v1/scan, from the request's arrival to its durable answer."),
            labels: [],
            buckets: [.microseconds(250), .microseconds(500), .milliseconds(1), .milliseconds(2), .milliseconds(5),
                      .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250),
                      .milliseconds(500), .seconds(1)])
        openIncidents = r.makeGauge(descriptor: MetricNameDescriptor(namespace: "interven", metricName: "open_incidents", unitName: "",
                                                                     helpText: "Incidents not closed (open or investigating)."), labels: [])
        inScrutiny = r.makeGauge(descriptor: MetricNameDescriptor(namespace: "interven", metricName: "agents_in_scrutiny", unitName: "",
                                                                  helpText: "Agents in scrutiny (trust below the threshold, or pinned)."), labels: [])
        suspended = r.makeGauge(descriptor: MetricNameDescriptor(namespace: "interven", metricName: "agents_suspended", unitName: "",
                                                                 helpText: "Suspended agents."), labels: [])
        held = ["agent_slots", "live_agents", "incidents", "approvals", "anomalies"].map {
            r.makeGauge(descriptor: MetricNameDescriptor(namespace: "interven", metricName: "held", unitName: "",
                                                         helpText: "What the shards hold in memory: agent slots (live agents, and deleted agents' emptied slots waiting for a new agent), live agents, incidents, approvals, anomaly signals."),
                        labels: [("kind", $0)])
        }
    }

    func record(_ e: EventEffects) {
        if let s = e.scan { scans[Int(s.decision.rawValue)].increment() }
        for t in e.openedTriggers { incidents[Int(t.rawValue)].increment() }
        if e.incidentID != nil { incidents[Int(TriggerKind.manual.rawValue)].increment() }
    }

    func observe(scanDuration d: Duration) { latency.record(d) }

    func setGauges(open: Int, scrutiny: Int, suspended s: Int) {
        openIncidents.set(to: Double(open))
        inScrutiny.set(to: Double(scrutiny))
        suspended.set(to: Double(s))
    }

    func setHeld(_ h: HeldCounts) {
        for (g, v) in zip(held, [h.agentSlots, h.liveAgents, h.incidents, h.approvals, h.anomalies]) { g.set(to: Double(v)) }
    }

    public func text() -> String { registry.emitToString() }

    /// A swift-metrics factory writing into this registry, for `MetricsSystem.bootstrap` (once per
    /// process): Hummingbird's request metrics then appear in `/metrics` too.
    public var factory: any MetricsFactory { PrometheusMetricsFactory(registry: registry) }
}
