import IntervenCore
import IntervenTesting
import Testing

/// The code of the error a refused operation throws, or nil when it was not refused.
///
/// An error that is not a `GatewayError` is reported as an issue (and gives nil).
func refusal(_ body: () throws -> Void) -> GatewayError.Code? {
    do {
        try body()
        return nil
    } catch let error as GatewayError {
        return error.code
    } catch {
        Issue.record(error, "not a GatewayError")
        return nil
    }
}
