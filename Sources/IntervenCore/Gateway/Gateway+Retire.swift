// The end of a gateway's life in a simulation: what a finished run keeps and what it frees.

extension Gateway {
    /// Frees what only deciding more scans needs (correlation windows, approvals, ephemeral keys,
    /// incidents and anomaly signals already handed out), keeping what an agent's Agents-page
    /// row reads: roster, symbols, trust and telemetry. At a million agents this is several
    /// hundred megabytes a finished run no longer needs. A retired gateway must not decide scans
    /// or take operator actions again; `snapshot(of:at:)` still answers.
    public mutating func retire() {
        releaseScanState()
        desk = IncidentDesk()
        anomalies = []
    }

    /// The first half of `retire()`: frees the correlation windows, approvals and ephemeral
    /// keys, keeping incidents and anomaly signals to be read out. The same rule holds after it:
    /// no more scans or operator actions.
    public mutating func releaseScanState() {
        correlator.release()
        approvalBook = ApprovalBook()
        ephemeral = EphemeralKeys()
    }
}
