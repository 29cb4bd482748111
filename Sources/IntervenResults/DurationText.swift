public import IntervenCore
import IntervenScenario
import IntervenSimulation

extension SimDuration {
    /// The duration with hours as the largest unit, as run lengths are usually written: `24h`,
    /// `36h30m`, `90s`, `250ms` (`SimDuration.description` would say `1d` and `1d12h30m`).
    public var hoursText: String {
        guard milliseconds >= 86_400_000 else { return description }
        let hours = milliseconds / 3_600_000
        let rest = SimDuration(milliseconds: milliseconds % 3_600_000)
        return "\(hours)h" + (rest == .zero ? "" : rest.description)
    }
}
